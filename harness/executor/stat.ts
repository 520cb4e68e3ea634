// stat(2) results in the protocol's shape.

import type { NodeKind, StatValue } from '../protocol.ts';
import type { At } from './case-root.ts';
import {
  AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK,
  devMajor, devMinor, fstatat, type RawStat,
} from './libc.ts';

export function kindOfMode(mode: number): NodeKind {
  switch (mode & S_IFMT) {
    case S_IFREG: return 'file';
    case S_IFDIR: return 'dir';
    case S_IFLNK: return 'symlink';
    case S_IFIFO: return 'fifo';
    case S_IFCHR: return 'chr';
    case S_IFBLK: return 'blk';
    case S_IFSOCK: return 'sock';
    default: throw new Error(`unknown file type in mode 0${mode.toString(8)}`);
  }
}

export function statValue(st: RawStat): StatValue {
  return {
    kind: kindOfMode(st.mode),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: Number(st.size),
    nlink: Number(st.nlink),
    ino: st.ino.toString(),
    dev: st.dev.toString(),
    rdev: `${devMajor(st.rdev)}:${devMinor(st.rdev)}`,
    atime: st.atimeNs.toString(),
    mtime: st.mtimeNs.toString(),
    ctime: st.ctimeNs.toString(),
  };
}

/** lstat of an At: the name in its directory, or the fd's own object. */
export function statAt(at: At): RawStat {
  return at.name === '' ? fstatat(at.dirfd, '', AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) : fstatat(at.dirfd, at.name, AT_SYMLINK_NOFOLLOW);
}

export function fstat(fd: number): StatValue {
  return statValue(fstatat(fd, '', AT_EMPTY_PATH));
}

export function isDir(st: RawStat): boolean {
  return (st.mode & S_IFMT) === S_IFDIR;
}
