// Step builders: one function per call, arguments in the order the transcript prints them.
import type { Cred, OpenFlag, Op, RenameFlag, TimeSpec, XattrFlag } from '../harness/protocol.ts';

/** Steps the harness carries out itself rather than the executor. */
export type HarnessOp = { op: 'remount' } | { op: 'readrest'; dir: string } | { op: 'nlink'; path: string };

export interface Step {
  op: Op | HarnessOp;
  cred?: Cred;
}

const step = (op: Op | HarnessOp): Step => ({ op });
const bytes = (text: string) => ({ b64: Buffer.from(text).toString('base64') });
const flagList = <F extends string>(flags: string): F[] => flags.split('|').filter(Boolean) as F[];

/** open('a', 'O_WRONLY|O_TRUNC', 'fd1') — the fd is named, later steps use the name. */
export const open = (path: string, flags: string, fd: string, mode?: number): Step =>
  step(mode === undefined
    ? { op: 'open', path, flags: flagList<OpenFlag>(flags), fd }
    : { op: 'open', path, flags: flagList<OpenFlag>(flags), fd, mode });
export const close = (fd: string): Step => step({ op: 'close', fd });
export const read = (fd: string, len = 4096): Step => step({ op: 'read', fd, len });
export const pread = (fd: string, len: number, off: number): Step => step({ op: 'pread', fd, len, off });
export const write = (fd: string, text: string): Step => step({ op: 'write', fd, data: bytes(text) });
export const pwrite = (fd: string, text: string, off: number): Step => step({ op: 'pwrite', fd, data: bytes(text), off });
export const stat = (path: string): Step => step({ op: 'stat', path });
export const lstat = (path: string): Step => step({ op: 'lstat', path });
export const fstat = (fd: string): Step => step({ op: 'fstat', fd });
export const chmod = (path: string, mode: number): Step => step({ op: 'chmod', path, mode });
export const fchmod = (fd: string, mode: number): Step => step({ op: 'fchmod', fd, mode });
export const chown = (path: string, uid: number, gid: number): Step => step({ op: 'chown', path, uid, gid });
export const lchown = (path: string, uid: number, gid: number): Step => step({ op: 'lchown', path, uid, gid });
export const fchown = (fd: string, uid: number, gid: number): Step => step({ op: 'fchown', fd, uid, gid });
export const utimens = (path: string, atime: TimeSpec, mtime: TimeSpec): Step => step({ op: 'utimensat', path, atime, mtime });
export const lutimens = (path: string, atime: TimeSpec, mtime: TimeSpec): Step =>
  step({ op: 'utimensat', path, atime, mtime, nofollow: true });
export const futimens = (fd: string, atime: TimeSpec, mtime: TimeSpec): Step => step({ op: 'futimens', fd, atime, mtime });
export const truncate = (path: string, len: number): Step => step({ op: 'truncate', path, len });
export const ftruncate = (fd: string, len: number): Step => step({ op: 'ftruncate', fd, len });
export const link = (from: string, to: string): Step => step({ op: 'link', from, to });
export const symlink = (target: string, path: string): Step => step({ op: 'symlink', target, path });
export const readlink = (path: string): Step => step({ op: 'readlink', path });
export const rename = (from: string, to: string): Step => step({ op: 'rename', from, to });
export const renameat2 = (from: string, to: string, flags: string): Step =>
  step({ op: 'renameat2', from, to, flags: flagList<RenameFlag>(flags) });
export const unlink = (path: string): Step => step({ op: 'unlink', path });
export const mkdir = (path: string, mode = 0o755): Step => step({ op: 'mkdir', path, mode });
export const rmdir = (path: string): Step => step({ op: 'rmdir', path });
export const mkfifo = (path: string, mode = 0o644): Step => step({ op: 'mknod', path, kind: 'fifo', mode });
export const mknod = (path: string, kind: 'chr' | 'blk', major: number, minor: number, mode = 0o644): Step =>
  step({ op: 'mknod', path, kind, mode, major, minor });
export const opendir = (path: string, dir: string): Step => step({ op: 'opendir', path, dir });
export const readdir = (dir: string): Step => step({ op: 'readdir', dir });
export const telldir = (dir: string): Step => step({ op: 'telldir', dir });
/** Seeks to the position telldir returned as pos#n (the harness sends the raw value). */
export const seekdir = (dir: string, n: number): Step => step({ op: 'seekdir', dir, pos: n });
export const closedir = (dir: string): Step => step({ op: 'closedir', dir });
/** The whole directory, sorted by name, with d_type and d_ino. */
export const listdir = (path: string): Step => step({ op: 'listdir', path });
export const setxattr = (path: string, name: string, value: string, flags = ''): Step =>
  step({ op: 'setxattr', path, name, value: bytes(value), flags: flagList<XattrFlag>(flags) });
export const lsetxattr = (path: string, name: string, value: string, flags = ''): Step =>
  step({ op: 'lsetxattr', path, name, value: bytes(value), flags: flagList<XattrFlag>(flags) });
export const fsetxattr = (fd: string, name: string, value: string, flags = ''): Step =>
  step({ op: 'fsetxattr', fd, name, value: bytes(value), flags: flagList<XattrFlag>(flags) });
export const getxattr = (path: string, name: string): Step => step({ op: 'getxattr', path, name });
export const listxattr = (path: string): Step => step({ op: 'listxattr', path });
export const removexattr = (path: string, name: string): Step => step({ op: 'removexattr', path, name });
export const mmapwrite = (fd: string, text: string, off = 0): Step => step({ op: 'mmapwrite', fd, off, data: bytes(text) });

/** Unmounts and mounts the union again on the same layers: what persists on disk shows. */
export const remount = (): Step => step({ op: 'remount' });

/**
 * Reads a directory stream to its end: the names it returned, sorted (so the
 * transcript does not depend on a filesystem's order), without . and ..; a
 * name returned twice shows twice.
 */
export const readrest = (dir: string): Step => step({ op: 'readrest', dir });

/** A directory's link count, which the transcript otherwise leaves out (see statText). */
export const nlink = (path: string): Step => step({ op: 'nlink', path });

/** Run steps with another user's credentials. */
export const as = (cred: Cred, ...steps: Step[]): Step[] => steps.map((s) => ({ ...s, cred }));

export const USER = { uid: 1000, gid: 1000 } as const satisfies Cred;
export const T1: TimeSpec = { sec: 1300000000, nsec: 123456789 };
