// Directory listing with d_ino and d_type, through getdents64 on an fd opened
// O_NOATIME so that listing a lower directory never touches the lower layer.
import * as fs from 'node:fs';
import { getdents64 } from './libc.ts';
import { closeFd, type Loc, openAt } from './at.ts';
import { errnoOf, E } from './errno.ts';
import { nameOf } from './names.ts';

export interface RawDirent { name: string; ino: bigint; type: number }

export const DT_UNKNOWN = 0;
export const DT_FIFO = 1;
export const DT_CHR = 2;
export const DT_DIR = 4;
export const DT_BLK = 6;
export const DT_REG = 8;
export const DT_LNK = 10;
export const DT_SOCK = 12;

const O_DIRECTORY = fs.constants.O_DIRECTORY;
const O_NOATIME = fs.constants.O_NOATIME ?? 0o1000000;
const buf = Buffer.allocUnsafe(128 * 1024);

function openDir(dir: Loc): number {
  try {
    return openAt(dir, fs.constants.O_RDONLY | O_DIRECTORY | O_NOATIME);
  } catch (err) {
    // O_NOATIME is refused (EPERM) for a directory we do not own when not root.
    if (errnoOf(err) !== E.EPERM) throw err;
    return openAt(dir, fs.constants.O_RDONLY | O_DIRECTORY);
  }
}

/** All entries of the directory at dir except "." and "..", in on-disk order. */
export function readDirents(dir: Loc): RawDirent[] {
  const fd = openDir(dir);
  const out: RawDirent[] = [];
  try {
    for (;;) {
      const n = getdents64(fd, buf);
      if (n === 0) break;
      let off = 0;
      while (off < n) {
        const ino = buf.readBigUInt64LE(off);
        const reclen = buf.readUInt16LE(off + 16);
        const type = buf.readUInt8(off + 18);
        const end = buf.indexOf(0, off + 19);
        const name = nameOf(buf, off + 19, end < 0 || end > off + reclen ? off + reclen : end);
        off += reclen;
        if (name === '.' || name === '..') continue;
        out.push({ name, ino, type });
      }
    }
  } finally {
    closeFd(fd);
  }
  return out;
}

export function dtypeOfMode(mode: number): number {
  return (mode >> 12) & 0o17;
}
