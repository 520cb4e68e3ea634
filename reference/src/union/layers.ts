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

export interface LayerDirs { upper: string | null; lowers: string[]; work: string | null }

function openRoot(dir: string): { fd: number; dev: bigint } {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  return { fd, dev: fs.fstatSync(fd, { bigint: true }).dev };
}

export class Layers {
  readonly upper: Layer | null;
  readonly lowers: readonly Layer[];
  /** Index → layer, upper (if any) at 0. */
  private readonly byIndex: Layer[] = [];
  /** Work directory prefix (workdir/work), null for a read-only union. */
  readonly work: string | null;
  private readonly fds: number[] = [];

  constructor(dirs: LayerDirs) {
    if (dirs.upper !== null) {
      const { fd, dev } = openRoot(dirs.upper);
      this.fds.push(fd);
      this.upper = { index: 0, isUpper: true, root: `/proc/self/fd/${fd}`, dev, name: dirs.upper };
      this.byIndex[0] = this.upper;
    } else {
      this.upper = null;
    }
    this.lowers = dirs.lowers.map((d, i) => {
      const { fd, dev } = openRoot(d);
      this.fds.push(fd);
      const l: Layer = { index: i + 1, isUpper: false, root: `/proc/self/fd/${fd}`, dev, name: d };
      this.byIndex[i + 1] = l;
      return l;
    });
    if (dirs.work !== null) {
      const fd = openRoot(dirs.work).fd;
      this.fds.push(fd);
      this.work = `/proc/self/fd/${fd}`;
    } else {
      this.work = null;
    }
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
