// The few libc calls Node's fs does not offer, through koffi. Every wrapper
// throws FsError(errno) on failure, so callers handle one error type.
import koffi from 'koffi';
import { FsError } from './errno.ts';
import { cName, nameOf } from './names.ts';

const libc = koffi.load('libc.so.6');

const c = {
  mount: libc.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const char *data)'),
  umount2: libc.func('int umount2(const char *target, int flags)'),
  mknod: libc.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
  renameat2: libc.func('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)'),
  lsetxattr: libc.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
  lgetxattr: libc.func('long lgetxattr(const char *path, const char *name, void *value, size_t size)'),
  llistxattr: libc.func('long llistxattr(const char *path, void *list, size_t size)'),
  lremovexattr: libc.func('int lremovexattr(const char *path, const char *name)'),
  fgetxattr: libc.func('long fgetxattr(int fd, const char *name, void *value, size_t size)'),
  fsetxattr: libc.func('int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)'),
  fremovexattr: libc.func('int fremovexattr(int fd, const char *name)'),
  utimensat: libc.func('int utimensat(int dirfd, const char *path, const void *times, int flags)'),
  futimens: libc.func('int futimens(int fd, const void *times)'),
  getdents64: libc.func('long getdents64(int fd, void *buf, size_t count)'),
  copy_file_range: libc.func('long copy_file_range(int fdin, void *offin, int fdout, void *offout, size_t len, unsigned int flags)'),
  fallocate: libc.func('int fallocate(int fd, int mode, int64_t offset, int64_t len)'),
  pread: libc.func('long pread(int fd, void *buf, size_t count, int64_t offset)'),
  pwrite: libc.func('long pwrite(int fd, const void *buf, size_t count, int64_t offset)'),
  ftruncate: libc.func('int ftruncate(int fd, int64_t length)'),
  sync_file_range: libc.func('int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags)'),
  dup2: libc.func('int dup2(int oldfd, int newfd)'),
  setsid: libc.func('int setsid(void)'),
  flock: libc.func('int flock(int fd, int op)'),
  ioctl: libc.func('int ioctl(int fd, unsigned long request, ...)'),
};

function check(ret: number | bigint, what: string): number {
  const r = Number(ret);
  if (r < 0) throw new FsError(koffi.errno(), what);
  return r;
}

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const RENAME_WHITEOUT = 4;
export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;
export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;
export const MNT_DETACH = 2;
export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const MS_RDONLY = 1;
export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MS_SYNCHRONOUS = 16;
export const MS_DIRSYNC = 128;
export const MS_NOATIME = 1024;
export const MS_NODIRATIME = 2048;
export const MS_SILENT = 32768;
export const MS_RELATIME = 1 << 21;
export const MS_STRICTATIME = 1 << 24;

export function mount(src: string, target: string, fstype: string, flags: number, data: string): void {
  check(c.mount(src, target, fstype, flags, data), `mount ${target}`);
}
export function umount2(target: string, flags: number): void {
  check(c.umount2(target, flags), `umount ${target}`);
}
/**
 * umount2 on a libuv thread: unmounting can wait for the filesystem (writeback
 * of mmap'ed pages goes to the FUSE server), which must not stall a caller
 * that serves other mounts. koffi hands the call's errno to the callback.
 */
export function umount2Async(target: string, flags: number): Promise<void> {
  return new Promise((resolve, reject) => {
    c.umount2.async(target, flags, (err: unknown, ret: number) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else if (ret < 0) reject(new FsError(koffi.errno(), `umount ${target}`));
      else resolve();
    });
  });
}
export function mknod(path: string, mode: number, dev: bigint | number): void {
  check(c.mknod(cName(path), mode, BigInt(dev)), `mknod ${path}`);
}
export function renameat2(oldPath: string, newPath: string, flags: number): void {
  check(c.renameat2(AT_FDCWD, cName(oldPath), AT_FDCWD, cName(newPath), flags), `rename ${oldPath}`);
}
export function lsetxattr(path: string, name: string, value: Buffer, flags: number): void {
  check(c.lsetxattr(cName(path), cName(name), value, value.length, flags), `setxattr ${name}`);
}
/** Returns the value, or null when the attribute is absent (ENODATA). */
export function lgetxattr(path: string, name: string): Buffer | null {
  for (let size = 256; ; size *= 4) {
    const buf = Buffer.allocUnsafe(size);
    const r = Number(c.lgetxattr(cName(path), cName(name), buf, size));
    if (r >= 0) return buf.subarray(0, r);
    const errno = koffi.errno();
    if (errno === ENODATA) return null;
    if (errno !== ERANGE || size > 1 << 20) throw new FsError(errno, `getxattr ${name}`);
  }
}
/** fgetxattr: the value, or null when the attribute is absent (ENODATA) or unsupported. */
export function fgetxattr(fd: number, name: string): Buffer | null {
  for (let size = 256; ; size *= 4) {
    const buf = Buffer.allocUnsafe(size);
    const r = Number(c.fgetxattr(fd, cName(name), buf, size));
    if (r >= 0) return buf.subarray(0, r);
    const errno = koffi.errno();
    if (errno === ENODATA || errno === EOPNOTSUPP_) return null;
    if (errno !== ERANGE || size > 1 << 20) throw new FsError(errno, `getxattr ${name}`);
  }
}
/** Size query and fixed-size read as the kernel asks for them (size 0 = length only). */
export function lgetxattrRaw(path: string, name: string, size: number): Buffer | number {
  if (size === 0) return check(c.lgetxattr(cName(path), cName(name), null, 0), `getxattr ${name}`);
  const buf = Buffer.allocUnsafe(size);
  const r = check(c.lgetxattr(cName(path), cName(name), buf, size), `getxattr ${name}`);
  return buf.subarray(0, r);
}
/** lgetxattrRaw on an open fd. */
export function fgetxattrRaw(fd: number, name: string, size: number): Buffer | number {
  if (size === 0) return check(c.fgetxattr(fd, cName(name), null, 0), `getxattr ${name}`);
  const buf = Buffer.allocUnsafe(size);
  const r = check(c.fgetxattr(fd, cName(name), buf, size), `getxattr ${name}`);
  return buf.subarray(0, r);
}
export function llistxattr(path: string): string[] {
  for (let size = 1024; ; size *= 4) {
    const buf = Buffer.allocUnsafe(size);
    const r = Number(c.llistxattr(cName(path), buf, size));
    if (r >= 0) return nameOf(buf, 0, r).split('\0').filter((s) => s.length > 0);
    const errno = koffi.errno();
    if (errno === ENOTSUP_ || errno === EOPNOTSUPP_) return [];
    if (errno !== ERANGE || size > 1 << 22) throw new FsError(errno, 'listxattr');
  }
}
export function lremovexattr(path: string, name: string): void {
  check(c.lremovexattr(cName(path), cName(name)), `removexattr ${name}`);
}
export function fsetxattr(fd: number, name: string, value: Buffer, flags: number): void {
  check(c.fsetxattr(fd, cName(name), value, value.length, flags), `setxattr ${name}`);
}
export function fremovexattr(fd: number, name: string): void {
  check(c.fremovexattr(fd, cName(name)), `removexattr ${name}`);
}

const timesBuf = Buffer.alloc(32);
function writeI64(b: Buffer, off: number, n: number): void {
  const high = Math.floor(n / 0x100000000);
  b.writeUInt32LE(n - high * 0x100000000, off);
  b.writeInt32LE(high | 0, off + 4);
}
/** struct timespec[2] for utimensat, in a reused buffer (valid until the next call). */
export function timesBuffer(a: TimeSpec, m: TimeSpec): Buffer {
  writeI64(timesBuf, 0, a.sec);
  writeI64(timesBuf, 8, a.nsec);
  writeI64(timesBuf, 16, m.sec);
  writeI64(timesBuf, 24, m.nsec);
  return timesBuf;
}
/** struct timespec, or UTIME_NOW / UTIME_OMIT in nsec. */
export interface TimeSpec { sec: number; nsec: number }
export const NOW: TimeSpec = { sec: 0, nsec: UTIME_NOW };
export const OMIT: TimeSpec = { sec: 0, nsec: UTIME_OMIT };
/** utimensat(AT_FDCWD, path, [atime, mtime], AT_SYMLINK_NOFOLLOW). */
export function lutimens(path: string, atime: TimeSpec, mtime: TimeSpec): void {
  check(c.utimensat(AT_FDCWD, cName(path), timesBuffer(atime, mtime), AT_SYMLINK_NOFOLLOW), `utimensat ${path}`);
}
export function futimens(fd: number, atime: TimeSpec, mtime: TimeSpec): void {
  check(c.futimens(fd, timesBuffer(atime, mtime)), 'futimens');
}
export function getdents64(fd: number, buf: Buffer): number {
  return check(c.getdents64(fd, buf, buf.length), 'getdents64');
}
/** Copies up to len bytes in the kernel; returns bytes copied (0 at EOF). */
export function copyFileRange(fdIn: number, fdOut: number, len: number): number {
  return check(c.copy_file_range(fdIn, null, fdOut, null, len, 0), 'copy_file_range');
}
/** _IOW(0x94, 9, int) */
const FICLONE = 0x40049409;
/** Makes fdOut share all of fdIn's data (reflink): where the filesystem has it (btrfs, xfs, ...), no data is copied. */
export function ficlone(fdOut: number, fdIn: number): void {
  check(c.ioctl(fdOut, FICLONE, 'int', fdIn), 'FICLONE');
}
/** Starts writeback of a range without waiting (SYNC_FILE_RANGE_WRITE); errors are left to fsync. */
export function startWriteback(fd: number, offset: number, len: number): void {
  c.sync_file_range(fd, offset, len, 2);
}
/**
 * pread, pwrite and ftruncate with exact 64-bit offsets (Node's fs refuses
 * positions past 2^53 - 1, or writes at the fd's own position instead).
 */
/** Reads into all of buf; returns the byte count. */
export function pread(fd: number, buf: Buffer, offset: number | bigint): number {
  return check(c.pread(fd, buf, buf.length, offset), 'pread');
}
export function pwrite(fd: number, data: Buffer, offset: number | bigint): number {
  return check(c.pwrite(fd, data, data.length, offset), 'pwrite');
}
export function ftruncate(fd: number, length: number | bigint): void {
  check(c.ftruncate(fd, length), 'ftruncate');
}
export function fallocate(fd: number, mode: number, offset: number | bigint, len: number | bigint): void {
  check(c.fallocate(fd, mode, offset, len), 'fallocate');
}
export function dup2(oldfd: number, newfd: number): void {
  check(c.dup2(oldfd, newfd), 'dup2');
}
export function setsid(): void {
  c.setsid();
}
export function flock(fd: number, op: number): void {
  check(c.flock(fd, op), 'flock');
}

const ENODATA = 61;
const ERANGE = 34;
const ENOTSUP_ = 95;
const EOPNOTSUPP_ = 95;
