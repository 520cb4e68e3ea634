// LOOKUP, GETATTR, SETATTR, READLINK, STATFS.
// SETATTR is chmod/chown/utimes/truncate: every one copies the object up
// first (the spec's triggers), then applies the change to the upper copy.
import * as fs from 'node:fs';
import type { Stat } from '../sys/stat.ts';
import { E, FsError } from '../sys/errno.ts';
import { ftruncate, futimens, OMIT } from '../sys/libc.ts';
import { chmodAt, chownAt, readlinkAt, truncateAt, utimensAt } from '../sys/at.ts';
import type { AttrReply, Entry, SetattrIn } from '../fuse/filesystem.ts';
import type { StatfsInfo } from '../fuse/protocol.ts';
import { copyUp } from '../union/copyup.ts';
import type { Node } from '../union/nodes.ts';
import { NAME_MAX, S_IFLNK, S_IFMT, S_IFREG, type Union } from '../union/union.ts';
import { attrReply, entryOf, orphanFd } from './common.ts';

export function lookup(u: Union, parent: Node, name: string): Entry {
  if (parent.orphan) throw new FsError(E.ENOENT);
  const found: { st?: Stat } = {};
  const res = u.resolveChild(parent, name, found);
  if (res === null) throw new FsError(E.ENOENT);
  return entryOf(u, parent, name, res, found.st);
}

export function getattr(u: Union, node: Node): AttrReply {
  if (node.orphan) return attrReply(u.orphanAttr(node));
  return attrReply(u.attr(node, u.statNode(node)));
}

export function readlink(u: Union, node: Node): Buffer {
  if ((node.res.type & S_IFMT) !== S_IFLNK) throw new FsError(E.EINVAL);
  return readlinkAt(u.topLoc(node));
}

export function statfs(u: Union): StatfsInfo {
  const root = (u.layers.upper ?? u.layers.lowers[0]!).fd;
  const st = fs.statfsSync(`/proc/self/fd/${root}`, { bigint: true });
  return {
    blocks: st.blocks, bfree: st.bfree, bavail: st.bavail, files: st.files, ffree: st.ffree,
    bsize: Number(st.bsize), namelen: NAME_MAX, frsize: Number(st.bsize),
  };
}

export function setattr(u: Union, node: Node, set: SetattrIn): AttrReply {
  u.requireWritable();
  if (node.orphan) return setattrOrphan(u, node, set);
  if (set.size !== undefined && (node.res.type & S_IFMT) !== S_IFREG) {
    throw new FsError((node.res.type & S_IFMT) === fs.constants.S_IFDIR ? E.EISDIR : E.EINVAL);
  }
  // One byte past the new size: the truncate below then changes the size
  // exactly when truncating the whole copy would, so the upper filesystem
  // sets the times as it does under overlayfs (which copies all the data).
  copyUp(u, node, typeof set.size === 'number' ? { dataLimit: set.size + 1 } : {}); // a bigint size is past the end of any copy
  const p = u.upperLoc(node);
  if (set.size !== undefined) {
    const h = set.fh !== undefined ? u.handles.file(set.fh) : null;
    if (h !== null && h.upper) ftruncate(h.fd, set.size);
    else truncateAt(p, set.size);
  }
  if (set.uid !== undefined || set.gid !== undefined) chownAt(p, set.uid ?? -1, set.gid ?? -1);
  if (set.mode !== undefined) {
    if ((node.res.type & S_IFMT) === S_IFLNK) throw new FsError(E.EOPNOTSUPP);
    chmodAt(p, set.mode & 0o7777);
  }
  if (set.atime !== undefined || set.mtime !== undefined) utimensAt(p, set.atime ?? OMIT, set.mtime ?? OMIT);
  return attrReply(u.attr(node, u.statNode(node)));
}

/** fchmod/fchown/futimens/ftruncate on a file whose name is gone: through an open upper fd. */
function setattrOrphan(u: Union, node: Node, set: SetattrIn): AttrReply {
  const fd = orphanFd(u, node, set.fh);
  if (set.size !== undefined) ftruncate(fd, set.size);
  if (set.uid !== undefined || set.gid !== undefined) fs.fchownSync(fd, set.uid ?? -1, set.gid ?? -1);
  if (set.mode !== undefined) fs.fchmodSync(fd, set.mode & 0o7777);
  if (set.atime !== undefined || set.mtime !== undefined) futimens(fd, set.atime ?? OMIT, set.mtime ?? OMIT);
  return attrReply(u.orphanAttr(node));
}
