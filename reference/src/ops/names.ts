// MKNOD, MKDIR, SYMLINK, LINK: new names, always in upper.
// link() copies its source up first and links the upper copy; the other
// names of a multiply-linked lower file are not touched (their link count
// stays what the lower layer says, as the spec documents).
import * as fs from 'node:fs';
import { E, FsError } from '../sys/errno.ts';
import { linkAt, linkFdAt, mkdirAt, mknodAt, symlinkAt } from '../sys/at.ts';
import type { Ctx, Entry } from '../fuse/filesystem.ts';
import { copyUp } from '../union/copyup.ts';
import { createEntry } from '../union/create.ts';
import type { Node } from '../union/nodes.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, type Union } from '../union/union.ts';
import { entryOf, newUpperRes } from './common.ts';
import { keepImpure } from '../union/changes.ts';

export function mknod(u: Union, ctx: Ctx, parent: Node, name: string, mode: number, rdev: bigint): Entry {
  const type = mode & S_IFMT;
  if (type === fs.constants.S_IFCHR && rdev === 0n) throw new FsError(E.EPERM); // would read back as a whiteout
  const st = createEntry(u, parent, name, ctx, {
    type, perm: mode & 0o7777, build: (at) => mknodAt(at, mode, rdev),
  });
  return entryOf(u, parent, name, newUpperRes(type), st);
}

export function mkdir(u: Union, ctx: Ctx, parent: Node, name: string, mode: number): Entry {
  const st = createEntry(u, parent, name, ctx, {
    type: S_IFDIR, perm: mode & 0o7777, build: (at) => mkdirAt(at, mode & 0o7777),
  });
  return entryOf(u, parent, name, newUpperRes(S_IFDIR), st);
}

export function symlink(u: Union, ctx: Ctx, parent: Node, name: string, target: Buffer): Entry {
  const st = createEntry(u, parent, name, ctx, {
    type: S_IFLNK, perm: 0o777, build: (at) => symlinkAt(target, at),
  });
  return entryOf(u, parent, name, newUpperRes(S_IFLNK), st);
}

export function link(u: Union, ctx: Ctx, src: Node, parent: Node, name: string): Entry {
  if ((src.res.type & S_IFMT) === S_IFDIR) throw new FsError(E.EPERM);
  u.requireWritable();
  if (src.orphan && !src.tmpfile) throw new FsError(E.ENOENT);
  if (u.resolveChild(parent, name) !== null) throw new FsError(E.EEXIST);
  if (src.tmpfile) {
    const fh = src.handles.values().next().value;
    if (fh === undefined) throw new FsError(E.ENOENT);
    const fd = u.handles.file(fh).fd;
    const st = createEntry(u, parent, name, ctx, { type: src.res.type, perm: 0, keepOwner: true, build: (at) => linkFdAt(fd, at) });
    // Not cached: a later link from the same fd adds a name the kernel does not tie to this one.
    return { ...entryOf(u, parent, name, newUpperRes(src.res.type), st), attrTtl: 0 };
  }
  copyUp(u, src);
  const st = createEntry(u, parent, name, ctx, {
    type: src.res.type, perm: 0, keepOwner: true, build: (at) => linkAt(u.upperLoc(src), at),
  });
  keepImpure(u, u.upperLoc(src), parent);
  return entryOf(u, parent, name, newUpperRes(src.res.type), st);
}
