// The on-disk format of kernel overlayfs: a whiteout is a character device
// 0/0; an opaque directory carries <prefix>opaque = "y", where <prefix> is
// "trusted.overlay." (or "user.overlay." with -o userxattr). Names under
// <prefix> belong to the format: hidden from listxattr, refused otherwise.
import * as fs from 'node:fs';
import type { Stat } from '../sys/stat.ts';
import { mknod } from '../sys/libc.ts';
import { getxattrAt, type Loc, setxattrAt } from '../sys/at.ts';

const S_IFMT = fs.constants.S_IFMT;
const S_IFCHR = fs.constants.S_IFCHR;

export class Format {
  readonly prefix: string;
  readonly opaqueName: string;

  constructor(userxattr: boolean) {
    this.prefix = userxattr ? 'user.overlay.' : 'trusted.overlay.';
    this.opaqueName = `${this.prefix}opaque`;
  }

  isWhiteout(st: Stat): boolean {
    return (st.mode & S_IFMT) === S_IFCHR && st.rdevMajor === 0 && st.rdevMinor === 0;
  }

  makeWhiteout(path: string): void {
    mknod(path, S_IFCHR, 0);
  }

  isOpaque(dir: Loc): boolean {
    const v = getxattrAt(dir, this.opaqueName);
    return v !== null && v.length === 1 && v[0] === 0x79; // "y"
  }

  setOpaque(dir: Loc): void {
    setxattrAt(dir, this.opaqueName, Buffer.from('y'), 0);
  }

  isReserved(xattrName: string): boolean {
    return xattrName.startsWith(this.prefix);
  }
}
