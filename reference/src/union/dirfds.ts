// O_PATH fds of the union's directories, one per (node, layer) where the
// directory exists, opened on demand through the parent's fd and kept in a
// bounded cache. Every object is then reached as (its parent's fd, its
// name), at any depth. An fd follows its directory when it is renamed, so
// moves need no update; a node that loses its name drops its fds.
// Nothing is closed while a request runs (an fd in hand stays valid); the
// cache is trimmed back to its bound after each request (settle()).
import { E, FsError } from '../sys/errno.ts';
import { closeFd, openDirPath } from '../sys/at.ts';
import type { Node } from './nodes.ts';

/** More layers than a union can have (overlayfs allows 500 lowers). */
const LAYER_SLOTS = 1024;

export class DirFds {
  /** key nodeId * LAYER_SLOTS + layer → fd, least recently used first. */
  private readonly fds = new Map<number, number>();
  /** The key last made most recently used (still the map's last key while it is in the map). */
  private newest = -1;

  constructor(private readonly roots: readonly (number | undefined)[], private readonly bound = 1024) {}

  /** fd of node's directory on a layer (ENOENT if the node lost its name). */
  get(node: Node, layer: number): number {
    if (node.parent === null) return this.root(node, layer);
    const key = node.id * LAYER_SLOTS + layer;
    const hit = this.fds.get(key);
    if (hit !== undefined) {
      if (key !== this.newest) this.use(key, hit);
      return hit;
    }
    // Walk up to the nearest ancestor with an fd, then open the way down.
    const path: Node[] = [];
    let cur: Node = node;
    let fd: number | undefined;
    for (;;) {
      if (cur.parent === null) {
        fd = this.root(cur, layer);
        break;
      }
      fd = this.fds.get(cur.id * LAYER_SLOTS + layer);
      if (fd !== undefined) break;
      path.push(cur);
      cur = cur.parent;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const n = path[i]!;
      fd = openDirPath({ dir: fd, name: n.name });
      this.use(n.id * LAYER_SLOTS + layer, fd);
    }
    return fd;
  }

  /**
   * Makes key the most recently used (the map's last). A run of requests in
   * one directory hits the same key: newest spares the map that churn.
   */
  private use(key: number, fd: number): void {
    this.fds.delete(key);
    this.fds.set(key, fd);
    this.newest = key;
  }

  private root(node: Node, layer: number): number {
    if (node.orphan) throw new FsError(E.ENOENT);
    const root = this.roots[layer];
    if (root === undefined) throw new FsError(E.EIO, `no layer ${layer}`);
    return root;
  }

  /** The node is gone or lost its name: its directories are no longer its. */
  drop(node: Node): void {
    for (let layer = 0; layer < this.roots.length; layer++) {
      const key = node.id * LAYER_SLOTS + layer;
      const fd = this.fds.get(key);
      if (fd === undefined) continue;
      this.fds.delete(key);
      closeFd(fd);
    }
  }

  /** Closes the least recently used fds beyond the bound. */
  settle(): void {
    if (this.fds.size <= this.bound) return;
    for (const [key, fd] of this.fds) {
      if (this.fds.size <= this.bound) break;
      this.fds.delete(key);
      closeFd(fd);
    }
  }

  /** How many fds the cache holds. */
  get size(): number {
    return this.fds.size;
  }

  close(): void {
    for (const fd of this.fds.values()) closeFd(fd);
    this.fds.clear();
  }
}
