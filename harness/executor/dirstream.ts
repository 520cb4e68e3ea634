// Directory streams through libc: opendir/readdir64/telldir/seekdir/rewinddir/closedir,
// decoding struct dirent64 as laid out on x86_64:
//   d_ino u64 @0, d_off i64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19.

import type { DirEntry } from '../protocol.ts';
import { errnoName } from './errno.ts';
import { SysError } from './errors.ts';
import {
  O_CLOEXEC, O_FLAGS, O_NOATIME, clearErrno, getErrno, peekBytes, peekU16, peekU64, peekU8, raw, sys, sysPtr, type Ptr,
} from './libc.ts';

const D_TYPES: ReadonlyMap<number, DirEntry['type']> = new Map<number, DirEntry['type']>([
  [0, 'unknown'],
  [1, 'fifo'],
  [2, 'chr'],
  [4, 'dir'],
  [6, 'blk'],
  [8, 'file'],
  [10, 'symlink'],
  [12, 'sock'],
  [14, 'wht'],
]);

/** The flags opendir(3) opens with (O_LARGEFILE comes with openat2 itself). */
export const OPENDIR_FLAGS = O_FLAGS.O_RDONLY | O_FLAGS.O_NONBLOCK | O_FLAGS.O_DIRECTORY | O_CLOEXEC;

/** A stream on an open directory fd, which it takes over (closed here should fdopendir fail). */
export function dirStream(fd: number): Ptr {
  try {
    return sysPtr('fdopendir', () => raw.fdopendir(fd));
  } catch (e) {
    raw.close(fd);
    throw e;
  }
}

/**
 * A stream on the directory `name` in `dirfd` that reading will not mark
 * accessed: O_NOATIME where allowed (owner or CAP_FOWNER), and never through
 * a final symlink.
 */
export function openDirQuietly(dirfd: number, name: string): Ptr {
  const base = O_FLAGS.O_RDONLY | O_FLAGS.O_DIRECTORY | O_FLAGS.O_NOFOLLOW | O_CLOEXEC;
  let fd: number;
  try {
    fd = sys('open', () => raw.openat(dirfd, name, base | O_NOATIME, 0));
  } catch (e) {
    if (!(e instanceof SysError && e.errno === 'EPERM')) throw e;
    fd = sys('open', () => raw.openat(dirfd, name, base, 0));
  }
  return dirStream(fd);
}

export function closeDir(dir: Ptr): number {
  return sys('closedir', () => raw.closedir(dir));
}

/** The next entry, or null at the end of the directory. */
export function readDir(dir: Ptr): DirEntry | null {
  clearErrno();
  const ent = raw.readdir(dir);
  if (ent === null || ent === 0n) {
    const errno = getErrno();
    if (errno !== 0) throw new SysError(errnoName(errno), 'readdir');
    return null;
  }
  const reclen = peekU16(ent, 16);
  const nameBytes = peekBytes(ent, 19, Math.max(0, reclen - 19));
  const nul = nameBytes.indexOf(0);
  const name = (nul < 0 ? nameBytes : nameBytes.subarray(0, nul)).toString('utf8');
  const dtype = peekU8(ent, 18);
  return {
    name,
    ino: peekU64(ent, 0).toString(),
    type: D_TYPES.get(dtype) ?? 'unknown',
  };
}

/**
 * telldir's cookie. Filesystems with hashed directories (ext4) hand out 63-bit
 * cookies that a JSON number cannot carry exactly: those come back as a
 * decimal string, which seekdir accepts too.
 */
export function tellDir(dir: Ptr): number | string {
  clearErrno();
  const pos = BigInt(raw.telldir(dir));
  if (pos < 0n) throw new SysError(errnoName(getErrno() || 22), 'telldir');
  return pos <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pos) : pos.toString();
}

export function seekDir(dir: Ptr, pos: number | string): void {
  raw.seekdir(dir, BigInt(pos));
}

export function rewindDir(dir: Ptr): void {
  raw.rewinddir(dir);
}

function byteOrder(a: DirEntry, b: DirEntry): number {
  return Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8'));
}

/** Every entry of a stream but "." and "..", sorted by name; the stream stays open. */
export function readAll(dir: Ptr): DirEntry[] {
  const entries: DirEntry[] = [];
  for (let e = readDir(dir); e !== null; e = readDir(dir)) {
    if (e.name !== '.' && e.name !== '..') entries.push(e);
  }
  return entries.sort(byteOrder);
}

/** A whole directory in one call, from an open directory fd (which it closes). */
export function listDir(fd: number): DirEntry[] {
  const dir = dirStream(fd);
  try {
    return readAll(dir);
  } finally {
    raw.closedir(dir);
  }
}
