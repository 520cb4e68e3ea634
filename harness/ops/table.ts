// The op table: one descriptor per operation. Its fields (in the order a
// transcript prints them, paths marked), the wire check, the step builders the
// cases use and how its answer reads in a transcript all come from here; the
// executor's implementation is harness/executor/ops.ts.
import {
  ACCESS_FLAGS, FALLOC_FLAGS, FLOCK_OPS, LOCK_OWNERS, LOCK_TYPES, MAP_KINDS, MKNOD_KINDS, OPEN_FLAGS, PROBE_KINDS, PROTS, RENAME_FLAGS, WHENCE, XATTR_FLAGS,
  argv, arrayOf, bool, bytes, cstring, cstrings, handle, id32, int, oneOf, optional, path, seekPos, size, string, timespec, uint,
  type AccessFlag, type Bytes, type FallocFlag, type Field, type FlockOp, type LockOwner, type LockType, type MapKind, type OpenFlag, type Prot,
  type ProbeKind, type RenameFlag, type XattrFlag, type FieldType, type TimeSpec,
} from './fields.ts';

type Fields = Readonly<Record<string, Field<unknown>>>;
type RequiredKeys<F> = { [K in keyof F]: F[K] extends { optional: true } ? never : K }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;
/** The arguments an op with fields F carries. */
export type Args<F> = { [K in RequiredKeys<F>]: FieldType<F[K]> } & { [K in OptionalKeys<F>]?: FieldType<F[K]> };

/**
 * Who carries an op out: `step`, a case step the executor runs; `harness-step`,
 * a case step the harness carries out (harness/plan/compile.ts); `setup`, an
 * executor op only the harness sends (a case cannot name it).
 */
export type Role = 'step' | 'harness-step' | 'setup';

/** How an answer reads in a transcript (harness/transcript/steps.ts). */
export type AnswerKind = 'int' | 'handle' | 'bytes' | 'text' | 'stat' | 'entry' | 'entries' | 'names' | 'pos' | 'nlink' | 'none';

export interface OpSpec<F extends Fields> {
  fields: F;
  role: Role;
  answer: AnswerKind;
  /** The builders cases call, each returning the op's arguments. */
  steps?: Readonly<Record<string, (...a: never[]) => Args<F>>>;
}

const spec = <R extends Role, F extends Fields, S extends Readonly<Record<string, (...a: never[]) => Args<F>>> = Record<never, never>>(
  role: R, answer: AnswerKind, fields: F, steps?: S,
): OpSpec<F> & { role: R; steps: S } => ({ role, answer, fields, steps: steps ?? ({} as S) });

const text = (t: string): Bytes => ({ b64: Buffer.from(t).toString('base64') });
const flags = <F extends string>(list: string): F[] => list.split('|').filter(Boolean) as F[];

const fd = { fd: handle };
const dir = { dir: handle };
const at = { path };
const fromTo = { from: path, to: path };
const owner = { uid: id32, gid: id32 };
const times = { atime: timespec, mtime: timespec };
const xattrSet = { name: cstring, value: bytes, flags: optional(arrayOf(XATTR_FLAGS)) };
const xattrFlags = (f: string) => flags<XattrFlag>(f);

export const OPS = {
  // The executor's own state.
  root: spec('setup', 'none', at),
  reset: spec('setup', 'none', {}),

  // Files and fds.
  open: spec('step', 'handle', { path, flags: arrayOf(OPEN_FLAGS), fd: handle, mode: optional(uint) }, {
    /** open('a', 'O_WRONLY|O_TRUNC', 'fd1'): the fd is named, later steps use the name. */
    open: (p: string, f: string, name: string, mode?: number) =>
      mode === undefined ? { path: p, flags: flags<OpenFlag>(f), fd: name } : { path: p, flags: flags<OpenFlag>(f), fd: name, mode },
  }),
  close: spec('step', 'int', fd, { close: (name: string) => ({ fd: name }) }),
  read: spec('step', 'bytes', { fd: handle, len: size }, { read: (name: string, len = 4096) => ({ fd: name, len }) }),
  pread: spec('step', 'bytes', { fd: handle, len: size, off: uint }, { pread: (name: string, len: number, off: number) => ({ fd: name, len, off }) }),
  write: spec('step', 'int', { fd: handle, data: bytes }, { write: (name: string, t: string) => ({ fd: name, data: text(t) }) }),
  pwrite: spec('step', 'int', { fd: handle, data: bytes, off: uint }, { pwrite: (name: string, t: string, off: number) => ({ fd: name, data: text(t), off }) }),
  /** Writes `size` bytes of the big-fixture pattern (harness/fixture-pattern.ts) at the fd's offset. */
  fill: spec('setup', 'int', { fd: handle, size }),
  lseek: spec('step', 'int', { fd: handle, off: int, whence: oneOf(WHENCE) }),
  mmapwrite: spec('step', 'int', { fd: handle, off: uint, data: bytes }, {
    mmapwrite: (name: string, t: string, off = 0) => ({ fd: name, off, data: text(t) }),
  }),

  // Memory mappings, named like fds (harness/executor/mapping.ts): read and stored through the kernel, so a fault is EFAULT.
  mmap: spec('step', 'handle', { fd: handle, map: handle, len: size, prot: arrayOf(PROTS), kind: oneOf(MAP_KINDS) }, {
    /** mmap('fd1', 'M', 'MAP_PRIVATE'): the mapping is named, later steps use the name. */
    mmap: (name: string, map: string, kind: MapKind = 'MAP_SHARED', prot = 'PROT_READ', len = 4096) =>
      ({ fd: name, map, len, prot: flags<Prot>(prot), kind }),
  }),
  mmapread: spec('step', 'bytes', { map: handle, off: uint, len: size }, { mmapread: (map: string, len = 6, off = 0) => ({ map, off, len }) }),
  mmapstore: spec('step', 'int', { map: handle, off: uint, data: bytes }, { mmapstore: (map: string, t: string, off = 0) => ({ map, off, data: text(t) }) }),
  msync: spec('step', 'int', { map: handle }, { msync: (map: string) => ({ map }) }),
  munmap: spec('step', 'int', { map: handle }, { munmap: (map: string) => ({ map }) }),

  // Locks (harness/executor/locks.ts), never waiting: a lock held elsewhere is EAGAIN.
  flock: spec('step', 'int', { fd: handle, how: oneOf(FLOCK_OPS) }, { flock: (name: string, how: FlockOp) => ({ fd: name, how }) }),
  /** A record lock owned by the process (posix, F_SETLK) or by the open file description (ofd, F_OFD_SETLK); len 0 is to the end. */
  setlk: spec('step', 'int', { fd: handle, owner: oneOf(LOCK_OWNERS), type: oneOf(LOCK_TYPES), start: uint, len: uint }, {
    setlk: (name: string, owner: LockOwner, type: LockType, start = 0, len = 0) => ({ fd: name, owner, type, start, len }),
  }),
  /** "locked" or "free": whether a writer on another open file description would be excluded (locks.ts says how). */
  lockprobe: spec('step', 'text', { path, kind: oneOf(PROBE_KINDS) }, { lockprobe: (p: string, kind: ProbeKind) => ({ path: p, kind }) }),

  // Data between fds.
  /** copy_file_range(2) at both fds' offsets. */
  copyrange: spec('step', 'int', { in: handle, out: handle, len: size }, { copyrange: (from: string, to: string, len: number) => ({ in: from, out: to, len }) }),
  fallocate: spec('step', 'int', { fd: handle, mode: arrayOf(FALLOC_FLAGS), off: uint, len: size }, {
    fallocate: (name: string, mode: string, off: number, len: number) => ({ fd: name, mode: flags<FallocFlag>(mode), off, len }),
  }),
  /** ioctl(fd, FICLONE, src): fd's data becomes a clone of src's. */
  ficlone: spec('step', 'int', { fd: handle, src: handle }, { ficlone: (name: string, src: string) => ({ fd: name, src }) }),
  /** linkat of an fd's object (an O_TMPFILE file) to a new name. */
  linkfd: spec('step', 'int', { fd: handle, path }, { linkfd: (name: string, p: string) => ({ fd: name, path: p }) }),
  /** read(2) into page-aligned memory, as O_DIRECT needs. */
  dread: spec('step', 'bytes', { fd: handle, len: size }, { dread: (name: string, len = 4096) => ({ fd: name, len }) }),

  /** Runs a file of the case root as a program for at most 3 s (harness/executor/run-file.ts): exit status and output. */
  execfile: spec('step', 'text', at, { execfile: (p: string) => ({ path: p }) }),

  // Which filesystem answers (harness/executor/fsinfo.ts).
  statfs: spec('step', 'text', at, { statfs: (p: string) => ({ path: p }) }),
  fstatfs: spec('step', 'text', fd, { fstatfs: (name: string) => ({ fd: name }) }),
  /** "root" when the object's st_dev (lstat) is the case root's, else "other". */
  stdev: spec('step', 'text', at, { stdev: (p: string) => ({ path: p }) }),

  // Attributes.
  stat: spec('step', 'stat', at, { stat: (p: string) => ({ path: p }) }),
  lstat: spec('step', 'stat', at, { lstat: (p: string) => ({ path: p }) }),
  fstat: spec('step', 'stat', fd, { fstat: (name: string) => ({ fd: name }) }),
  access: spec('step', 'int', { path, mode: uint }),
  faccessat: spec('step', 'int', { path, mode: uint, flags: arrayOf(ACCESS_FLAGS) }, {
    faccessat: (p: string, mode: number, f = '') => ({ path: p, mode, flags: flags<AccessFlag>(f) }),
  }),
  chmod: spec('step', 'int', { path, mode: uint }, { chmod: (p: string, mode: number) => ({ path: p, mode }) }),
  fchmod: spec('step', 'int', { fd: handle, mode: uint }, { fchmod: (name: string, mode: number) => ({ fd: name, mode }) }),
  chown: spec('step', 'int', { path, ...owner }, { chown: (p: string, uid: number, gid: number) => ({ path: p, uid, gid }) }),
  lchown: spec('step', 'int', { path, ...owner }, { lchown: (p: string, uid: number, gid: number) => ({ path: p, uid, gid }) }),
  fchown: spec('step', 'int', { fd: handle, ...owner }, { fchown: (name: string, uid: number, gid: number) => ({ fd: name, uid, gid }) }),
  utimensat: spec('step', 'int', { path, ...times, nofollow: optional(bool) }, {
    utimens: (p: string, atime: TimeSpec, mtime: TimeSpec) => ({ path: p, atime, mtime }),
  }),
  futimens: spec('step', 'int', { fd: handle, ...times }, { futimens: (name: string, atime: TimeSpec, mtime: TimeSpec) => ({ fd: name, atime, mtime }) }),
  truncate: spec('step', 'int', { path, len: int }, { truncate: (p: string, len: number) => ({ path: p, len }) }),
  ftruncate: spec('step', 'int', { fd: handle, len: int }, { ftruncate: (name: string, len: number) => ({ fd: name, len }) }),

  // Names.
  link: spec('step', 'int', fromTo, { link: (from: string, to: string) => ({ from, to }) }),
  symlink: spec('step', 'int', { target: cstring, path }, { symlink: (target: string, p: string) => ({ target, path: p }) }),
  readlink: spec('step', 'text', at, { readlink: (p: string) => ({ path: p }) }),
  rename: spec('step', 'int', fromTo, { rename: (from: string, to: string) => ({ from, to }) }),
  renameat2: spec('step', 'int', { ...fromTo, flags: arrayOf(RENAME_FLAGS) }, {
    renameat2: (from: string, to: string, f: string) => ({ from, to, flags: flags<RenameFlag>(f) }),
  }),
  unlink: spec('step', 'int', at, { unlink: (p: string) => ({ path: p }) }),
  rmdir: spec('step', 'int', at, { rmdir: (p: string) => ({ path: p }) }),
  mkdir: spec('step', 'int', { path, mode: uint }, { mkdir: (p: string, mode = 0o755) => ({ path: p, mode }) }),
  mknod: spec('step', 'int', { path, kind: oneOf(MKNOD_KINDS), mode: uint, major: optional(uint), minor: optional(uint) }, {
    mkfifo: (p: string, mode = 0o644) => ({ path: p, kind: 'fifo' as const, mode }),
    mknod: (p: string, kind: 'chr' | 'blk', major: number, minor: number, mode = 0o644) => ({ path: p, kind, mode, major, minor }),
  }),

  /** openat(2) relative to a held directory fd, as a process does after fchdir(); the name cannot climb out of it. */
  openat: spec('step', 'handle', { dirfd: handle, name: cstring, flags: arrayOf(OPEN_FLAGS), fd: handle, mode: optional(uint) }, {
    openat: (dirfd: string, name: string, f: string, fdName: string, mode?: number) =>
      mode === undefined ? { dirfd, name, flags: flags<OpenFlag>(f), fd: fdName } : { dirfd, name, flags: flags<OpenFlag>(f), fd: fdName, mode },
  }),

  /** fchdir(2) to a held directory fd: the working directory of the steps that follow (the executor's goes back to / at reset). */
  fchdir: spec('step', 'int', fd, { fchdir: (name: string) => ({ fd: name }) }),
  /** open(2) of a name relative to the working directory (after fchdir), resolved beneath it. */
  opencwd: spec('step', 'handle', { name: cstring, flags: arrayOf(OPEN_FLAGS), fd: handle, mode: optional(uint) }, {
    opencwd: (name: string, f: string, fdName: string, mode?: number) =>
      mode === undefined ? { name, flags: flags<OpenFlag>(f), fd: fdName } : { name, flags: flags<OpenFlag>(f), fd: fdName, mode },
  }),

  // Directory streams.
  opendir: spec('step', 'handle', { path, dir: handle }, { opendir: (p: string, name: string) => ({ path: p, dir: name }) }),
  readdir: spec('step', 'entry', dir, { readdir: (name: string) => ({ dir: name }) }),
  telldir: spec('step', 'pos', dir, { telldir: (name: string) => ({ dir: name }) }),
  /** In a case, `pos` is the number n of a position telldir answered as pos#n; the plan sends the raw value. */
  seekdir: spec('step', 'int', { dir: handle, pos: seekPos }, { seekdir: (name: string, n: number) => ({ dir: name, pos: n }) }),
  rewinddir: spec('step', 'int', dir),
  closedir: spec('step', 'int', dir, { closedir: (name: string) => ({ dir: name }) }),
  /** Telldir before every `every`-th entry, then seekdir back to each: harness/executor/seek-scan.ts. */
  seekscan: spec('step', 'text', { dir: handle, every: uint }, { seekscan: (name: string, every = 100) => ({ dir: name, every }) }),
  /** The whole directory, sorted by name, with d_type and d_ino. */
  listdir: spec('step', 'entries', at, { listdir: (p: string) => ({ path: p }) }),

  // Extended attributes.
  setxattr: spec('step', 'int', { path, ...xattrSet }, {
    setxattr: (p: string, name: string, value: string, f = '') => ({ path: p, name, value: text(value), flags: xattrFlags(f) }),
  }),
  lsetxattr: spec('step', 'int', { path, ...xattrSet }, {
    lsetxattr: (p: string, name: string, value: string, f = '') => ({ path: p, name, value: text(value), flags: xattrFlags(f) }),
  }),
  fsetxattr: spec('step', 'int', { fd: handle, ...xattrSet }, {
    fsetxattr: (name: string, attr: string, value: string, f = '') => ({ fd: name, name: attr, value: text(value), flags: xattrFlags(f) }),
  }),
  getxattr: spec('step', 'bytes', { path, name: cstring }, { getxattr: (p: string, name: string) => ({ path: p, name }) }),
  lgetxattr: spec('step', 'bytes', { path, name: cstring }),
  fgetxattr: spec('step', 'bytes', { fd: handle, name: cstring }),
  listxattr: spec('step', 'names', at, { listxattr: (p: string) => ({ path: p }) }),
  llistxattr: spec('step', 'names', at),
  flistxattr: spec('step', 'names', fd),
  removexattr: spec('step', 'int', { path, name: cstring }, { removexattr: (p: string, name: string) => ({ path: p, name }) }),
  lremovexattr: spec('step', 'int', { path, name: cstring }),
  fremovexattr: spec('step', 'int', { fd: handle, name: cstring }),

  // Steps the harness carries out (harness/plan/compile.ts).
  /** Unmounts and mounts the union again on the same layers: what persists on disk shows. */
  remount: spec('harness-step', 'int', {}, { remount: () => ({}) }),
  /**
   * Reads a directory stream to its end: the names it returned, sorted (so the
   * transcript does not depend on a filesystem's order), without . and ..; a
   * name returned twice shows twice.
   */
  readrest: spec('harness-step', 'entries', dir, { readrest: (name: string) => ({ dir: name }) }),
  /**
   * Whether statfs() of the object reports the top layer's size and free counts: the executor
   * takes statfs of the object and of the upper directory one after the other (the plain
   * oracle: of the object twice). Deterministic where only the case writes to the top layer's
   * filesystem: a case with `upperBytes` (its own tmpfs).
   */
  upperfree: spec('harness-step', 'text', at, { upperfree: (p: string) => ({ path: p }) }),
  /** A directory's link count, which the transcript otherwise leaves out (see statText). */
  nlink: spec('harness-step', 'nlink', at, { nlink: (p: string) => ({ path: p }) }),

  // The harness's own requests.
  /** statOnly: each view holds the stat alone (no link target, content or xattrs). */
  snapshot: spec('setup', 'none', { paths: cstrings, statOnly: optional(bool) }),
  /** Walks a layer directory (absolute, in the workspace) directly: every xattr namespace, entries sorted by path. */
  scan: spec('setup', 'none', { path: cstring }),
  /** The counts of statfs() of `path` (in the case root) that equal those of `upper` (absolute, in the workspace): upperfree. */
  statfsupper: spec('setup', 'none', { path: cstring, upper: cstring }),
  /** Runs one of the harness's own commands (mount, umount, rm) as root on the executor's machine. */
  exec: spec('setup', 'none', { argv, timeoutMs: optional(uint) }),
  mount: spec('setup', 'none', { source: cstring, target: cstring, fstype: cstring, data: string }),
  umount: spec('setup', 'none', { target: cstring, lazy: optional(bool) }),
} as const;

type Table = typeof OPS;
export type AnyName = keyof Table;
type Shape<N extends AnyName> = { op: N } & Args<Table[N]['fields']>;
type NamesBy<R extends Role> = { [N in AnyName]: Table[N]['role'] extends R ? N : never }[AnyName];

/** What the executor performs: every op but the harness's own steps. */
export type OpName = NamesBy<'step' | 'setup'>;
export type Op = { [N in OpName]: Shape<N> }[OpName];
/** What a case step names: executor ops a case may use, and the harness's steps. */
export type StepName = NamesBy<'step' | 'harness-step'>;
export type StepOp = { [N in StepName]: Shape<N> }[StepName];

export const specOf = (name: AnyName): OpSpec<Fields> => OPS[name] as OpSpec<Fields>;
export const isOpName = (v: unknown): v is AnyName => typeof v === 'string' && Object.prototype.hasOwnProperty.call(OPS, v);

/** The values of an op's path fields (a snapshot's paths are the harness's, not a step's). */
export function pathsOf(op: { op: AnyName } & Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, f] of Object.entries(specOf(op.op).fields)) if (f.path && typeof op[name] === 'string') out.push(op[name] as string);
  return out;
}
