// FUSE kernel protocol (linux/fuse.h, 7.40 subset): opcodes, flags and the
// fixed-layout structures the reference reads and writes.
import { makedev, type Ts } from '../sys/stat.ts';

export const FUSE_KERNEL_VERSION = 7;
/** The highest minor the reference speaks; 7.40 adds FUSE_PASSTHROUGH. */
export const FUSE_MAX_MINOR = 40;
export const FUSE_ROOT_ID = 1;

export const Op = {
  LOOKUP: 1, FORGET: 2, GETATTR: 3, SETATTR: 4, READLINK: 5, SYMLINK: 6, MKNOD: 8, MKDIR: 9,
  UNLINK: 10, RMDIR: 11, RENAME: 12, LINK: 13, OPEN: 14, READ: 15, WRITE: 16, STATFS: 17,
  RELEASE: 18, FSYNC: 20, SETXATTR: 21, GETXATTR: 22, LISTXATTR: 23, REMOVEXATTR: 24, FLUSH: 25,
  INIT: 26, OPENDIR: 27, READDIR: 28, RELEASEDIR: 29, FSYNCDIR: 30, GETLK: 31, SETLK: 32, SETLKW: 33,
  ACCESS: 34, CREATE: 35, INTERRUPT: 36, BMAP: 37, DESTROY: 38, IOCTL: 39, POLL: 40,
  BATCH_FORGET: 42, FALLOCATE: 43, READDIRPLUS: 44, RENAME2: 45, LSEEK: 46, COPY_FILE_RANGE: 47,
  SYNCFS: 50, TMPFILE: 51, STATX: 52,
} as const;

export const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Op).map(([k, v]) => [v, k]));

// fuse_init_in/out flags
export const FUSE_ASYNC_READ = 1 << 0;
export const FUSE_ATOMIC_O_TRUNC = 1 << 3;
export const FUSE_BIG_WRITES = 1 << 5;
export const FUSE_AUTO_INVAL_DATA = 1 << 12;
export const FUSE_PARALLEL_DIROPS = 1 << 18;
export const FUSE_MAX_PAGES = 1 << 22;
export const FUSE_INIT_EXT = 1 << 30;
/** flags2 bit (flag bit 36): mmap allowed on FOPEN_DIRECT_IO files. */
export const FUSE2_DIRECT_IO_ALLOW_MMAP = 1 << 4;
/** flags2 bit (flag bit 37): open replies may name a backing file (FOPEN_PASSTHROUGH). */
export const FUSE2_PASSTHROUGH = 1 << 5;

// setattr valid bits
export const FATTR_MODE = 1 << 0;
export const FATTR_UID = 1 << 1;
export const FATTR_GID = 1 << 2;
export const FATTR_SIZE = 1 << 3;
export const FATTR_ATIME = 1 << 4;
export const FATTR_MTIME = 1 << 5;
export const FATTR_FH = 1 << 6;
export const FATTR_ATIME_NOW = 1 << 7;
export const FATTR_MTIME_NOW = 1 << 8;
export const FATTR_CTIME = 1 << 10;

// open reply flags
export const FOPEN_DIRECT_IO = 1 << 0;
export const FOPEN_KEEP_CACHE = 1 << 1;
export const FOPEN_CACHE_DIR = 1 << 3;
/** 7.35: close(2) sends no FLUSH (older kernels ignore the bit). */
export const FOPEN_NOFLUSH = 1 << 5;
export const FOPEN_PASSTHROUGH = 1 << 7;

export const FUSE_GETATTR_FH = 1 << 0;
export const FUSE_FSYNC_FDATASYNC = 1 << 0;

export const IN_HEADER_SIZE = 40;
export const OUT_HEADER_SIZE = 16;
export const ATTR_SIZE = 88;
export const ENTRY_OUT_SIZE = 40 + ATTR_SIZE;
export const ATTR_OUT_SIZE = 16 + ATTR_SIZE;

/** What the reference reports for one object (struct fuse_attr). */
export interface Attr {
  ino: bigint;
  size: number;
  blocks: number;
  atime: Ts;
  mtime: Ts;
  ctime: Ts;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
  blksize: number;
}

/** major/minor → kernel "new" 32-bit encoding used in fuse_attr.rdev. */
export function encodeDev(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** Kernel 32-bit dev encoding (mknod request) → glibc dev_t. */
export function decodeDev(rdev: number): bigint {
  return makedev((rdev & 0xfff00) >>> 8, (rdev & 0xff) | ((rdev >>> 12) & 0xfff00));
}

/**
 * A buffer of FUSE structs with word views on it: typed-array loads and
 * stores compile to plain moves, where Buffer's read and write methods check
 * their arguments and its 64-bit ones do bigint arithmetic. Host byte order,
 * as FUSE's structs. The buffer must start 8-byte aligned (a Buffer of its
 * own, not a pool slice).
 */
export class Words {
  readonly u32: Uint32Array;
  readonly u64: BigUint64Array;

  constructor(readonly buf: Buffer) {
    this.u32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    this.u64 = new BigUint64Array(buf.buffer, buf.byteOffset, buf.length >>> 3);
  }

  /** A 64-bit integer from a JS number at word i (exact up to 2^53, negative as two's complement). */
  i64(i: number, n: number): void {
    const high = Math.floor(n / 0x100000000);
    this.u32[i] = n - high * 0x100000000;
    this.u32[i + 1] = high;
  }

  /** struct fuse_attr at word i (8-byte aligned). */
  attr(i: number, a: Attr): void {
    const w = this.u32;
    this.u64[i >>> 1] = a.ino;
    this.i64(i + 2, a.size);
    this.i64(i + 4, a.blocks);
    this.i64(i + 6, a.atime.sec);
    this.i64(i + 8, a.mtime.sec);
    this.i64(i + 10, a.ctime.sec);
    w[i + 12] = a.atime.nsec;
    w[i + 13] = a.mtime.nsec;
    w[i + 14] = a.ctime.nsec;
    w[i + 15] = a.mode;
    w[i + 16] = a.nlink;
    w[i + 17] = a.uid;
    w[i + 18] = a.gid;
    w[i + 19] = encodeDev(a.rdevMajor, a.rdevMinor);
    w[i + 20] = a.blksize;
    w[i + 21] = 0;
  }

  /** A cache lifetime in seconds: u64 seconds at word sec, u32 nanoseconds at word nsec. */
  validity(sec: number, nsec: number, seconds: number): void {
    const whole = Math.floor(seconds);
    this.i64(sec, whole);
    this.u32[nsec] = Math.round((seconds - whole) * 1e9);
  }
}

/** Reply body of operations that return nothing. */
export const EMPTY = Buffer.alloc(0);

// Replies are copied into the session's output buffer at once, so the
// encoders below reuse one scratch buffer each instead of allocating.
const entryScratch = new Words(Buffer.alloc(ENTRY_OUT_SIZE));
const attrScratch = new Words(Buffer.alloc(ATTR_OUT_SIZE));

/** fuse_entry_out; valid until the next call. */
export function entryOut(nodeid: number, generation: number, a: Attr, entrySec: number, attrSec: number): Buffer {
  const w = entryScratch;
  w.i64(0, nodeid);
  w.i64(2, generation);
  w.validity(4, 8, entrySec);
  w.validity(6, 9, attrSec);
  w.attr(10, a);
  return w.buf;
}

/** fuse_attr_out; valid until the next call. */
export function attrOut(a: Attr, attrSec: number): Buffer {
  const w = attrScratch;
  w.validity(0, 2, attrSec);
  w.attr(4, a);
  return w.buf;
}

export function openOut(fh: number, openFlags: number, backingId = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(BigInt(fh), 0);
  b.writeUInt32LE(openFlags, 8);
  b.writeInt32LE(backingId, 12);
  return b;
}

export function u32Out(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

/** One struct fuse_dirent; returns bytes used or 0 if it does not fit. */
export function writeDirent(b: Buffer, off: number, limit: number, ino: bigint, nextOff: number, type: number, name: Buffer): number {
  const size = (24 + name.length + 7) & ~7;
  if (off + size > limit) return 0;
  b.writeBigUInt64LE(ino, off);
  b.writeBigUInt64LE(BigInt(nextOff), off + 8);
  b.writeUInt32LE(name.length, off + 16);
  b.writeUInt32LE(type, off + 20);
  name.copy(b, off + 24);
  b.fill(0, off + 24 + name.length, off + size);
  return size;
}

export interface StatfsInfo {
  blocks: bigint; bfree: bigint; bavail: bigint; files: bigint; ffree: bigint; bsize: number; namelen: number; frsize: number;
}

export function statfsOut(s: StatfsInfo): Buffer {
  const b = Buffer.alloc(80);
  b.writeBigUInt64LE(s.blocks, 0);
  b.writeBigUInt64LE(s.bfree, 8);
  b.writeBigUInt64LE(s.bavail, 16);
  b.writeBigUInt64LE(s.files, 24);
  b.writeBigUInt64LE(s.ffree, 32);
  b.writeUInt32LE(s.bsize, 40);
  b.writeUInt32LE(s.namelen, 44);
  b.writeUInt32LE(s.frsize, 48);
  return b;
}
