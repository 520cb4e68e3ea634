// The layers of one mount. Each layer root is opened once, before mounting,
// and everything in a layer is reached through that fd (union/dirfds.ts),
// also when the mount covers the layer's directory (mounting over a lower
// directory, as overlayfs allows). validate.ts refuses a mount point inside
// a layer.
import * as fs from 'node:fs';
import { fstat } from '../sys/stat.ts';

export interface Layer {
  /** 0 = upper, 1.. = lowers from the top down. */
  readonly index: number;
  readonly isUpper: boolean;
  /** fd of the layer root (owned by whoever opened the layer fds). */
  readonly fd: number;
  /** st_dev of the layer root (see sys/stat.ts). */
  readonly dev: number;
  /** The directory as the user named it, for messages. */
  readonly name: string;
}

/** Layer roots opened (before mounting) by the main thread, handed to the server as fds. */
export interface LayerFds {
  upper: number | null;
  lowers: number[];
  work: number | null;
  /** Real paths of the layer directories (validate.ts resolved them). */
  names: { upper: string | null; lowers: string[]; work: string | null };
  mountpoint: string;
}

/** Opens the layer roots of a validated layout. */
export function openLayerFds(dirs: { upper: string | null; lowers: string[]; work: string | null }, mountpoint: string): LayerFds {
  const open = (d: string): number => fs.openSync(d, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  return {
    upper: dirs.upper === null ? null : open(dirs.upper),
    lowers: dirs.lowers.map(open),
    work: dirs.work === null ? null : open(dirs.work),
    names: { upper: dirs.upper, lowers: dirs.lowers, work: dirs.work },
    mountpoint,
  };
}

export class Layers {
  readonly upper: Layer | null;
  readonly lowers: readonly Layer[];
  /** Index → layer, upper (if any) at 0. */
  private readonly byIndex: Layer[] = [];
  /** Path of the work directory (workdir/work) through its fd, null for a read-only union. */
  readonly work: string | null;

  constructor(fds: LayerFds) {
    const dev = (fd: number): number => fstat(fd).dev;
    if (fds.upper !== null) {
      this.upper = { index: 0, isUpper: true, fd: fds.upper, dev: dev(fds.upper), name: fds.names.upper ?? '' };
      this.byIndex[0] = this.upper;
    } else {
      this.upper = null;
    }
    this.lowers = fds.lowers.map((fd, i) => {
      const l: Layer = { index: i + 1, isUpper: false, fd, dev: dev(fd), name: fds.names.lowers[i] ?? '' };
      this.byIndex[i + 1] = l;
      return l;
    });
    this.work = fds.work === null ? null : `/proc/self/fd/${fds.work}`;
  }

  get(index: number): Layer {
    const l = this.byIndex[index];
    if (l === undefined) throw new Error(`no layer ${index}`);
    return l;
  }

  /** Root fds by layer index (undefined where a read-only union has no upper). */
  rootFds(): (number | undefined)[] {
    return this.byIndex.map((l) => l?.fd);
  }
}
