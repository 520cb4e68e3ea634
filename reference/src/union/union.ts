// State of one mounted union and the lookup rules every operation shares:
// names resolve top-down (upper, then each lower); a whiteout ends the
// search; directories merge with the directories of the same name below
// them until an opaque one; any non-directory ends the search.
// Objects are reached as (parent directory fd on a layer, name): see
// dirfds.ts; no path of the union is ever built.
import * as fs from 'node:fs';
import { E, FsError } from '../sys/errno.ts';
import type { Loc } from '../sys/at.ts';
import { fstat, lstatAt, type Stat } from '../sys/stat.ts';
import type { Attr } from '../fuse/protocol.ts';
import { DirFds } from './dirfds.ts';
import { Format } from './format.ts';
import { Inodes } from './inodes.ts';
import { Origins } from './origin.ts';
import { fgetxattr } from '../sys/libc.ts';
import { type Layer, type LayerFds, Layers } from './layers.ts';
import { type Node, Nodes, type Resolution } from './nodes.ts';
import { Workdir } from './workdir.ts';
import { Handles } from './handles.ts';
import type { Backings } from './backing.ts';
import { countSubdirs } from './merge.ts';

export const S_IFMT = fs.constants.S_IFMT;
export const S_IFDIR = fs.constants.S_IFDIR;
export const S_IFREG = fs.constants.S_IFREG;
export const S_IFLNK = fs.constants.S_IFLNK;
export const NAME_MAX = 255;

/** volatile: nothing written to upper is synced (copyups, fsync), as overlayfs's volatile option. */
export interface UnionOptions { fds: LayerFds; userxattr: boolean; volatile?: boolean }

/**
 * What the server changed behind the kernel's back, so that the kernel drops
 * what it cached: a node's attributes, a directory's listing (and its
 * attributes). Does nothing until a FUSE session is set up (tests call the
 * union directly).
 */
export interface Invalidation {
  attrs(node: Node): void;
  listing(dir: Node): void;
}

export class Union {
  readonly layers: Layers;
  readonly format: Format;
  readonly work: Workdir;
  readonly nodes: Nodes;
  readonly inodes: Inodes;
  readonly origins: Origins;
  readonly dirs: DirFds;
  readonly handles = new Handles();
  readonly readonly: boolean;
  readonly volatile: boolean;
  /**
   * Bumped by every change that can alter how many subdirectories a directory
   * shows (mkdir, rmdir, rename of a directory); stamps the cached counts
   * behind the st_nlink of merged directories. Files never change them:
   * a whiteout keeps hiding what it hid.
   */
  stamp = 0;
  /** Lower files are opened FOPEN_DIRECT_IO (set once the kernel allows mmap on such files). */
  directIoLower = false;
  /** FUSE passthrough, where the kernel offers it and the mount wants it. */
  backings: Backings | null = null;
  invalidate: Invalidation = { attrs: () => {}, listing: () => {} };

  constructor(opts: UnionOptions) {
    this.layers = new Layers(opts.fds);
    this.format = new Format(opts.userxattr);
    this.work = new Workdir(this.layers.work, this.format);
    this.readonly = this.layers.upper === null;
    this.volatile = opts.volatile ?? false;
    this.origins = new Origins(this.layers, this.format);
    this.inodes = new Inodes(this.layers, this.origins);
    this.dirs = new DirFds(this.layers.rootFds());
    this.nodes = new Nodes(
      { type: S_IFDIR, upper: this.layers.upper !== null, lowers: this.layers.lowers.map((l) => l.index) },
      (n) => this.dirs.drop(n),
    );
  }

  requireWritable(): void {
    if (this.readonly) throw new FsError(E.EROFS);
  }

  /** ENAMETOOLONG for a name longer than NAME_MAX bytes. */
  checkName(name: string): void {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8: most names need no count
    if (name.length > NAME_MAX) throw new FsError(E.ENAMETOOLONG); // one character per byte (sys/names.ts)
  }

  /** parent/name on a layer (the parent directory must exist there). */
  at(parent: Node, name: string, layer: number): Loc {
    return { dir: this.dirs.get(parent, layer), name };
  }

  /** The object of a node on a layer; the root is "." in its layer root. */
  locOf(node: Node, layer: number): Loc {
    if (node.parent === null) {
      if (node.orphan) throw new FsError(E.ENOENT);
      return { dir: this.dirs.get(node, layer), name: '.' };
    }
    return this.at(node.parent, node.name, layer);
  }

  /** Upper parent/name (the parent must be in upper). */
  upperAt(parent: Node, name: string): Loc {
    return this.at(parent, name, 0);
  }

  /**
   * Resolution of parent/name, or null when nothing is visible there.
   * out.st receives the lstat of the visible object (saves a second lstat);
   * out.upperWhiteout is set when a whiteout in upper hides the name.
   */
  resolveChild(parent: Node, name: string, out?: { st?: Stat; upperWhiteout?: boolean }): Resolution | null {
    const pres = parent.res;
    if ((pres.type & S_IFMT) !== S_IFDIR) throw new FsError(E.ENOTDIR);
    this.checkName(name);
    let res: Resolution | null = null;
    // upper (index 0) first if the parent is there, then its lowers
    const lowers = pres.lowers;
    for (let i = pres.upper ? -1 : 0; i < lowers.length; i++) {
      const idx = i < 0 ? 0 : lowers[i]!;
      const dir = this.dirs.get(parent, idx);
      const st = lstatAt(dir, name);
      if (st === undefined) continue;
      if (this.format.isWhiteout(st)) {
        if (out !== undefined && idx === 0) out.upperWhiteout = true;
        break;
      }
      const type = st.mode & S_IFMT;
      if (res === null) {
        res = { type, upper: idx === 0, lowers: idx === 0 ? [] : [idx] };
        if (out !== undefined) out.st = st;
        if (type !== S_IFDIR) break;
      } else {
        if (type !== S_IFDIR) break;
        res.lowers.push(idx);
      }
      if (this.format.isOpaque({ dir, name })) break;
    }
    return res;
  }

  /** Would anything in the lower layers show at parent/name if upper had nothing there? */
  lowerPositive(parent: Node, name: string): boolean {
    for (const idx of parent.res.lowers) {
      const st = lstatAt(this.dirs.get(parent, idx), name);
      if (st === undefined) continue;
      return !this.format.isWhiteout(st);
    }
    return false;
  }

  /** The layer holding the visible object of a resolution. */
  topLayer(res: Resolution): Layer {
    if (res.upper) return this.layers.upper!;
    const idx = res.lowers[0];
    if (idx === undefined) throw new FsError(E.ESTALE);
    return this.layers.get(idx);
  }

  /** The visible object of a node. */
  topLoc(node: Node): Loc {
    return this.locOf(node, this.topLayer(node.res).index);
  }

  /** The upper object of a node (copied up or not: the caller decides). */
  upperLoc(node: Node): Loc {
    return this.locOf(node, 0);
  }

  /** lstat of the visible object; ENOENT if it vanished underneath. */
  statNode(node: Node): Stat {
    const loc = this.topLoc(node);
    const st = lstatAt(loc.dir, loc.name);
    if (st === undefined) throw new FsError(E.ENOENT);
    return st;
  }

  isMerged(res: Resolution): boolean {
    return (res.type & S_IFMT) === S_IFDIR && res.lowers.length > (res.upper ? 0 : 1);
  }

  /**
   * Inode number reported for an object of a layer (see inodes.ts);
   * readOrigin gives an upper object's origin record.
   */
  ino(st: Stat, layer: Layer, readOrigin: () => Buffer | null, node?: Node): bigint {
    return layer.isUpper ? this.inodes.upper(st, readOrigin, () => (node === undefined ? undefined : this.mergedLowerStat(node))) : this.inodes.lower(st);
  }

  private mergedLowerStat(node: Node): Stat | undefined {
    return node.parent === null || node.orphan ? undefined : this.mergedLowerAt(node.parent, node.name, node.res);
  }

  /** The topmost lower directory an upper directory at parent/name (resolved as res) is merged with. */
  mergedLowerAt(parent: Node, name: string, res: Resolution): Stat | undefined {
    const top = res.lowers[0];
    if (!res.upper || (res.type & S_IFMT) !== S_IFDIR || top === undefined) return undefined;
    const loc = this.at(parent, name, top);
    return lstatAt(loc.dir, loc.name);
  }

  /** Inode number of a node's visible object. */
  nodeIno(node: Node): bigint {
    return this.ino(this.statNode(node), this.topLayer(node.res), () => this.origins.read(this.upperLoc(node)), node);
  }

  /** Attributes of a node's visible object as the kernel will see them. */
  attr(
    node: Node, st: Stat, layer: Layer = this.topLayer(node.res),
    readOrigin: () => Buffer | null = () => this.origins.read(this.upperLoc(node)),
  ): Attr {
    let nlink = st.nlink;
    if (this.isMerged(node.res) && !node.orphan) {
      if (node.listing === null || node.listing.stamp !== this.stamp) {
        node.listing = { stamp: this.stamp, dirs: countSubdirs(this, node) };
      }
      nlink = 2 + node.listing.dirs;
    }
    return {
      ino: this.ino(st, layer, readOrigin, node),
      size: st.size,
      blocks: st.blocks,
      atime: st.atime,
      mtime: st.mtime,
      ctime: st.ctime,
      mode: st.mode,
      nlink,
      uid: st.uid,
      gid: st.gid,
      rdevMajor: st.rdevMajor,
      rdevMinor: st.rdevMinor,
      blksize: st.blksize,
    };
  }

  /** Attributes of a node the kernel still holds after its name went away: from an open fd. */
  orphanAttr(node: Node): Attr {
    for (const fh of node.handles) {
      const h = this.handles.file(fh);
      const st = fstat(h.fd);
      const layer = h.upper ? this.layers.upper! : this.topLayer(node.res);
      const a = this.attr(node, st, layer, () => fgetxattr(h.fd, this.origins.originName));
      if (!h.upper) a.nlink = Math.max(0, a.nlink - 1);
      return a;
    }
    throw new FsError(E.ENOENT);
  }

  /** Resources held for one request may go (see dirfds.ts). */
  settle(): void {
    this.dirs.settle();
  }

  /** Releases every fd the union opened (open files, directory fds); the layer roots are the caller's. */
  close(): void {
    this.handles.closeAll();
    this.dirs.close();
  }

  /** A directory appeared or disappeared somewhere. */
  dirsChanged(): void {
    this.stamp++;
  }
}
