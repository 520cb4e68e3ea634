// Helpers shared by the handler groups: cache lifetimes and entry replies.
import type { Stat } from '../sys/stat.ts';
import { type Attr, attrOut, entryOut, type Validity } from '../fuse/protocol.ts';
import type { Request } from '../fuse/request.ts';
import type { Caller } from '../union/create.ts';
import type { Node, Resolution } from '../union/nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';

/** Seconds the kernel may cache a name and its attributes. */
export const ENTRY_TTL = 1;
export const ATTR_TTL = 1;

/**
 * Names of a multiply-linked file are separate kernel inodes here (nodes are
 * per path), so their attributes are never cached: a write through one name
 * must show in the others at once.
 */
export function validityFor(a: Attr): Validity {
  const linked = (a.mode & S_IFMT) !== S_IFDIR && a.nlink > 1;
  return { entrySec: ENTRY_TTL, attrSec: linked ? 0 : ATTR_TTL };
}

/** Binds parent/name to a node, counts the lookup and builds fuse_entry_out. */
export function replyEntry(u: Union, parent: Node, name: string, res: Resolution, st?: Stat): Buffer {
  const node = u.nodes.bind(parent, name, res);
  const a = u.attr(node, st ?? u.statNode(node));
  node.nlookup++;
  return entryOut(node.id, 0, a, validityFor(a));
}

export function replyAttr(a: Attr): Buffer {
  return attrOut(a, validityFor(a).attrSec);
}

export function callerOf(req: Request): Caller {
  return { uid: req.uid, gid: req.gid };
}

export function newUpperRes(type: number): Resolution {
  return { type: type & S_IFMT, upper: true, lowers: [] };
}

