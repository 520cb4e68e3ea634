// The on-disk format of kernel overlayfs: a whiteout is a character device
// 0/0; an opaque directory carries <prefix>opaque = "y", where <prefix> is
// "trusted.overlay." (or "user.overlay." with -o userxattr). Names under
// <prefix> belong to the format: hidden from listxattr, refused otherwise.
import * as fs from 'node:fs';
import type { Stat } from '../sys/stat.ts';
import { lgetxattr, lsetxattr, mknod } from '../sys/libc.ts';

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

  isOpaque(dirPath: string): boolean {
    const v = lgetxattr(dirPath, this.opaqueName);
    return v !== null && v.length === 1 && v[0] === 0x79; // "y"
  }

  setOpaque(dirPath: string): void {
    lsetxattr(dirPath, this.opaqueName, Buffer.from('y'), 0);
  }

  isReserved(xattrName: string): boolean {
    return xattrName.startsWith(this.prefix);
  }
}
