// Inode numbers, a function of the layers' on-disk state alone, so they
// stay the same across remounts and match kernel overlayfs:
// * a lower object reports its lower number;
// * an upper object with an origin record (origin.ts: written at copyup,
//   by the reference or by overlayfs) reports its origin's number — except
//   a non-directory whose origin has st_nlink > 1 (as overlayfs without
//   index): its other names still show the lower inode, and two different
//   files must not share a number;
// * an upper directory merged with a lower one reports the lower one's number,
//   found by name, without an origin record (as overlayfs does, also where it
//   cannot decode origins: userxattr in a user namespace, or layers made by hand);
// * any other upper object reports its upper number.
// Layers on different filesystems are told apart by the filesystem's index
// in the top 8 bits (like overlayfs xino): 0 for the top layer's, then each
// further filesystem in layer order.
// What an upper inode reports is remembered (it costs an xattr read) until
// the union removes the inode; the memory is a cache, never the truth, except
// for a copy whose origin record could not be written (copiedUp).
import { isDir, type Stat } from '../sys/stat.ts';
import type { Layers } from './layers.ts';
import type { Origins } from './origin.ts';

interface Known { birthSec: number; birthNsec: number; ino: bigint }

/** Forget everything beyond this many upper inodes (a cache, so any bound is correct). */
const BOUND = 1 << 16;

export class Inodes {
  private readonly devIndex = new Map<number, bigint>();
  private readonly known = new Map<bigint, Known>();

  constructor(layers: Layers, private readonly origins: Origins) {
    for (const l of [layers.upper ?? layers.lowers[0]!, ...layers.lowers]) {
      if (!this.devIndex.has(l.dev)) this.devIndex.set(l.dev, BigInt(this.devIndex.size));
    }
  }

  /** Number for (st_dev, st_ino) of any layer object, ignoring origins. */
  raw(dev: number, ino: bigint): bigint {
    let idx = this.devIndex.get(dev);
    if (idx === undefined) {
      idx = BigInt(this.devIndex.size); // a filesystem mounted inside a layer
      this.devIndex.set(dev, idx);
    }
    return idx === 0n ? ino : (idx << 56n) ^ ino;
  }

  lower(st: Stat): bigint {
    return this.raw(st.dev, st.ino);
  }

  /**
   * Number of an upper object; readOrigin gives its origin record, mergedLower the lower
   * directory a merged directory is merged with by name (each only asked when not remembered).
   */
  upper(st: Stat, readOrigin: () => Buffer | null, mergedLower: () => Stat | undefined = () => undefined): bigint {
    const k = this.known.get(st.ino);
    if (k !== undefined && k.birthSec === st.btime.sec && k.birthNsec === st.btime.nsec) return k.ino;
    // as overlayfs: a merged directory has its lower directory's number, origin record or not
    const merged = isDir(st) ? mergedLower() : undefined;
    if (merged !== undefined) return this.remember(st, this.lower(merged));
    const record = readOrigin();
    const origin = record === null ? undefined : this.origins.resolve(record);
    return this.remember(st, origin !== undefined && (isDir(origin) || origin.nlink <= 1) ? this.lower(origin) : this.raw(st.dev, st.ino));
  }

  /**
   * Number of an upper directory entry. Only entries of an impure directory, directories
   * merged with a lower one (`special`) and entries already known can report another
   * number than their own; the others need no lstat.
   */
  upperDirent(
    dev: number, ino: bigint, special: boolean, stat: () => Stat | undefined, readOrigin: () => Buffer | null, mergedLower: () => Stat | undefined,
  ): bigint {
    if (special || this.known.has(ino)) {
      const st = stat();
      if (st !== undefined) return this.upper(st, readOrigin, mergedLower);
    }
    return this.raw(dev, ino);
  }

  /**
   * After a copyup: the copy's number, known without reading the record back. A record that
   * was due but could not be written (userxattr: Linux allows user.* xattrs only on regular
   * files and directories, so a fifo's or a symlink's copy has none) still gives the lower
   * number for as long as it is remembered, as overlayfs keeps it in its cached inode.
   */
  copiedUp(upperSt: Stat, lowerSt: Stat, recorded: boolean, due: boolean): void {
    const fromOrigin = (recorded || due) && (isDir(lowerSt) || lowerSt.nlink <= 1);
    this.remember(upperSt, fromOrigin ? this.lower(lowerSt) : this.raw(upperSt.dev, upperSt.ino));
  }

  /** A new upper object (no origin). */
  created(st: Stat): void {
    this.remember(st, this.raw(st.dev, st.ino));
  }

  /** The upper inode was removed: its number may be reused by the upper filesystem. */
  removed(upperIno: bigint): void {
    this.known.delete(upperIno);
  }

  private remember(st: Stat, ino: bigint): bigint {
    if (this.known.size >= BOUND) this.known.clear();
    this.known.set(st.ino, { birthSec: st.btime.sec, birthNsec: st.btime.nsec, ino });
    return ino;
  }
}
