// A standalone bash script that reproduces a case without the harness: it builds the layers on a tmpfs
// with mkdir, printf, ln, mknod, setfattr and touch, mounts them as the target does, and runs
// the steps by their syscalls in python3 (harness/explain/runner.py, and runner-fields.py for
// the field families' ops), printing each step's line as the transcript prints it.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Case } from '../../suite/dsl.ts';
import { merge, type Tree } from '../../suite/fixture.ts';
import type { Step } from '../../suite/steps.ts';
import type { Op } from '../protocol.ts';
import type { Bytes, OpenFlag, TimeSpec } from '../ops/fields.ts';
import { specOf } from '../ops/table.ts';
import { touchedPaths } from '../plan/compile.ts';
import { caseLayout } from '../case-layers.ts';
import { layerOps } from '../layer-writer.ts';
import { stepText } from '../transcript/steps.ts';
import { parseTarget, TargetError, type Layout, type Target } from '../targets/target.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUNNERS = ['runner.py', 'runner-fields.py'].map((f) => join(HERE, f));
const UNIONREF = resolve(HERE, '../../reference/bin/unionref');

/** bash's single quotes. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A printf format that prints exactly `data`. */
function printfFormat(data: Buffer): string {
  let out = '';
  for (const b of data) {
    if (b === 0x25) out += '%%';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

const bytesOf = (b: Bytes) => Buffer.from(b.b64, 'base64');
/** A path of the layer root, for a shell command. */
const here = (p: string) => (p === '' ? '.' : sq(p));
const FIXTURE_TOUCH = '@1234567890.500000000';

/** One shell command per op that builds a layer (harness/layer-writer.ts's ops). */
function layerCommand(op: Op, files: Map<string, string>): string | undefined {
  switch (op.op) {
    case 'open': return undefined;
    case 'write': return `printf ${sq(printfFormat(bytesOf(op.data)))} > ${here(files.get(op.fd)!)}`;
    case 'fill':
      return `python3 -c ${sq(`import sys; sys.stdout.buffer.write(bytes(0x41 + (i * 7 + (i >> 12)) % 26 for i in range(${op.size})))`)} > ${here(files.get(op.fd)!)}`;
    case 'close': return undefined;
    case 'mkdir': return `mkdir ${here(op.path)}`;
    case 'symlink': return `ln -s ${sq(op.target)} ${here(op.path)}`;
    case 'mknod':
      return op.kind === 'fifo' ? `mkfifo -m ${octal(op.mode)} ${here(op.path)}` : `mknod -m ${octal(op.mode)} ${here(op.path)} ${op.kind === 'chr' ? 'c' : 'b'} ${op.major ?? 0} ${op.minor ?? 0}`;
    case 'chmod': return `chmod ${octal(op.mode)} ${here(op.path)}`;
    case 'lchown': return `chown -h ${op.uid}:${op.gid} ${here(op.path)}`;
    case 'lsetxattr': return `setfattr -h -n ${sq(op.name)} -v 0s${op.value.b64} ${here(op.path)}`;
    case 'utimensat': return `touch -h -d ${FIXTURE_TOUCH} ${here(op.path)}`;
    default: throw new Error(`no shell command for layer op ${op.op}`);
  }
}

const octal = (n: number) => `0${n.toString(8)}`;

/** Hard links to one file, made one after another: one python3 call, not an ln each (a big directory has 10,000). */
const linksCommand = (from: string, to: string[]) =>
  to.length === 1 ? `ln ${here(from)} ${here(to[0]!)}` : `python3 -c 'import os, sys; [os.link(sys.argv[1], n, follow_symlinks=False) for n in sys.argv[2:]]' ${[from, ...to].map(here).join(' ')}`;

function layerScript(dir: string, tree: Tree, target: Target): string[] {
  const files = new Map<string, string>();
  const lines = [`mkdir -p ${dir}`, `cd ${dir}`];
  let links: { from: string; to: string[] } | undefined;
  const flush = () => {
    if (links) lines.push(linksCommand(links.from, links.to));
    links = undefined;
  };
  for (const op of layerOps(tree, target.writer)) {
    if (op.op === 'link') {
      if (links?.from !== op.from) flush();
      links ??= { from: op.from, to: [] };
      links.to.push(op.to);
      continue;
    }
    flush();
    if (op.op === 'open') files.set(op.fd, op.path);
    const cmd = layerCommand(op, files);
    if (cmd) lines.push(cmd);
  }
  flush();
  return lines;
}

const py = (v: unknown) => JSON.stringify(v);
const pyBytes = (b: Bytes) => `bytes.fromhex(${py(bytesOf(b).toString('hex'))})`;
const pyTime = (t: TimeSpec) => (typeof t === 'string' ? py(t) : `(${t.sec}, ${t.nsec})`);
const pyFlags = (prefix: string, flags: readonly string[]) => (flags.length ? flags.map((f) => `${prefix}${f}`).join(' | ') : '0');
const RENAME_BITS: Record<string, number> = { RENAME_NOREPLACE: 1, RENAME_EXCHANGE: 2, RENAME_WHITEOUT: 4 };
const creates = (flags: readonly OpenFlag[]) => flags.includes('O_CREAT') || flags.includes('O_TMPFILE');
/** The mode an open creates with, as the executor's (harness/executor/ops.ts): only O_CREAT and O_TMPFILE take one, 0644 where the step names none. */
const createMode = (flags: readonly OpenFlag[], mode: number | undefined) => (creates(flags) ? (mode ?? 0o644) & 0o7777 : 0);
const pyMode = (mode: number) => `0o${mode.toString(8)}`;
const openMode = (flags: readonly OpenFlag[], mode: number | undefined) => (creates(flags) ? `, ${pyMode(createMode(flags, mode))}` : '');
const KIND_BITS: Record<string, string> = { fifo: 'stat.S_IFIFO', chr: 'stat.S_IFCHR', blk: 'stat.S_IFBLK', sock: 'stat.S_IFSOCK', file: 'stat.S_IFREG' };

/** openat2(2) of a name beneath a directory fd (a held one, or the working directory's AT_FDCWD). */
const openBeneath = (dirfd: string, o: { fd: string; name: string; flags: OpenFlag[]; mode?: number }) =>
  `fds.__setitem__(${py(o.fd)}, openat(${dirfd}, ${py(o.name)}, ${pyFlags('os.', o.flags)}, ${pyMode(createMode(o.flags, o.mode))}))`;

/** The python expression that makes a step's syscall; its value is what the answer prints. upper: the top layer's directory. */
function call(op: Step['op'], upper: string): string {
  const P = (p: string) => `P(${py(p)})`;
  switch (op.op) {
    case 'open': return `fds.__setitem__(${py(op.fd)}, os.open(${P(op.path)}, ${pyFlags('os.', op.flags)}${openMode(op.flags, op.mode)}))`;
    case 'openat': return openBeneath(`fd(${py(op.dirfd)})`, op);
    case 'opencwd': return openBeneath('AT_FDCWD', op);
    case 'fchdir': return `fchdir(fd(${py(op.fd)}))`;
    case 'close': return `close(${py(op.fd)})`;
    case 'read': return `os.read(fd(${py(op.fd)}), ${op.len})`;
    case 'pread': return `os.pread(fd(${py(op.fd)}), ${op.len}, ${op.off})`;
    case 'write': return `os.write(fd(${py(op.fd)}), ${pyBytes(op.data)})`;
    case 'pwrite': return `os.pwrite(fd(${py(op.fd)}), ${pyBytes(op.data)}, ${op.off})`;
    case 'lseek': return `os.lseek(fd(${py(op.fd)}), ${op.off}, os.${op.whence})`;
    case 'mmapwrite': return `mmapwrite(fd(${py(op.fd)}), ${op.off}, ${pyBytes(op.data)})`;
    case 'mmap': return `mapfile(${py(op.map)}, fd(${py(op.fd)}), ${op.len}, ${pyFlags('mmap.', op.prot)}, mmap.${op.kind})`;
    case 'mmapread': return `mmapread(mapping(${py(op.map)}), ${op.off}, ${op.len})`;
    case 'mmapstore': return `mmapstore(mapping(${py(op.map)}), ${op.off}, ${pyBytes(op.data)})`;
    case 'msync': return `c(libc.msync(*mapping(${py(op.map)}), MS_SYNC))`;
    case 'munmap': return `munmap(${py(op.map)})`;
    case 'flock': return `fcntl.flock(fd(${py(op.fd)}), fcntl.${op.how} | fcntl.LOCK_NB)`;
    case 'setlk': return `setlk(fd(${py(op.fd)}), ${op.owner === 'ofd' ? 'True' : 'False'}, fcntl.${op.type}, ${op.start}, ${op.len})`;
    case 'lockprobe': return `lockprobe(${P(op.path)}, ${py(op.kind)})`;
    case 'copyrange': return `os.copy_file_range(fd(${py(op.in)}), fd(${py(op.out)}), ${op.len})`;
    case 'fallocate': return `fallocate(fd(${py(op.fd)}), ${pyFlags('', op.mode)}, ${op.off}, ${op.len})`;
    case 'ficlone': return `fcntl.ioctl(fd(${py(op.fd)}), FICLONE, fd(${py(op.src)}))`;
    case 'linkfd': return `linkfd(fd(${py(op.fd)}), ${P(op.path)})`;
    case 'dread': return `dread(fd(${py(op.fd)}), ${op.len})`;
    case 'execfile': return `execfile(${P(op.path)})`;
    case 'statfs': return `statfs(${P(op.path)})`;
    case 'fstatfs': return `fstatfs(fd(${py(op.fd)}))`;
    case 'upperfree': return `upperfree(${P(op.path)}, os.path.expandvars(${py(upper)}))`;
    case 'stdev': return `stdev(${P(op.path)})`;
    case 'stat': return `os.stat(${P(op.path)})`;
    case 'lstat': return `os.lstat(${P(op.path)})`;
    case 'fstat': return `os.fstat(fd(${py(op.fd)}))`;
    case 'nlink': return `os.lstat(${P(op.path)})`;
    case 'access': return `access(${P(op.path)}, ${op.mode})`;
    case 'faccessat': return `faccessat(${P(op.path)}, ${op.mode}, ${pyFlags('', op.flags)})`;
    case 'chmod': return `os.chmod(${P(op.path)}, 0o${op.mode.toString(8)})`;
    case 'fchmod': return `os.fchmod(fd(${py(op.fd)}), 0o${op.mode.toString(8)})`;
    case 'chown': return `os.chown(${P(op.path)}, ${op.uid}, ${op.gid})`;
    case 'lchown': return `os.lchown(${P(op.path)}, ${op.uid}, ${op.gid})`;
    case 'fchown': return `os.fchown(fd(${py(op.fd)}), ${op.uid}, ${op.gid})`;
    case 'utimensat': return `utimensat(${P(op.path)}, ${pyTime(op.atime)}, ${pyTime(op.mtime)}, ${op.nofollow ? 'True' : 'False'})`;
    case 'futimens': return `futimens(fd(${py(op.fd)}), ${pyTime(op.atime)}, ${pyTime(op.mtime)})`;
    case 'truncate': return `os.truncate(${P(op.path)}, ${op.len})`;
    case 'ftruncate': return `os.ftruncate(fd(${py(op.fd)}), ${op.len})`;
    case 'link': return `os.link(${P(op.from)}, ${P(op.to)}, follow_symlinks=False)`;
    case 'symlink': return `os.symlink(${py(op.target)}, ${P(op.path)})`;
    case 'readlink': return `os.readlink(${P(op.path)})`;
    case 'rename': return `os.rename(${P(op.from)}, ${P(op.to)})`;
    case 'renameat2': return `renameat2(${P(op.from)}, ${P(op.to)}, ${op.flags.reduce((n, f) => n | RENAME_BITS[f]!, 0)})`;
    case 'unlink': return `os.unlink(${P(op.path)})`;
    case 'rmdir': return `os.rmdir(${P(op.path)})`;
    case 'mkdir': return `os.mkdir(${P(op.path)}, 0o${op.mode.toString(8)})`;
    case 'mknod': return `os.mknod(${P(op.path)}, ${KIND_BITS[op.kind]} | 0o${op.mode.toString(8)}, os.makedev(${op.major ?? 0}, ${op.minor ?? 0}))`;
    case 'opendir': return `opendir(${py(op.dir)}, ${P(op.path)})`;
    case 'readdir': return `readdir(ds(${py(op.dir)}))`;
    case 'readrest': return `readrest(ds(${py(op.dir)}))`;
    case 'telldir': return `telldir(ds(${py(op.dir)}))`;
    case 'seekdir': return `seekdir(ds(${py(op.dir)}), ${Number(op.pos)})`;
    case 'rewinddir': return `libc.rewinddir(ds(${py(op.dir)}))`;
    case 'closedir': return `closedir(${py(op.dir)})`;
    case 'seekscan': return `seekscan(ds(${py(op.dir)}), ${op.every})`;
    case 'listdir': return `listdir(${P(op.path)})`;
    case 'setxattr':
    case 'lsetxattr':
      return `os.setxattr(${P(op.path)}, ${py(op.name)}, ${pyBytes(op.value)}, ${pyFlags('os.', op.flags ?? [])}, follow_symlinks=${op.op === 'setxattr' ? 'True' : 'False'})`;
    case 'fsetxattr': return `os.setxattr(fd(${py(op.fd)}), ${py(op.name)}, ${pyBytes(op.value)}, ${pyFlags('os.', op.flags ?? [])})`;
    case 'getxattr':
    case 'lgetxattr':
      return `os.getxattr(${P(op.path)}, ${py(op.name)}, follow_symlinks=${op.op === 'getxattr' ? 'True' : 'False'})`;
    case 'fgetxattr': return `os.getxattr(fd(${py(op.fd)}), ${py(op.name)})`;
    case 'listxattr':
    case 'llistxattr':
      return `os.listxattr(${P(op.path)}, follow_symlinks=${op.op === 'listxattr' ? 'True' : 'False'})`;
    case 'flistxattr': return `os.listxattr(fd(${py(op.fd)}))`;
    case 'removexattr':
    case 'lremovexattr':
      return `os.removexattr(${P(op.path)}, ${py(op.name)}, follow_symlinks=${op.op === 'removexattr' ? 'True' : 'False'})`;
    case 'fremovexattr': return `os.removexattr(fd(${py(op.fd)}), ${py(op.name)})`;
    case 'remount': return 'remount()';
    default: {
      // tsc finds a step op without a case here; the check below holds where the types were not checked
      const none: never = op;
      throw new TargetError(`the reproducer has no Python equivalent for ${(none as Step['op']).op}`);
    }
  }
}

const stepCall = (s: Step, upper: string) =>
  `step(${py(stepText(s))}, ${py(specOf(s.op.op).answer)}, lambda: ${call(s.op, upper)}${s.cred ? `, cred=(${s.cred.uid}, ${s.cred.gid})` : ''})`;

/** How the script mounts and unmounts the union, for the targets it knows. */
function mountCommands(target: Target, l: Layout): { mount: string; unmount: string } {
  const { name, options } = parseTarget(target.name);
  const layers = [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`];
  if (name === 'overlayfs') return { mount: `mount -t overlay overlay -o "${[...layers, ...options].join(',')}" "${l.mnt}"`, unmount: `umount "${l.mnt}"` };
  if (name === 'fuse-overlayfs') return { mount: `fuse-overlayfs -o "${[...layers, 'allow_other', 'dev', ...options].join(',')}" "${l.mnt}"`, unmount: `umount "${l.mnt}"` };
  if (name === 'reference') return { mount: `${sq(UNIONREF)} -o "${[...layers, ...options].join(',')}" "${l.mnt}"`, unmount: `umount "${l.mnt}"` };
  if (name === 'unionfs-fuse') {
    const branches = [`${l.upper}=RW`, ...l.lowers.map((p) => `${p}=RO`)].join(':');
    return { mount: `unionfs -o cow,allow_other,use_ino,suid,dev,hide_meta_files "${branches}" "${l.mnt}"`, unmount: `umount "${l.mnt}"` };
  }
  if (name === 'plain') return { mount: 'true', unmount: 'true' };
  throw new TargetError(`--explain writes a reproducer for reference, overlayfs[:OPTS], fuse-overlayfs, unionfs-fuse and plain, not '${target.name}'`);
}

export function reproducer(c: Case, target: Target): string {
  const l = caseLayout(c, target, '$W');
  const { mount, unmount } = mountCommands(target, l);
  const unprivileged = parseTarget(target.name).options.includes('userxattr');
  const layers = target.oracle
    ? layerScript(`"${l.mnt}"`, merge(c.layers), target)
    : [
        ...c.layers.lowers.flatMap((tree, i) => layerScript(`"${l.lowers[i]}"`, tree, target)),
        ...(l.upperFs ? [`mkdir -p "${l.upperFs.path}"`, `mount -t tmpfs -o size=${l.upperFs.bytes} tmpfs "${l.upperFs.path}"`] : []),
        ...layerScript(`"${l.upper}"`, c.layers.upper ?? {}, target),
        `mkdir -p "${l.work}" "${l.mnt}"`,
      ];
  // A FUSE daemon may still hold the layers a moment after its unmount: the tmpfs is then detached (umount -l).
  const cleanup = [
    ...(target.oracle ? [] : [`${unmount} 2>/dev/null`]), ...(l.upperFs ? [`umount "${l.upperFs.path}"`] : []),
    'umount "$W" 2>/dev/null || umount -l "$W" 2>/dev/null', 'rmdir "$W"',
  ];
  return [
    '#!/bin/bash',
    `# ${c.id} on ${target.name}, without the harness (run as root). Prints each step as the transcript does.`,
    'set -eu',
    'export W=$(mktemp -d "${TMPDIR:-/tmp}/union-repro.XXXXXX")',
    `trap 'set +e; cd /; ${cleanup.join('; ')}' EXIT`,
    '# the layers live on a tmpfs, as the harness\'s do (what fallocate and statfs answer depends on it)',
    'mount -t tmpfs -o mode=0755 union-repro "$W"',
    '',
    '# the layers',
    ...layers,
    '',
    ...(unprivileged ? [
      '# unprivileged, as the :userxattr run mounts: in a user and mount namespace of its own, root mapped to root',
      '# (the mount goes with the namespace)',
      "unshare --user --map-root-user --mount --propagation=private bash -eu <<'USERNS'",
    ] : []),
    '# the mount',
    `export MNT="${l.mnt}" MOUNT=${sq(mount)} UNMOUNT=${sq(unmount)}`,
    'cd /',
    mount,
    '',
    '# the steps',
    "python3 - <<'PY'",
    ...RUNNERS.map((f) => readFileSync(f, 'utf8').trimEnd()),
    `before(${py(touchedPaths(c))})`,
    ...c.steps.map((s) => stepCall(s, !target.oracle && l.upper ? l.upper : l.mnt)),
    'PY',
    ...(unprivileged ? ['USERNS'] : []),
    '',
  ].join('\n');
}
