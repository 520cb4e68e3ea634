// Helpers shared by the operations: cache lifetimes and entry replies.
import { E, FsError } from '../sys/errno.ts';
import type { Stat } from '../sys/stat.ts';
import type { Attr } from '../fuse/protocol.ts';
import type { AttrReply, Entry } from '../fuse/filesystem.ts';
import type { Node, Resolution } from '../union/nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';

/**
 * Seconds the kernel may cache a name and its attributes: a day, as libfuse's
 * passthrough_hp. While mounted the server is the only writer of the upper
 * layer (the lower layers do not change), and it tells the kernel of every
 * change made behind its back (Union.invalidate), so nothing goes stale; the
 * bound only limits what an offline change of the layers could leave.
 */
export const ENTRY_TTL = 86400;
export const ATTR_TTL = 86400;

/**
 * Names of a multiply-linked file are separate kernel inodes here (nodes are
 * per path), so their attributes are never cached: a write through one name
 * must show in the others at once.
 */
function attrTtl(a: Attr): number {
  const linked = (a.mode & S_IFMT) !== S_IFDIR && a.nlink > 1;
  return linked ? 0 : ATTR_TTL;
}

/** Binds parent/name to a node, counts the lookup and describes the entry. */
export function entryOf(u: Union, parent: Node, name: string, res: Resolution, st?: Stat): Entry {
  const node = u.nodes.bind(parent, name, res);
  const attr = u.attr(node, st ?? u.statNode(node));
  node.nlookup++;
  return { nodeid: node.id, attr, entryTtl: ENTRY_TTL, attrTtl: attrTtl(attr) };
}

export function attrReply(attr: Attr): AttrReply {
  return { attr, ttl: attrTtl(attr) };
}

/**
 * An upper fd open on a node whose name is gone (the handle fh first, if it
 * is one): changes to the file go through it. ENOENT when only lower fds
 * (or none) are open: there is no upper file to change.
 */
export function orphanFd(u: Union, node: Node, fh?: number): number {
  const ids = fh === undefined ? [...node.handles] : [fh, ...node.handles];
  for (const id of ids) {
    const h = u.handles.file(id);
    if (h.upper) return h.fd;
  }
  throw new FsError(E.ENOENT);
}

export function newUpperRes(type: number): Resolution {
  return { type: type & S_IFMT, upper: true, lowers: [] };
}
