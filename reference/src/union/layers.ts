// The layers of one mount. Each layer root is opened once, before mounting.
// A layer whose directory is the mount point itself (mounting over a lower
// directory, as overlayfs allows) is reached as /proc/self/fd/N, which
// resolves to the covered directory; the others by their real path, which
// is cheaper to walk. validate.ts refuses a mount point inside a layer.
import * as fs from 'node:fs';
import { fstat } from '../sys/stat.ts';

export interface Layer {
  /** 0 = upper, 1.. = lowers from the top down. */
  readonly index: number;
  readonly isUpper: boolean;
  /** Path prefix of the layer root: its real path, or "/proc/self/fd/N/." if the mount covers it. */
  readonly root: string;
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
  /** Work directory prefix (workdir/work), null for a read-only union. */
  readonly work: string | null;
  private readonly fds: number[] = [];

  constructor(fds: LayerFds) {
    const dev = (fd: number): number => fstat(fd).dev;
    const rootOf = (fd: number, name: string | null): string =>
      name === null || name === fds.mountpoint ? `/proc/self/fd/${fd}/.` : name === '/' ? '' : name;
    if (fds.upper !== null) {
      this.fds.push(fds.upper);
      this.upper = { index: 0, isUpper: true, root: rootOf(fds.upper, fds.names.upper), dev: dev(fds.upper), name: fds.names.upper ?? '' };
      this.byIndex[0] = this.upper;
    } else {
      this.upper = null;
    }
    this.lowers = fds.lowers.map((fd, i) => {
      this.fds.push(fd);
      const l: Layer = { index: i + 1, isUpper: false, root: rootOf(fd, fds.names.lowers[i] ?? null), dev: dev(fd), name: fds.names.lowers[i] ?? '' };
      this.byIndex[i + 1] = l;
      return l;
    });
    if (fds.work !== null) this.fds.push(fds.work);
    this.work = fds.work === null ? null : rootOf(fds.work, fds.names.work);
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
