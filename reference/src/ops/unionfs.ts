// The union as a FUSE filesystem: node ids become nodes, and each call goes
// to its operation in ops/*. The FUSE layer (fuse/dispatch.ts) calls this;
// tests call it directly on temporary directories.
import type {
  AttrReply, Ctx, DirentSink, Entry, FileData, FileOffset, Filesystem, InitInfo, Opened, SetattrIn,
} from '../fuse/filesystem.ts';
import type { StatfsInfo } from '../fuse/protocol.ts';
import type { Node } from '../union/nodes.ts';
import { Union, type UnionOptions } from '../union/union.ts';
import { Backings } from '../union/backing.ts';
import { getattr, lookup, readlink, setattr, statfs } from './entry.ts';
import { link, mkdir, mknod, symlink } from './names.ts';
import { rmdir, unlink } from './remove.ts';
import { rename } from './rename.ts';
import { create, fallocate, flush, fsync, open, read, readFrom, release, tmpfile, write } from './file.ts';
import { fsyncdir, opendir, readdir, releasedir } from './dir.ts';
import { getxattr, listxattr, removexattr, setxattr } from './xattr.ts';
import { hasSysAdmin } from '../sys/caps.ts';

export class UnionFs implements Filesystem {
  readonly u: Union;

  constructor(opts: UnionOptions) {
    this.u = new Union(opts);
  }

  private node(id: number): Node {
    return this.u.nodes.get(id);
  }

  init(info: InitInfo): void {
    this.u.directIoLower = info.directIoAllowMmap;
    this.u.invalidate = { attrs: (n) => info.invalidateAttrs(n.id), listing: (n) => info.invalidateListing(n.id) };
    if (info.passthrough !== null) this.u.backings = new Backings(info.passthrough, (n) => info.invalidateAttrs(n.id));
  }
  settle(): void { this.u.settle(); }
  /** Releases every fd the union holds (the layer roots belong to the caller). */
  close(): void { this.u.close(); }

  lookup(_ctx: Ctx, parent: number, name: string): Entry { return lookup(this.u, this.node(parent), name); }
  forget(node: number, nlookup: number): void { this.u.nodes.forget(node, nlookup); }
  getattr(node: number): AttrReply { return getattr(this.u, this.node(node)); }
  setattr(_ctx: Ctx, node: number, set: SetattrIn): AttrReply { return setattr(this.u, this.node(node), set); }
  readlink(node: number): Buffer { return readlink(this.u, this.node(node)); }
  mknod(ctx: Ctx, parent: number, name: string, mode: number, rdev: bigint): Entry {
    return mknod(this.u, ctx, this.node(parent), name, mode, rdev);
  }
  mkdir(ctx: Ctx, parent: number, name: string, mode: number): Entry { return mkdir(this.u, ctx, this.node(parent), name, mode); }
  symlink(ctx: Ctx, parent: number, name: string, target: Buffer): Entry {
    return symlink(this.u, ctx, this.node(parent), name, target);
  }
  link(ctx: Ctx, node: number, newParent: number, newName: string): Entry {
    return link(this.u, ctx, this.node(node), this.node(newParent), newName);
  }
  unlink(_ctx: Ctx, parent: number, name: string): void { unlink(this.u, this.node(parent), name); }
  rmdir(_ctx: Ctx, parent: number, name: string): void { rmdir(this.u, this.node(parent), name); }
  rename(_ctx: Ctx, parent: number, name: string, newParent: number, newName: string, flags: number): void {
    rename(this.u, this.node(parent), name, this.node(newParent), newName, flags);
  }
  open(_ctx: Ctx, node: number, flags: number): Opened { return open(this.u, this.node(node), flags); }
  create(ctx: Ctx, parent: number, name: string, flags: number, mode: number): { entry: Entry; opened: Opened } {
    return create(this.u, ctx, this.node(parent), name, flags, mode);
  }
  tmpfile(ctx: Ctx, parent: number, flags: number, mode: number): { entry: Entry; opened: Opened } {
    return tmpfile(this.u, ctx, this.node(parent), flags, mode);
  }
  read(fh: number, offset: FileOffset, size: number, buf: Buffer, off: number): number { return read(this.u, fh, offset, size, buf, off); }
  readFrom(fh: number, offset: FileOffset, size: number): FileData | null { return readFrom(this.u, fh, offset, size); }
  write(fh: number, offset: FileOffset, data: Buffer): number { return write(this.u, fh, offset, data); }
  flush(fh: number): void { flush(this.u, fh); }
  release(fh: number): void { release(this.u, fh); }
  fsync(fh: number, datasync: boolean): void { fsync(this.u, fh, datasync); }
  fallocate(fh: number, mode: number, offset: FileOffset, length: FileOffset): void { fallocate(this.u, fh, mode, offset, length); }
  opendir(_ctx: Ctx, node: number): Opened { return opendir(this.u, this.node(node)); }
  readdir(fh: number, offset: number, add: DirentSink): void { readdir(this.u, fh, offset, add); }
  releasedir(fh: number): void { releasedir(this.u, fh); }
  fsyncdir(fh: number): void { fsyncdir(this.u, fh); }
  statfs(): StatfsInfo { return statfs(this.u); }
  setxattr(_ctx: Ctx, node: number, name: string, value: Buffer, flags: number): void {
    setxattr(this.u, this.node(node), name, value, flags);
  }
  getxattr(node: number, name: string, size: number): Buffer | number { return getxattr(this.u, this.node(node), name, size); }
  listxattr(ctx: Ctx, node: number, size: number): Buffer | number { return listxattr(this.u, this.node(node), size, hasSysAdmin(ctx.pid, ctx.uid)); }
  removexattr(_ctx: Ctx, node: number, name: string): void { removexattr(this.u, this.node(node), name); }
}
