// One function per protocol op, issuing the real syscall. Paths reaching here
// are already absolute and confined (see confine.ts); fds and dir streams are
// looked up by name in Handles.

import fs from 'node:fs';
import type { Bytes, Op, OpenFlag, RenameFlag, TimeSpec, Value, XattrFlag } from '../protocol.ts';
import { closeDir, listDir, openDir, readDir, rewindDir, seekDir, tellDir } from './dirstream.ts';
import { Refused, nodeCall } from './errors.ts';
import type { Handles } from './handles.ts';
import {
  AT_FDCWD, AT_SYMLINK_NOFOLLOW, MS_SYNC, O_FLAGS, RENAME_FLAGS, SEEK,
  S_IFBLK, S_IFCHR, S_IFIFO, S_IFREG, S_IFSOCK, UTIME_NOW, UTIME_OMIT, XATTR_FLAGS,
  makedev, memory, mknod, mmapShared, pageSize, raw, renameat2, sys,
} from './libc.ts';
import { fstat, lstat, stat } from './stat.ts';
import { scan, snapshot } from './view.ts';
import { patternBytes } from '../fixture-pattern.ts';
import { getXattr, listXattr, removeXattr, setXattr, type XattrTarget } from './xattr.ts';

/** Mode for open(O_CREAT) when the request names none. */
const DEFAULT_CREATE_MODE = 0o644;

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

function xattrTarget(op: { path: string } | { fd: string }, nofollow: boolean, handles: Handles): XattrTarget {
  if ('fd' in op) return { kind: 'fd', fd: handles.fd(op.fd) };
  return { kind: nofollow ? 'lpath' : 'path', path: op.path };
}

/**
 * Runs one op. `op` has its paths made absolute; `orig` is the request as
 * sent (snapshot items are named by the caller's path text).
 */
export function runOp(op: Op, orig: Op, handles: Handles): Value {
  switch (op.op) {
    case 'root':
    case 'reset':
      throw new Error(`${op.op} is handled by the executor`);

    case 'open': {
      handles.checkFreeFd(op.fd);
      const flags = orFlags<OpenFlag>(O_FLAGS, op.flags);
      const fd = sys('open', () => raw.open(op.path, flags, op.mode ?? DEFAULT_CREATE_MODE));
      handles.addFd(op.fd, fd);
      return op.fd;
    }
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

    case 'stat': return stat(op.path);
    case 'lstat': return lstat(op.path);
    case 'fstat': return fstat(handles.fd(op.fd));
    case 'access': return sys('access', () => raw.access(op.path, op.mode));
    case 'chmod': return sys('chmod', () => raw.chmod(op.path, op.mode));
    case 'fchmod': {
      const fd = handles.fd(op.fd);
      return sys('fchmod', () => raw.fchmod(fd, op.mode));
    }
    case 'chown': return sys('chown', () => raw.chown(op.path, ugid(op.uid), ugid(op.gid)));
    case 'lchown': return sys('lchown', () => raw.lchown(op.path, ugid(op.uid), ugid(op.gid)));
    case 'fchown': {
      const fd = handles.fd(op.fd);
      return sys('fchown', () => raw.fchown(fd, ugid(op.uid), ugid(op.gid)));
    }
    case 'utimensat': {
      const times = timespecs(op.atime, op.mtime);
      const flags = op.nofollow === true ? AT_SYMLINK_NOFOLLOW : 0;
      return sys('utimensat', () => raw.utimensat(AT_FDCWD, op.path, times, flags));
    }
    case 'futimens': {
      const fd = handles.fd(op.fd);
      const times = timespecs(op.atime, op.mtime);
      return sys('futimens', () => raw.futimens(fd, times));
    }
    case 'truncate': return sys('truncate', () => raw.truncate(op.path, op.len));
    case 'ftruncate': {
      const fd = handles.fd(op.fd);
      return sys('ftruncate', () => raw.ftruncate(fd, op.len));
    }

    case 'link': return sys('link', () => raw.link(op.from, op.to));
    case 'symlink': return sys('symlink', () => raw.symlink(op.target, op.path));
    case 'readlink': return nodeCall(() => fs.readlinkSync(op.path, 'utf8'));
    case 'rename': return sys('rename', () => raw.rename(op.from, op.to));
    case 'renameat2': return renameat2(op.from, op.to, orFlags<RenameFlag>(RENAME_FLAGS, op.flags));
    case 'unlink': return sys('unlink', () => raw.unlink(op.path));
    case 'rmdir': return sys('rmdir', () => raw.rmdir(op.path));
    case 'mkdir': return sys('mkdir', () => raw.mkdir(op.path, op.mode));
    case 'mknod': {
      const type = { fifo: S_IFIFO, chr: S_IFCHR, blk: S_IFBLK, sock: S_IFSOCK, file: S_IFREG }[op.kind];
      return mknod(op.path, type | (op.mode & 0o7777), makedev(op.major ?? 0, op.minor ?? 0));
    }

    case 'opendir': {
      handles.checkFreeDir(op.dir);
      handles.addDir(op.dir, openDir(op.path));
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
    case 'listdir': return listDir(op.path);

    case 'setxattr':
    case 'lsetxattr':
    case 'fsetxattr':
      return setXattr(
        xattrTarget(op, op.op === 'lsetxattr', handles),
        op.name,
        fromBytes(op.value),
        orFlags<XattrFlag>(XATTR_FLAGS, op.flags),
      );
    case 'getxattr':
    case 'lgetxattr':
    case 'fgetxattr':
      return toBytes(getXattr(xattrTarget(op, op.op === 'lgetxattr', handles), op.name));
    case 'listxattr':
    case 'llistxattr':
    case 'flistxattr':
      return listXattr(xattrTarget(op, op.op === 'llistxattr', handles));
    case 'removexattr':
    case 'lremovexattr':
    case 'fremovexattr':
      return removeXattr(xattrTarget(op, op.op === 'lremovexattr', handles), op.name);

    case 'mmapwrite': return mmapWrite(handles.fd(op.fd), op.off, fromBytes(op.data));

    case 'snapshot': {
      const names = orig.op === 'snapshot' ? orig.paths : op.paths;
      return snapshot(op.paths.map((abs, i): [string, string] => [names[i] ?? abs, abs]), op.statOnly ?? false);
    }
    case 'scan': return scan(op.path);
    case 'ctimeprobe':
    case 'exec':
    case 'mount':
    case 'umount':
      throw new Refused(`${op.op} is answered by the executor itself`);
  }
}
