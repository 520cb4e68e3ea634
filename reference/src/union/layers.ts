// The layers of one mount. Each layer root is opened once, before mounting,
// and reached afterwards as /proc/self/fd/N: the server never resolves a
// layer through a path another mount could cover.
import * as fs from 'node:fs';

export interface Layer {
  /** 0 = upper, 1.. = lowers from the top down. */
  readonly index: number;
  readonly isUpper: boolean;
  /** Path prefix of the layer root ("/proc/self/fd/N"). */
  readonly root: string;
  /** st_dev of the layer root. */
  readonly dev: bigint;
  /** The directory as the user named it, for messages. */
  readonly name: string;
}

/** Layer roots opened (before mounting) by the main thread, handed to the server as fds. */
export interface LayerFds { upper: number | null; lowers: number[]; work: number | null; names: { upper: string | null; lowers: string[] } }

/** Opens the layer roots of a validated layout. */
export function openLayerFds(dirs: { upper: string | null; lowers: string[]; work: string | null }): LayerFds {
  const open = (d: string): number => fs.openSync(d, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  return {
    upper: dirs.upper === null ? null : open(dirs.upper),
    lowers: dirs.lowers.map(open),
    work: dirs.work === null ? null : open(dirs.work),
    names: { upper: dirs.upper, lowers: dirs.lowers },
  };
}

export class Layers {
  readonly upper: Layer | null;
  readonly lowers: readonly Layer[];
  /** Index → layer, upper (if any) at 0. */
  private readonly byIndex: Layer[] = [];
  /** Work directory prefix (workdir/work), null for a read-only union. */
  readonly work: string | null;
  private readonly fds: number[] = [];

  constructor(fds: LayerFds) {
    const dev = (fd: number): bigint => fs.fstatSync(fd, { bigint: true }).dev;
    if (fds.upper !== null) {
      this.fds.push(fds.upper);
      this.upper = { index: 0, isUpper: true, root: `/proc/self/fd/${fds.upper}/.`, dev: dev(fds.upper), name: fds.names.upper ?? '' };
      this.byIndex[0] = this.upper;
    } else {
      this.upper = null;
    }
    this.lowers = fds.lowers.map((fd, i) => {
      this.fds.push(fd);
      const l: Layer = { index: i + 1, isUpper: false, root: `/proc/self/fd/${fd}/.`, dev: dev(fd), name: fds.names.lowers[i] ?? '' };
      this.byIndex[i + 1] = l;
      return l;
    });
    if (fds.work !== null) this.fds.push(fds.work);
    this.work = fds.work === null ? null : `/proc/self/fd/${fds.work}`;
  }

  get(index: number): Layer {
    const l = this.byIndex[index];
    if (l === undefined) throw new Error(`no layer ${index}`);
    return l;
  }

  /** Path of rel ("" for the root, else "/a/b") inside a layer. */
  path(layer: Layer | number, rel: string): string {
    return (typeof layer === 'number' ? this.get(layer) : layer).root + rel;
  }

  upperPath(rel: string): string {
    if (this.upper === null) throw new Error('read-only union has no upper layer');
    return this.upper.root + rel;
  }

  close(): void {
    for (const fd of this.fds) fs.closeSync(fd);
  }
}
