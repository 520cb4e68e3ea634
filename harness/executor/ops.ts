// One function per protocol op, issuing the real syscall. Paths are resolved
// in the case root (case-root.ts), under the request's credentials; fds and
// dir streams are looked up by name in Handles.
//
// Where a syscall checks its arguments before it looks the path up, so do the
// ops here, before resolving: the errno is the one the syscall would give.

import fs from 'node:fs';
import type { Bytes, Op, OpenFlag, RenameFlag, TimeSpec, Value, XattrFlag } from '../protocol.ts';
import type { AccessFlag, FallocFlag, Prot } from '../ops/fields.ts';
import { fdPath, on, type At, type CaseRoot } from './case-root.ts';
import { OPENDIR_FLAGS, closeDir, dirStream, listDir, readDir, rewindDir, seekDir, tellDir } from './dirstream.ts';
import { Refused, SysError, nodeCall } from './errors.ts';
import type { Handles } from './handles.ts';
import {
  ACCESS_AT, AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, FALLOC, FICLONE, MAPS, MS_SYNC, O_CLOEXEC, O_FLAGS, PROT,
  RENAME_FLAGS, SEEK, S_IFBLK, S_IFCHR, S_IFIFO, S_IFREG, S_IFSOCK, UTIME_NOW, UTIME_OMIT, XATTR_FLAGS,
  O_PATH, S_IFMT, fstatat, makedev, memory, mknodat, mmapShared, openat2, pageSize, raw, renameat2, sys,
} from './libc.ts';
import { flock, probeLock, setLock } from './locks.ts';
import { mapFile, readMapping, storeMapping, withAligned } from './mapping.ts';
import { devText, statfsText } from './fsinfo.ts';
import { runFile } from './run-file.ts';
import { seekScan } from './seek-scan.ts';
import { isRoot } from './cred.ts';
import { readlinkAt } from './readlink.ts';
import { fstat, statAt, statValue } from './stat.ts';
import { snapshot } from './view.ts';
import { patternBytes } from '../fixture-pattern.ts';
import { getXattr, listXattr, removeXattr, setXattr, xattrAt, type XattrTarget } from './xattr.ts';

/** Mode for open(O_CREAT) when the request names none. */
const DEFAULT_CREATE_MODE = 0o644;
/** The mode bits open(2) keeps (openat2 refuses others, and any mode without O_CREAT or O_TMPFILE). */
const S_IALLUGO = 0o7777;
/** openat2 for openat: the name is resolved beneath the held directory, never above it nor through a magic link. */
const RESOLVE_BENEATH = 0x08;
const RESOLVE_NO_MAGICLINKS = 0x02;
/** fallocate allocates for real: more than this could fill the tmpfs the layers live on. */
const MAX_ALLOCATE = 64 << 20;

/** The mode an open with these flags creates with: only O_CREAT and O_TMPFILE take one. */
function createMode(flags: number, mode: number | undefined): number {
  const creates = (flags & O_FLAGS.O_CREAT) !== 0 || (flags & O_FLAGS.O_TMPFILE) === O_FLAGS.O_TMPFILE;
  return creates ? (mode ?? DEFAULT_CREATE_MODE) & S_IALLUGO : 0;
}

function fromBytes(b: Bytes): Buffer {
  return Buffer.from(b.b64, 'base64');
}

function toBytes(b: Buffer): Bytes {
  return { b64: b.toString('base64') };
}

function orFlags<K extends string>(table: Readonly<Record<K, number>>, flags: readonly K[] | undefined): number {
  return (flags ?? []).reduce((acc, f) => acc | table[f], 0);
}

/** uid/gid -1 means "leave unchanged": pass (uid_t)-1. */
function ugid(n: number): number {
  return n < 0 ? 0xffffffff : n;
}

function timespecs(atime: TimeSpec, mtime: TimeSpec): Buffer {
  const buf = Buffer.alloc(32);
  const put = (t: TimeSpec, at: number): void => {
    if (t === 'UTIME_NOW' || t === 'UTIME_OMIT') {
      buf.writeBigInt64LE(0n, at);
      buf.writeBigInt64LE(BigInt(t === 'UTIME_NOW' ? UTIME_NOW : UTIME_OMIT), at + 8);
    } else {
      buf.writeBigInt64LE(BigInt(t.sec), at);
      buf.writeBigInt64LE(BigInt(t.nsec), at + 8);
    }
  };
  put(atime, 0);
  put(mtime, 16);
  return buf;
}

function readInto(call: string, len: number, f: (buf: Buffer) => number): Bytes {
  const buf = Buffer.alloc(len);
  const n = sys(call, () => f(buf));
  return toBytes(buf.subarray(0, n));
}

function mmapWrite(fd: number, off: number, data: Buffer): number {
  const page = pageSize();
  const end = off + data.length;
  const mapLen = Math.ceil(end / page) * page;
  const p = mmapShared(fd, mapLen);
  try {
    // Touching a page wholly past end of file raises SIGBUS, which would kill the executor.
    const size = Number(nodeCall(() => fs.fstatSync(fd, { bigint: true })).size);
    if (end > Math.ceil(size / page) * page) {
      throw new Refused(`mmapwrite of bytes ${off}..${end} past the last page of a ${size}-byte file would raise SIGBUS`);
    }
    memory(p, mapLen).set(data, off);
    sys('msync', () => raw.msync(p, mapLen, MS_SYNC));
  } finally {
    raw.munmap(p, mapLen);
  }
  return 0;
}

/** The flags of the at-calls for an At: the fd's own object is named by "" and AT_EMPTY_PATH. */
function atFlags(at: At, flags: number): number {
  return at.name === '' ? flags | AT_EMPTY_PATH : flags;
}

/** A fifo opened without O_NONBLOCK would wait for a peer that never comes: refused before opening. */
function refuseFifo(dirfd: number, name: string, flags: number): void {
  let fd: number;
  try {
    fd = openat2(dirfd, name, O_PATH | O_CLOEXEC | (flags & O_FLAGS.O_NOFOLLOW), 0, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  } catch {
    return; // the open itself will fail, with its own errno
  }
  try {
    if ((fstatat(fd, '', AT_EMPTY_PATH).mode & S_IFMT) === S_IFIFO) throw new Refused(`openat of fifo ${name} without O_NONBLOCK would block`);
  } finally {
    raw.close(fd);
  }
}

/** openat2(2) of `name` beneath `dirfd` (a held directory, or the working directory), kept as the op's fd. */
function openBeneath(handles: Handles, dirfd: number, op: { name: string; flags: OpenFlag[]; mode?: number; fd: string }): string {
  const flags = orFlags<OpenFlag>(O_FLAGS, op.flags);
  if ((flags & O_FLAGS.O_NONBLOCK) === 0) refuseFifo(dirfd, op.name, flags);
  handles.addFd(op.fd, openat2(dirfd, op.name, flags | O_CLOEXEC, createMode(flags, op.mode), RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS));
  return op.fd;
}

/** Runs a path op on the object a path names, following a final symlink (in the root). */
function onObject<T>(root: CaseRoot, path: string, f: (fd: number) => T): T {
  return on(root.object(path), (at) => f(at.dirfd));
}

/** Runs an xattr op, closing what resolving its path opened. */
function withXattrTarget<T>(
  op: { path: string } | { fd: string }, nofollow: boolean, root: CaseRoot, handles: Handles, f: (t: XattrTarget) => T,
): T {
  if ('fd' in op) return f({ kind: 'fd', fd: handles.fd(op.fd) });
  const at = nofollow ? root.self(op.path) : root.object(op.path);
  return on(at, (a) => f(xattrAt(a)));
}

/** The kind bits mknod(2) is given for each kind of node. */
const NODE_TYPES = { fifo: S_IFIFO, chr: S_IFCHR, blk: S_IFBLK, sock: S_IFSOCK, file: S_IFREG } as const;

/** renameat2(2) refuses these before looking anything up. */
function renameFlagsValid(flags: number): boolean {
  const { RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT } = RENAME_FLAGS;
  return !((flags & RENAME_EXCHANGE) !== 0 && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) !== 0);
}

/** Runs one op; `root` resolves its paths. */
export function runOp(op: Op, root: CaseRoot, handles: Handles): Value {
  switch (op.op) {
    case 'root':
    case 'reset':
      throw new Error(`${op.op} is handled by the executor`);

    case 'open': {
      handles.checkFreeFd(op.fd);
      const flags = orFlags<OpenFlag>(O_FLAGS, op.flags);
      handles.addFd(op.fd, root.open(op.path, flags, createMode(flags, op.mode)));
      return op.fd;
    }
    case 'openat':
      handles.checkFreeFd(op.fd);
      return openBeneath(handles, handles.fd(op.dirfd), op);
    case 'fchdir': {
      const fd = handles.fd(op.fd);
      return sys('fchdir', () => raw.fchdir(fd));
    }
    case 'opencwd':
      handles.checkFreeFd(op.fd);
      return openBeneath(handles, AT_FDCWD, op);
    case 'close': {
      const fd = handles.dropFd(op.fd);
      return sys('close', () => raw.close(fd));
    }
    case 'read': {
      const fd = handles.fd(op.fd);
      return readInto('read', op.len, (b) => raw.read(fd, b, op.len));
    }
    case 'pread': {
      const fd = handles.fd(op.fd);
      return readInto('pread', op.len, (b) => raw.pread(fd, b, op.len, op.off));
    }
    case 'write': {
      const fd = handles.fd(op.fd);
      const data = fromBytes(op.data);
      return sys('write', () => raw.write(fd, data, data.length));
    }
    case 'fill': {
      const fd = handles.fd(op.fd);
      const data = patternBytes(op.size);
      let off = 0;
      while (off < data.length) {
        const chunk = data.subarray(off);
        off += sys('write', () => raw.write(fd, chunk, chunk.length));
      }
      return off;
    }
    case 'pwrite': {
      const fd = handles.fd(op.fd);
      const data = fromBytes(op.data);
      return sys('pwrite', () => raw.pwrite(fd, data, data.length, op.off));
    }
    case 'lseek': {
      const fd = handles.fd(op.fd);
      return sys('lseek', () => raw.lseek(fd, op.off, SEEK[op.whence]));
    }

    case 'dread': {
      const fd = handles.fd(op.fd);
      if ((fstatat(fd, '', AT_EMPTY_PATH).mode & S_IFMT) !== S_IFREG) throw new Refused('dread reads regular files only (a fifo could block)');
      return withAligned(op.len, (p, view) => {
        const n = sys('read', () => raw.readPtr(fd, p, op.len));
        return toBytes(Buffer.from(view.subarray(0, n)));
      });
    }
    case 'copyrange': {
      const [from, to] = [handles.fd(op.in), handles.fd(op.out)];
      return sys('copy_file_range', () => raw.copyFileRange(from, null, to, null, op.len, 0));
    }
    case 'fallocate': {
      const fd = handles.fd(op.fd);
      const mode = orFlags<FallocFlag>(FALLOC, op.mode);
      if (op.len > MAX_ALLOCATE && (mode & FALLOC.FALLOC_FL_PUNCH_HOLE) === 0) {
        throw new Refused(`fallocate of more than ${MAX_ALLOCATE} bytes would fill the layers' tmpfs`);
      }
      return sys('fallocate', () => raw.fallocate(fd, mode, op.off, op.len));
    }
    case 'ficlone': {
      const [fd, src] = [handles.fd(op.fd), handles.fd(op.src)];
      return sys('ioctl', () => raw.ioctlInt(fd, FICLONE, src));
    }
    case 'linkfd': {
      const fd = handles.fd(op.fd);
      return on(root.entry(op.path), (to) => sys('link', () => raw.linkat(AT_FDCWD, fdPath(fd), to.dirfd, to.name, AT_SYMLINK_FOLLOW)));
    }

    case 'mmap': {
      handles.checkFreeMap(op.map);
      const fd = handles.fd(op.fd);
      handles.addMap(op.map, mapFile(fd, op.len, orFlags<Prot>(PROT, op.prot), MAPS[op.kind]));
      return op.map;
    }
    case 'mmapread': return readMapping(handles.map(op.map), op.off, op.len);
    case 'mmapstore': return storeMapping(handles.map(op.map), op.off, fromBytes(op.data));
    case 'msync': {
      const m = handles.map(op.map);
      return sys('msync', () => raw.msync(m.ptr, m.len, MS_SYNC));
    }
    case 'munmap': {
      const m = handles.dropMap(op.map);
      return sys('munmap', () => raw.munmap(m.ptr, m.len));
    }

    case 'flock': return flock(handles.fd(op.fd), op.how);
    case 'setlk': return setLock(handles.fd(op.fd), op.owner, op.type, op.start, op.len);
    case 'lockprobe': {
      const fd = root.open(op.path, O_FLAGS.O_RDONLY | O_FLAGS.O_NONBLOCK, 0);
      handles.hold(fd);
      return probeLock(fd, op.kind);
    }

    case 'execfile': return onObject(root, op.path, (fd) => runFile(fd, isRoot()));
    case 'statfs': return on(root.object(op.path), (at) => on(root.object(''), (r) => statfsText(at.dirfd, r.dirfd)));
    case 'fstatfs': {
      const fd = handles.fd(op.fd);
      return on(root.object(''), (r) => statfsText(fd, r.dirfd));
    }
    case 'stdev': return on(root.self(op.path), (at) => on(root.object(''), (r) => devText(at.dirfd, at.name, r.dirfd)));
    case 'faccessat': {
      if ((op.mode & ~0o7) !== 0) throw new SysError('EINVAL', 'faccessat');
      const flags = orFlags<AccessFlag>(ACCESS_AT, op.flags);
      const at = (flags & AT_SYMLINK_NOFOLLOW) !== 0 ? root.self(op.path) : root.object(op.path);
      return on(at, (a) => sys('faccessat', () => raw.faccessat(a.dirfd, a.name, op.mode, atFlags(a, flags))));
    }

    case 'stat': return on(root.object(op.path), (at) => statValue(statAt(at)));
    case 'lstat': return on(root.self(op.path), (at) => statValue(statAt(at)));
    case 'fstat': return fstat(handles.fd(op.fd));
    case 'access':
      if ((op.mode & ~0o7) !== 0) throw new SysError('EINVAL', 'access');
      return onObject(root, op.path, (fd) => sys('access', () => raw.access(fdPath(fd), op.mode)));
    case 'chmod': return onObject(root, op.path, (fd) => sys('chmod', () => raw.chmod(fdPath(fd), op.mode)));
    case 'fchmod': {
      const fd = handles.fd(op.fd);
      return sys('fchmod', () => raw.fchmod(fd, op.mode));
    }
    case 'chown':
      return onObject(root, op.path, (fd) => sys('chown', () => raw.fchownat(fd, '', ugid(op.uid), ugid(op.gid), AT_EMPTY_PATH)));
    case 'lchown':
      return on(root.self(op.path), (at) =>
        sys('lchown', () => raw.fchownat(at.dirfd, at.name, ugid(op.uid), ugid(op.gid), atFlags(at, AT_SYMLINK_NOFOLLOW))));
    case 'fchown': {
      const fd = handles.fd(op.fd);
      return sys('fchown', () => raw.fchown(fd, ugid(op.uid), ugid(op.gid)));
    }
    case 'utimensat': {
      // Both times UTIME_OMIT: utimensat(2) returns at once, without even looking the path up.
      if (op.atime === 'UTIME_OMIT' && op.mtime === 'UTIME_OMIT') return 0;
      const times = timespecs(op.atime, op.mtime);
      const at = op.nofollow === true ? root.self(op.path) : root.object(op.path);
      const flags = op.nofollow === true ? AT_SYMLINK_NOFOLLOW : 0;
      return on(at, (a) => sys('utimensat', () => raw.utimensat(a.dirfd, a.name, times, atFlags(a, flags))));
    }
    case 'futimens': {
      const fd = handles.fd(op.fd);
      const times = timespecs(op.atime, op.mtime);
      return sys('futimens', () => raw.futimens(fd, times));
    }
    case 'truncate':
      if (op.len < 0) throw new SysError('EINVAL', 'truncate');
      return onObject(root, op.path, (fd) => sys('truncate', () => raw.truncate(fdPath(fd), op.len)));
    case 'ftruncate': {
      const fd = handles.fd(op.fd);
      return sys('ftruncate', () => raw.ftruncate(fd, op.len));
    }

    // link(2) looks the old path up whole (not following a final symlink) before the new one's directory;
    // the object is then linked through its magic link, which needs no CAP_DAC_READ_SEARCH (linkat(2)).
    case 'link':
      return on(root.object(op.from, true), (from) =>
        on(root.entry(op.to), (to) =>
          sys('link', () => raw.linkat(AT_FDCWD, fdPath(from.dirfd), to.dirfd, to.name, AT_SYMLINK_FOLLOW))));
    case 'symlink': return on(root.entry(op.path), (at) => sys('symlink', () => raw.symlinkat(op.target, at.dirfd, at.name)));
    case 'readlink': return on(root.self(op.path), readlinkAt);
    case 'rename':
      return on(root.entry(op.from), (from) => on(root.entry(op.to), (to) => renameat2(from.dirfd, from.name, to.dirfd, to.name, 0)));
    case 'renameat2': {
      const flags = orFlags<RenameFlag>(RENAME_FLAGS, op.flags);
      if (!renameFlagsValid(flags)) throw new SysError('EINVAL', 'renameat2');
      return on(root.entry(op.from), (from) => on(root.entry(op.to), (to) => renameat2(from.dirfd, from.name, to.dirfd, to.name, flags)));
    }
    case 'unlink': return on(root.entry(op.path), (at) => sys('unlink', () => raw.unlinkat(at.dirfd, at.name, 0)));
    case 'rmdir': return on(root.entry(op.path), (at) => sys('rmdir', () => raw.unlinkat(at.dirfd, at.name, AT_REMOVEDIR)));
    case 'mkdir': return on(root.entry(op.path), (at) => sys('mkdir', () => raw.mkdirat(at.dirfd, at.name, op.mode)));
    case 'mknod': {
      const mode = NODE_TYPES[op.kind] | (op.mode & 0o7777);
      const dev = makedev(op.major ?? 0, op.minor ?? 0);
      return on(root.entry(op.path), (at) => mknodat(at.dirfd, at.name, mode, dev));
    }

    case 'opendir': {
      handles.checkFreeDir(op.dir);
      handles.addDir(op.dir, dirStream(root.open(op.path, OPENDIR_FLAGS, 0)));
      return op.dir;
    }
    case 'readdir': return readDir(handles.dir(op.dir));
    case 'telldir': return tellDir(handles.dir(op.dir));
    case 'seekdir': {
      // The protocol types pos as a number; a string carries cookies beyond 2^53 (see tellDir).
      seekDir(handles.dir(op.dir), op.pos as number | string);
      return null;
    }
    case 'rewinddir': {
      rewindDir(handles.dir(op.dir));
      return null;
    }
    case 'closedir': return closeDir(handles.dropDir(op.dir));
    case 'seekscan': return seekScan(handles.dir(op.dir), op.every);
    case 'listdir': return listDir(root.open(op.path, OPENDIR_FLAGS, 0));

    case 'setxattr':
    case 'lsetxattr':
    case 'fsetxattr': {
      const value = fromBytes(op.value);
      const flags = orFlags<XattrFlag>(XATTR_FLAGS, op.flags);
      return withXattrTarget(op, op.op === 'lsetxattr', root, handles, (t) => setXattr(t, op.name, value, flags));
    }
    case 'getxattr':
    case 'lgetxattr':
    case 'fgetxattr':
      return withXattrTarget(op, op.op === 'lgetxattr', root, handles, (t) => toBytes(getXattr(t, op.name)));
    case 'listxattr':
    case 'llistxattr':
    case 'flistxattr':
      return withXattrTarget(op, op.op === 'llistxattr', root, handles, listXattr);
    case 'removexattr':
    case 'lremovexattr':
    case 'fremovexattr':
      return withXattrTarget(op, op.op === 'lremovexattr', root, handles, (t) => removeXattr(t, op.name));

    case 'mmapwrite': return mmapWrite(handles.fd(op.fd), op.off, fromBytes(op.data));

    case 'snapshot': return snapshot(root, op.paths, op.statOnly ?? false);
    case 'scan':
    case 'statfsupper':
    case 'exec':
    case 'mount':
    case 'umount':
      throw new Refused(`${op.op} is answered by the executor itself`);
  }
}
