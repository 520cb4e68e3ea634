// lstat (relative to a directory fd) and fstat through statx(2) into one reused buffer. Node's bigint stats
// (needed for nanoseconds) allocate some twenty objects per call; on the
// hot path (every LOOKUP and GETATTR) that garbage cost more than the
// syscall. Times are {sec, nsec} numbers, the inode number a bigint.
import * as fs from 'node:fs';
import koffi from 'koffi';
import { E, FsError } from './errno.ts';
import { cName } from './names.ts';

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
// struct statx read through word views (host byte order, as the kernel
// writes it): element loads, where Buffer's read methods check their
// arguments; stx_ino comes out as one bigint.
const u16 = new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
const u32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length / 4);
const i32 = new Int32Array(buf.buffer, buf.byteOffset, buf.length / 4);
const u64s = new BigUint64Array(buf.buffer, buf.byteOffset, buf.length / 8);

/** The u64 at word i (exact below 2^53). */
function u64(i: number): number {
  return u32[i + 1]! * 0x100000000 + u32[i]!;
}

/** The struct statx_timestamp at word i. */
function ts(i: number): Ts {
  return { sec: i32[i + 1]! * 0x100000000 + u32[i]!, nsec: u32[i + 2]! };
}

function decode(): Stat {
  const mask = u32[0]!;
  return {
    dev: u32[34]! * 0x100000 + u32[35]!,
    ino: u64s[4]!,
    mode: u16[14]!,
    nlink: u32[4]!,
    uid: u32[5]!,
    gid: u32[6]!,
    rdevMajor: u32[32]!,
    rdevMinor: u32[33]!,
    size: u64(10),
    blocks: u64(12),
    blksize: u32[1]!,
    atime: ts(16),
    btime: (mask & STATX_BTIME) !== 0 ? ts(20) : { sec: 0, nsec: 0 },
    ctime: ts(24),
    mtime: ts(28),
  };
}

/** lstat of name inside the directory open as dirfd; undefined when absent. */
export function lstatAt(dirfd: number, name: string): Stat | undefined {
  if (statxFn(dirfd, cName(name), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, buf) === 0) return decode();
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
