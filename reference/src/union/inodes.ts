// Inode numbers. A visible object reports the inode number of the object it
// came from: a lower object its lower number, an object copied up the number
// it had before the copyup (remembered per upper inode for the life of the
// mount), an upper-only object its upper number. Layers on different
// filesystems get the filesystem's index in the top bits (like xino).
// Exception (as in overlayfs): a lower file with st_nlink > 1 gets its upper
// number at copyup, because its other names still show the lower inode and
// two different files must not share an inode number.
import { isDir, type Stat } from '../sys/stat.ts';

interface Origin { birthSec: number; birthNsec: number; ino: bigint }

export class Inodes {
  private readonly devIndex = new Map<number, bigint>();
  private readonly origins = new Map<bigint, Origin>();

  constructor(topDev: number) {
    this.devIndex.set(topDev, 0n);
  }

  /** Number for (st_dev, st_ino) of any layer object, ignoring copyup history. */
  raw(dev: number, ino: bigint): bigint {
    let idx = this.devIndex.get(dev);
    if (idx === undefined) {
      idx = BigInt(this.devIndex.size);
      this.devIndex.set(dev, idx);
    }
    return idx === 0n ? ino : (idx << 56n) ^ ino;
  }

  /** Number of an upper object. */
  upper(st: Stat): bigint {
    const o = this.origins.get(st.ino);
    if (o !== undefined && o.birthSec === st.btime.sec && o.birthNsec === st.btime.nsec) return o.ino;
    return this.raw(st.dev, st.ino);
  }

  /** Number of an upper object known only by its directory entry; stat is called only when needed. */
  upperDirent(dev: number, ino: bigint, stat: () => Stat | undefined): bigint {
    if (this.origins.has(ino)) {
      const st = stat();
      if (st !== undefined) return this.upper(st);
    }
    return this.raw(dev, ino);
  }

  lower(st: Stat): bigint {
    return this.raw(st.dev, st.ino);
  }

  /** After a copyup: the new upper object keeps the number of the lower one. */
  copiedUp(upperSt: Stat, lowerSt: Stat): void {
    if (!isDir(lowerSt) && lowerSt.nlink > 1) return;
    this.origins.set(upperSt.ino, { birthSec: upperSt.btime.sec, birthNsec: upperSt.btime.nsec, ino: this.lower(lowerSt) });
  }

  /** The upper inode was removed: its number may be reused by the upper filesystem. */
  removed(upperIno: bigint): void {
    this.origins.delete(upperIno);
  }
}
