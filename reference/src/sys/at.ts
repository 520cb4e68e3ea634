// System calls relative to a directory fd (openat, mkdirat, renameat2, ...),
// so the server reaches an object of any depth through its parent's O_PATH
// fd and a single name, never through a long path. A Loc is that pair; a
// Loc with dir = AT_FDCWD names an ordinary path (temps in workdir/work).
// xattrs have no *at calls in libc: they go through /proc/self/fd/N/name,
// which the kernel resolves from the fd (a short path whatever the depth).
import * as fs from 'node:fs';
import koffi from 'koffi';
import { FsError } from './errno.ts';
import { cName } from './names.ts';
import {
  AT_FDCWD, AT_SYMLINK_NOFOLLOW, lgetxattr, lgetxattrRaw, llistxattr, lremovexattr, lsetxattr, type TimeSpec, timesBuffer,
} from './libc.ts';

const libc = koffi.load('libc.so.6');
const c = {
  openat: libc.func('int openat(int dirfd, const char *path, int flags, uint32_t mode)'),
  mkdirat: libc.func('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
  mknodat: libc.func('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)'),
  symlinkat: libc.func('int symlinkat(const void *target, int dirfd, const char *path)'),
  linkat: libc.func('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)'),
  unlinkat: libc.func('int unlinkat(int dirfd, const char *path, int flags)'),
  renameat2: libc.func('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)'),
  fchmodat: libc.func('int fchmodat(int dirfd, const char *path, uint32_t mode, int flags)'),
  fchownat: libc.func('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)'),
  utimensat: libc.func('int utimensat(int dirfd, const char *path, const void *times, int flags)'),
  readlinkat: libc.func('long readlinkat(int dirfd, const char *path, void *buf, size_t size)'),
  truncate: libc.func('int truncate(const char *path, int64_t length)'),
  close: libc.func('int close(int fd)'),
};

const AT_REMOVEDIR = 0x200;
const AT_SYMLINK_FOLLOW = 0x400;
export const O_PATH = 0o10000000;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW;
const O_CLOEXEC = 0o2000000;

/** One object: a name inside the directory open as dir (or a path, dir = AT_FDCWD). */
export interface Loc { readonly dir: number; readonly name: string }

export const pathLoc = (p: string): Loc => ({ dir: AT_FDCWD, name: p });

/** A path the kernel resolves to loc without following its last component. */
function procPath(l: Loc): string {
  return l.dir === AT_FDCWD ? l.name : `/proc/self/fd/${l.dir}/${l.name}`;
}

function check(ret: number | bigint, what: string, l: Loc): number {
  const r = Number(ret);
  if (r < 0) throw new FsError(koffi.errno(), `${what} ${l.name}`);
  return r;
}

/**
 * close(2) of an fd opened here (or by another koffi call): Node's
 * fs.closeSync warns, at some cost, about fds that fs did not open.
 */
export function closeFd(fd: number): void {
  if (c.close(fd) < 0) throw new FsError(koffi.errno(), 'close');
}

/** openat; the fd is close-on-exec. Close it with closeFd. */
export function openAt(l: Loc, flags: number, mode = 0): number {
  return check(c.openat(l.dir, cName(l.name), flags | O_CLOEXEC, mode), 'open', l);
}
/** An O_PATH fd of the directory at l (never follows a symlink). */
export function openDirPath(l: Loc): number {
  return openAt(l, O_PATH | fs.constants.O_DIRECTORY | O_NOFOLLOW);
}
export function mkdirAt(l: Loc, mode: number): void {
  check(c.mkdirat(l.dir, cName(l.name), mode), 'mkdir', l);
}
export function mknodAt(l: Loc, mode: number, dev: bigint | number): void {
  check(c.mknodat(l.dir, cName(l.name), mode, BigInt(dev)), 'mknod', l);
}
export function symlinkAt(target: Buffer, l: Loc): void {
  check(c.symlinkat(Buffer.concat([target, Buffer.alloc(1)]), l.dir, cName(l.name)), 'symlink', l);
}
export function linkAt(from: Loc, to: Loc): void {
  check(c.linkat(from.dir, cName(from.name), to.dir, cName(to.name), 0), 'link', to);
}
/** linkat() of the file open as fd (an O_TMPFILE file) to `to`, through its /proc/self/fd link. */
export function linkFdAt(fd: number, to: Loc): void {
  check(c.linkat(AT_FDCWD, `/proc/self/fd/${fd}`, to.dir, cName(to.name), AT_SYMLINK_FOLLOW), 'link', to);
}
export function unlinkAt(l: Loc): void {
  check(c.unlinkat(l.dir, cName(l.name), 0), 'unlink', l);
}
export function rmdirAt(l: Loc): void {
  check(c.unlinkat(l.dir, cName(l.name), AT_REMOVEDIR), 'rmdir', l);
}
export function renameAt(from: Loc, to: Loc, flags = 0): void {
  check(c.renameat2(from.dir, cName(from.name), to.dir, cName(to.name), flags), 'rename', from);
}
/** chmod of a non-symlink (fchmodat cannot change a symlink's mode). */
export function chmodAt(l: Loc, mode: number): void {
  check(c.fchmodat(l.dir, cName(l.name), mode, 0), 'chmod', l);
}
/** lchown; -1 leaves an id unchanged. */
export function chownAt(l: Loc, uid: number, gid: number): void {
  check(c.fchownat(l.dir, cName(l.name), uid >>> 0, gid >>> 0, AT_SYMLINK_NOFOLLOW), 'chown', l);
}
export function utimensAt(l: Loc, atime: TimeSpec, mtime: TimeSpec): void {
  check(c.utimensat(l.dir, cName(l.name), timesBuffer(atime, mtime), AT_SYMLINK_NOFOLLOW), 'utimensat', l);
}
export function readlinkAt(l: Loc): Buffer {
  for (let size = 4096; ; size *= 4) {
    const buf = Buffer.allocUnsafe(size);
    const n = check(c.readlinkat(l.dir, cName(l.name), buf, size), 'readlink', l);
    if (n < size) return Buffer.from(buf.subarray(0, n));
  }
}
/**
 * truncate(2) of a regular file, by path, as overlayfs truncates its upper
 * file: whether the times change is the filesystem's business (tmpfs keeps
 * them for an empty file truncated to 0). An open and ftruncate would always
 * set them.
 */
export function truncateAt(l: Loc, size: number | bigint): void {
  check(c.truncate(cName(procPath(l)), size), 'truncate', l);
}

export const getxattrAt = (l: Loc, name: string): Buffer | null => lgetxattr(procPath(l), name);
export const getxattrRawAt = (l: Loc, name: string, size: number): Buffer | number => lgetxattrRaw(procPath(l), name, size);
export const listxattrAt = (l: Loc): string[] => llistxattr(procPath(l));
export const setxattrAt = (l: Loc, name: string, value: Buffer, flags: number): void => lsetxattr(procPath(l), name, value, flags);
export const removexattrAt = (l: Loc, name: string): void => lremovexattr(procPath(l), name);
