// koffi bindings to glibc for the calls Node's fs does not offer (or does not
// offer with the kernel's exact flags), plus the Linux x86_64 constants they use.
//
// Every wrapper here returns the raw C result; `sys()` turns a failing result
// into a SysError carrying errno, read right after the call.

import type { AccessFlag, FallocFlag, FlockOp, LockType, MapKind, OpenFlag, Prot, RenameFlag, Whence, XattrFlag } from '../ops/fields.ts';
import koffi from 'koffi';
import { errnoName } from './errno.ts';
import { SysError } from './errors.ts';

/** A C pointer as koffi 3 hands it out (null for NULL). */
export type Ptr = bigint;

const libc = koffi.load('libc.so.6');

function fn<T>(decl: string): T {
  return libc.func(decl) as unknown as T;
}

// ---- constants (Linux, x86_64 / asm-generic) ----

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_EMPTY_PATH = 0x1000;

export const O_FLAGS = {
  O_RDONLY: 0o0,
  O_WRONLY: 0o1,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_TMPFILE: 0o20200000,
  O_DIRECT: 0o40000,
} as const satisfies Record<OpenFlag, number>;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;

export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_IN_ROOT = 0x10;

export const SEEK = { SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2 } as const satisfies Record<Whence, number>;

export const RENAME_FLAGS = { RENAME_NOREPLACE: 1, RENAME_EXCHANGE: 2, RENAME_WHITEOUT: 4 } as const satisfies Record<RenameFlag, number>;
export const XATTR_FLAGS = { XATTR_CREATE: 1, XATTR_REPLACE: 2 } as const satisfies Record<XattrFlag, number>;

export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const MAP_SHARED = 0x1;
export const MS_SYNC = 0x4;
export const MAPS = { MAP_SHARED, MAP_PRIVATE: 0x2 } as const satisfies Record<MapKind, number>;
export const PROT = { PROT_READ, PROT_WRITE } as const satisfies Record<Prot, number>;
const MAP_ANONYMOUS = 0x20;

export const LOCK_NB = 4;
export const FLOCK = { LOCK_SH: 1, LOCK_EX: 2, LOCK_UN: 8 } as const satisfies Record<FlockOp, number>;
export const F_SETLK = 6;
export const F_OFD_GETLK = 36;
export const F_OFD_SETLK = 37;
export const LOCK_TYPE = { F_RDLCK: 0, F_WRLCK: 1, F_UNLCK: 2 } as const satisfies Record<LockType, number>;
export const FALLOC = { FALLOC_FL_KEEP_SIZE: 0x1, FALLOC_FL_PUNCH_HOLE: 0x2, FALLOC_FL_ZERO_RANGE: 0x10 } as const satisfies Record<FallocFlag, number>;
export const ACCESS_AT = { AT_EACCESS: 0x200, AT_SYMLINK_NOFOLLOW } as const satisfies Record<AccessFlag, number>;
export const FICLONE = 0x40049409;

const SYS_MKNODAT = 259;
const SYS_NEWFSTATAT = 262;
const SYS_RENAMEAT2 = 316;
const SYS_OPENAT2 = 437;
const SC_PAGESIZE = 30;

// ---- raw functions ----

type Path = string;
type Buf = Buffer | null;

export const raw = {
  open: fn<(path: Path, flags: number, mode: number) => number>('int open(const char *path, int flags, uint32_t mode)'),
  openat: fn<(dirfd: number, path: Path, flags: number, mode: number) => number>(
    'int openat(int dirfd, const char *path, int flags, uint32_t mode)',
  ),
  close: fn<(fd: number) => number>('int close(int fd)'),
  fchdir: fn<(fd: number) => number>('int fchdir(int fd)'),
  read: fn<(fd: number, buf: Buffer, n: number) => number>('intptr_t read(int fd, void *buf, size_t n)'),
  pread: fn<(fd: number, buf: Buffer, n: number, off: number) => number>(
    'intptr_t pread64(int fd, void *buf, size_t n, int64_t off)',
  ),
  write: fn<(fd: number, buf: Buffer, n: number) => number>('intptr_t write(int fd, const void *buf, size_t n)'),
  pwrite: fn<(fd: number, buf: Buffer, n: number, off: number) => number>(
    'intptr_t pwrite64(int fd, const void *buf, size_t n, int64_t off)',
  ),
  lseek: fn<(fd: number, off: number, whence: number) => number | bigint>('int64_t lseek64(int fd, int64_t off, int whence)'),
  access: fn<(path: Path, mode: number) => number>('int access(const char *path, int mode)'),
  chmod: fn<(path: Path, mode: number) => number>('int chmod(const char *path, uint32_t mode)'),
  fchmod: fn<(fd: number, mode: number) => number>('int fchmod(int fd, uint32_t mode)'),
  fchownat: fn<(dirfd: number, path: Path, uid: number, gid: number, flags: number) => number>(
    'int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)',
  ),
  fchown: fn<(fd: number, uid: number, gid: number) => number>('int fchown(int fd, uint32_t uid, uint32_t gid)'),
  utimensat: fn<(dirfd: number, path: Path, times: Buffer, flags: number) => number>(
    'int utimensat(int dirfd, const char *path, const void *times, int flags)',
  ),
  futimens: fn<(fd: number, times: Buffer) => number>('int futimens(int fd, const void *times)'),
  truncate: fn<(path: Path, len: number) => number>('int truncate64(const char *path, int64_t len)'),
  ftruncate: fn<(fd: number, len: number) => number>('int ftruncate64(int fd, int64_t len)'),
  linkat: fn<(fromDir: number, from: Path, toDir: number, to: Path, flags: number) => number>(
    'int linkat(int fromdir, const char *from, int todir, const char *to, int flags)',
  ),
  symlinkat: fn<(target: string, dirfd: number, path: Path) => number>('int symlinkat(const char *target, int dirfd, const char *path)'),
  readlinkat: fn<(dirfd: number, path: Path, buf: Buffer, n: number) => number>(
    'intptr_t readlinkat(int dirfd, const char *path, void *buf, size_t n)',
  ),
  unlinkat: fn<(dirfd: number, path: Path, flags: number) => number>('int unlinkat(int dirfd, const char *path, int flags)'),
  mkdirat: fn<(dirfd: number, path: Path, mode: number) => number>('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
  fdopendir: fn<(fd: number) => Ptr | null>('void *fdopendir(int fd)'),
  dirfd: fn<(dir: Ptr) => number>('int dirfd(void *dir)'),
  readdir: fn<(dir: Ptr) => Ptr | null>('void *readdir64(void *dir)'),
  telldir: fn<(dir: Ptr) => number | bigint>('long telldir(void *dir)'),
  seekdir: fn<(dir: Ptr, pos: number | bigint) => void>('void seekdir(void *dir, long pos)'),
  rewinddir: fn<(dir: Ptr) => void>('void rewinddir(void *dir)'),
  closedir: fn<(dir: Ptr) => number>('int closedir(void *dir)'),
  setxattr: fn<(path: Path, name: string, value: Buf, size: number, flags: number) => number>(
    'int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)',
  ),
  lsetxattr: fn<(path: Path, name: string, value: Buf, size: number, flags: number) => number>(
    'int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)',
  ),
  fsetxattr: fn<(fd: number, name: string, value: Buf, size: number, flags: number) => number>(
    'int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)',
  ),
  getxattr: fn<(path: Path, name: string, value: Buf, size: number) => number>(
    'intptr_t getxattr(const char *path, const char *name, void *value, size_t size)',
  ),
  lgetxattr: fn<(path: Path, name: string, value: Buf, size: number) => number>(
    'intptr_t lgetxattr(const char *path, const char *name, void *value, size_t size)',
  ),
  fgetxattr: fn<(fd: number, name: string, value: Buf, size: number) => number>(
    'intptr_t fgetxattr(int fd, const char *name, void *value, size_t size)',
  ),
  listxattr: fn<(path: Path, list: Buf, size: number) => number>('intptr_t listxattr(const char *path, void *list, size_t size)'),
  llistxattr: fn<(path: Path, list: Buf, size: number) => number>('intptr_t llistxattr(const char *path, void *list, size_t size)'),
  flistxattr: fn<(fd: number, list: Buf, size: number) => number>('intptr_t flistxattr(int fd, void *list, size_t size)'),
  removexattr: fn<(path: Path, name: string) => number>('int removexattr(const char *path, const char *name)'),
  lremovexattr: fn<(path: Path, name: string) => number>('int lremovexattr(const char *path, const char *name)'),
  fremovexattr: fn<(fd: number, name: string) => number>('int fremovexattr(int fd, const char *name)'),
  mmap: fn<(addr: null, len: number, prot: number, flags: number, fd: number, off: number) => Ptr | null>(
    'void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)',
  ),
  msync: fn<(addr: Ptr, len: number, flags: number) => number>('int msync(void *addr, size_t len, int flags)'),
  munmap: fn<(addr: Ptr, len: number) => number>('int munmap(void *addr, size_t len)'),
  mmapAt: fn<(addr: null, len: number, prot: number, flags: number, fd: number, off: number) => Ptr | null>(
    'void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)',
  ),
  readPtr: fn<(fd: number, buf: Ptr, n: number) => number>('intptr_t read(int fd, void *buf, size_t n)'),
  writePtr: fn<(fd: number, buf: Ptr, n: number) => number>('intptr_t write(int fd, const void *buf, size_t n)'),
  pipe2: fn<(fds: Buffer, flags: number) => number>('int pipe2(void *fds, int flags)'),
  flock: fn<(fd: number, op: number) => number>('int flock(int fd, int op)'),
  // fcntl(2) is variadic; the lock commands take a struct flock pointer.
  fcntlLock: fn<(fd: number, cmd: number, lock: Buffer) => number>('int fcntl(int fd, int cmd, void *lock)'),
  copyFileRange: fn<(fdIn: number, offIn: null, fdOut: number, offOut: null, len: number, flags: number) => number>(
    'intptr_t copy_file_range(int fd_in, void *off_in, int fd_out, void *off_out, size_t len, unsigned int flags)',
  ),
  fallocate: fn<(fd: number, mode: number, off: number, len: number) => number>('int fallocate64(int fd, int mode, int64_t off, int64_t len)'),
  // ioctl(2) is variadic; FICLONE takes the source fd as its argument.
  ioctlInt: fn<(fd: number, req: number, arg: number) => number>('int ioctl(int fd, unsigned long req, long arg)'),
  fstatfs: fn<(fd: number, buf: Buffer) => number>('int fstatfs64(int fd, void *buf)'),
  faccessat: fn<(dirfd: number, path: Path, mode: number, flags: number) => number>(
    'int faccessat(int dirfd, const char *path, int mode, int flags)',
  ),
  setresuid: fn<(r: number, e: number, s: number) => number>('int setresuid(uint32_t r, uint32_t e, uint32_t s)'),
  setresgid: fn<(r: number, e: number, s: number) => number>('int setresgid(uint32_t r, uint32_t e, uint32_t s)'),
  sysconf: fn<(name: number) => number>('long sysconf(int name)'),
  // syscall(2) is variadic; every argument is passed as a long.
  syscall6: fn<(nr: number, a: number, b: string, c: number, d: string, e: number) => number>(
    'long syscall(long nr, long a, const char *b, long c, const char *d, long e)',
  ),
  syscall4: fn<(nr: number, a: number, b: string, c: number, d: bigint) => number>(
    'long syscall(long nr, long a, const char *b, long c, uint64_t d)',
  ),
  /** openat2(dirfd, path, how, size) and newfstatat(dirfd, path, buf, flags). */
  syscallBuf: fn<(nr: number, a: number, b: string, c: Buffer, d: number) => number>(
    'long syscall(long nr, long a, const char *b, void *c, long d)',
  ),
};

// ---- errno-checked helpers ----

/** Clears errno, runs a C call, and throws SysError(errno) when it returns < 0. */
export function sys(call: string, f: () => number | bigint): number {
  koffi.errno(0);
  const r = f();
  if (r < 0) throw new SysError(errnoName(koffi.errno()), call);
  return Number(r);
}

/** Like sys() for calls that return a pointer and NULL on failure. */
export function sysPtr(call: string, f: () => Ptr | null): Ptr {
  koffi.errno(0);
  const r = f();
  if (r === null || r === 0n) throw new SysError(errnoName(koffi.errno() || 5), call);
  return r;
}

/** errno after the last call, and a way to clear it (for readdir's end-vs-error test). */
export function getErrno(): number {
  return koffi.errno();
}
export function clearErrno(): void {
  koffi.errno(0);
}

export function renameat2(fromDir: number, from: string, toDir: number, to: string, flags: number): number {
  return sys('renameat2', () => raw.syscall6(SYS_RENAMEAT2, fromDir, from, toDir, to, flags));
}

/** openat2(2); its errno is thrown as SysError('ENOSYS') on kernels before 5.6. */
export function openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number {
  const how = Buffer.alloc(24); // struct open_how { u64 flags; u64 mode; u64 resolve; }
  how.writeBigUInt64LE(BigInt(flags), 0);
  how.writeBigUInt64LE(BigInt(mode), 8);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  return sys('openat2', () => raw.syscallBuf(SYS_OPENAT2, dirfd, path, how, how.length));
}

/** struct stat as newfstatat(2) fills it on x86_64 (144 bytes). */
export interface RawStat {
  dev: bigint;
  ino: bigint;
  nlink: bigint;
  mode: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

const statBuffer = Buffer.alloc(144);

export function fstatat(dirfd: number, path: string, flags: number): RawStat {
  sys('fstatat', () => raw.syscallBuf(SYS_NEWFSTATAT, dirfd, path, statBuffer, flags));
  const b = statBuffer;
  const ns = (at: number): bigint => b.readBigInt64LE(at) * 1_000_000_000n + b.readBigInt64LE(at + 8);
  return {
    dev: b.readBigUInt64LE(0),
    ino: b.readBigUInt64LE(8),
    nlink: b.readBigUInt64LE(16),
    mode: b.readUInt32LE(24),
    uid: b.readUInt32LE(28),
    gid: b.readUInt32LE(32),
    rdev: b.readBigUInt64LE(40),
    size: b.readBigInt64LE(48),
    atimeNs: ns(72),
    mtimeNs: ns(88),
    ctimeNs: ns(104),
  };
}

/** glibc's makedev(). */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

export function devMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}

export function devMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}

export function mknodat(dirfd: number, path: string, mode: number, dev: bigint): number {
  return sys('mknod', () => raw.syscall4(SYS_MKNODAT, dirfd, path, mode, dev));
}

const MAP_FAILED = (1n << 64n) - 1n;

/** mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0). */
export function mmapShared(fd: number, len: number): Ptr {
  koffi.errno(0);
  const p = raw.mmap(null, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p === null || p === MAP_FAILED || p === -1n) throw new SysError(errnoName(koffi.errno() || 22), 'mmap');
  return p;
}

/** mmap(NULL, len, prot, kind, fd, 0) of a file, or of anonymous memory when fd is -1. */
export function mmapFile(fd: number, len: number, prot: number, kind: number): Ptr {
  koffi.errno(0);
  const p = raw.mmapAt(null, len, prot, fd < 0 ? kind | MAP_ANONYMOUS : kind, fd, 0);
  if (p === null || p === MAP_FAILED || p === -1n) throw new SysError(errnoName(koffi.errno() || 22), 'mmap');
  return p;
}

let pageSizeCache = 0;
export function pageSize(): number {
  if (pageSizeCache === 0) pageSizeCache = raw.sysconf(SC_PAGESIZE) > 0 ? raw.sysconf(SC_PAGESIZE) : 4096;
  return pageSizeCache;
}

/** A view of `len` bytes of unmanaged memory at `ptr`. */
export function memory(ptr: Ptr, len: number): Uint8Array {
  return new Uint8Array(koffi.view(ptr, len));
}

/** Reads `len` bytes at byte offset `off` of the struct at `ptr`. */
export function peekBytes(ptr: Ptr, off: number, len: number): Buffer {
  const arr = koffi.decode(ptr, off, 'uint8_t', len) as number[] | Uint8Array;
  return Buffer.from(arr);
}

export function peekU64(ptr: Ptr, off: number): bigint {
  return BigInt(koffi.decode(ptr, off, 'uint64_t') as number | bigint);
}

export function peekU16(ptr: Ptr, off: number): number {
  return Number(koffi.decode(ptr, off, 'uint16_t') as number);
}

export function peekU8(ptr: Ptr, off: number): number {
  return Number(koffi.decode(ptr, off, 'uint8_t') as number);
}
