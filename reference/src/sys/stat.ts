// lstat (relative to a directory fd) and fstat through statx(2) into one reused buffer. Node's bigint stats
// (needed for nanoseconds) allocate some twenty objects per call; on the
// hot path (every LOOKUP and GETATTR) that garbage cost more than the
// syscall. Times are {sec, nsec} numbers, the inode number a bigint.
import * as fs from 'node:fs';
import koffi from 'koffi';
import { E, FsError } from './errno.ts';

const libc = koffi.load('libc.so.6');
const statxFn = libc.func('int statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf)');

const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;

export const S_IFMT = fs.constants.S_IFMT;
export const S_IFDIR = fs.constants.S_IFDIR;
export const S_IFCHR = fs.constants.S_IFCHR;

export interface Ts { sec: number; nsec: number }

export interface Stat {
  /** st_dev as one number: major * 2^20 + minor. */
  dev: number;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
  size: number;
  blocks: number;
  blksize: number;
  atime: Ts;
  mtime: Ts;
  ctime: Ts;
  /** Birth time; {0, 0} where the filesystem has none. */
  btime: Ts;
}

const buf = Buffer.alloc(256);
/** buf's 64-bit fields: reading stx_ino there makes one bigint, readBigUInt64LE several. */
const u64s = new BigUint64Array(buf.buffer, buf.byteOffset, buf.length / 8);

function u64(off: number): number {
  return buf.readUInt32LE(off + 4) * 0x100000000 + buf.readUInt32LE(off);
}

function ts(off: number): Ts {
  return { sec: buf.readInt32LE(off + 4) * 0x100000000 + buf.readUInt32LE(off), nsec: buf.readUInt32LE(off + 8) };
}

function decode(): Stat {
  const mask = buf.readUInt32LE(0);
  return {
    dev: buf.readUInt32LE(136) * 0x100000 + buf.readUInt32LE(140),
    ino: u64s[4]!,
    mode: buf.readUInt16LE(28),
    nlink: buf.readUInt32LE(16),
    uid: buf.readUInt32LE(20),
    gid: buf.readUInt32LE(24),
    rdevMajor: buf.readUInt32LE(128),
    rdevMinor: buf.readUInt32LE(132),
    size: u64(40),
    blocks: u64(48),
    blksize: buf.readUInt32LE(4),
    atime: ts(64),
    btime: (mask & STATX_BTIME) !== 0 ? ts(80) : { sec: 0, nsec: 0 },
    ctime: ts(96),
    mtime: ts(112),
  };
}

/** lstat of name inside the directory open as dirfd; undefined when absent. */
export function lstatAt(dirfd: number, name: string): Stat | undefined {
  if (statxFn(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, buf) === 0) return decode();
  const errno = koffi.errno();
  if (errno === E.ENOENT || errno === E.ENOTDIR) return undefined;
  throw new FsError(errno, `lstat ${name}`);
}

/** lstatAt that throws FsError(ENOENT) for an absent name. */
export function lstatAtStrict(dirfd: number, name: string): Stat {
  const st = lstatAt(dirfd, name);
  if (st === undefined) throw new FsError(E.ENOENT, `lstat ${name}`);
  return st;
}

export function fstat(fd: number): Stat {
  if (statxFn(fd, '', AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, buf) === 0) return decode();
  throw new FsError(koffi.errno(), 'fstat');
}

export function isDir(st: Stat): boolean {
  return (st.mode & S_IFMT) === S_IFDIR;
}

/** glibc dev_t of major/minor (for mknod). */
export function makedev(major: number, minor: number): bigint {
  return BigInt(minor & 0xff) | (BigInt(major & 0xfff) << 8n) | (BigInt(minor >>> 8) << 20n) | (BigInt(major >>> 12) << 44n);
}
