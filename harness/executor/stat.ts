// stat(2) results in the protocol's shape.

import fs from 'node:fs';
import type { NodeKind, StatValue } from '../protocol.ts';
import { nodeCall } from './errors.ts';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, devMajor, devMinor } from './libc.ts';

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

export function statValue(st: fs.BigIntStats): StatValue {
  const mode = Number(st.mode);
  return {
    kind: kindOfMode(mode),
    mode: mode & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
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

export function lstatRaw(p: string): fs.BigIntStats {
  return nodeCall(() => fs.lstatSync(p, { bigint: true }));
}

export function lstat(p: string): StatValue {
  return statValue(lstatRaw(p));
}

export function stat(p: string): StatValue {
  return statValue(nodeCall(() => fs.statSync(p, { bigint: true })));
}

export function fstat(fd: number): StatValue {
  return statValue(nodeCall(() => fs.fstatSync(fd, { bigint: true })));
}
