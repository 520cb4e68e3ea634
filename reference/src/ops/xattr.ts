// SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR. setxattr and removexattr copy
// up first (removexattr of an attribute the lower object lacks fails with
// ENODATA without copying). Names under the format's prefix
// (trusted.overlay. or user.overlay.) are hidden from listxattr and refused
// with EOPNOTSUPP, as overlayfs did before it learned to escape them (6.7);
// trusted.* names are listed only to a caller with CAP_SYS_ADMIN, as overlayfs does.
// A file whose name is gone changes through its open upper fd, as fsetxattr
// on the unlinked file does in overlayfs.
import { E, FsError } from '../sys/errno.ts';
import { getxattrAt, getxattrRawAt, listxattrAt, removexattrAt, setxattrAt } from '../sys/at.ts';
import { fgetxattrRaw, fremovexattr, fsetxattr } from '../sys/libc.ts';
import { copyUp } from '../union/copyup.ts';
import type { Node } from '../union/nodes.ts';
import type { Union } from '../union/union.ts';
import { orphanFd } from './common.ts';
import { nameBytes } from '../sys/names.ts';

const refuseReserved = (u: Union, name: string): void => {
  if (u.format.isReserved(name)) throw new FsError(E.EOPNOTSUPP);
};

export function setxattr(u: Union, node: Node, name: string, value: Buffer, flags: number): void {
  refuseReserved(u, name);
  u.requireWritable();
  if (node.orphan) return fsetxattr(orphanFd(u, node), name, value, flags);
  copyUp(u, node);
  setxattrAt(u.upperLoc(node), name, value, flags);
}

/**
 * Through an fd open on the node's upper file where there is one (the kernel
 * asks for security.capability at a file's first write): no path to resolve.
 */
export function getxattr(u: Union, node: Node, name: string, size: number): Buffer | number {
  refuseReserved(u, name);
  const fd = node.res.upper && !node.orphan ? openUpperFd(u, node) : undefined;
  return fd === undefined ? getxattrRawAt(u.topLoc(node), name, size) : fgetxattrRaw(fd, name, size);
}

function openUpperFd(u: Union, node: Node): number | undefined {
  for (const fh of node.handles) {
    const h = u.handles.file(fh);
    if (h.upper) return h.fd;
  }
  return undefined;
}

/** `trusted`: whether the caller may see trusted.* names (CAP_SYS_ADMIN), which overlayfs hides from others. */
export function listxattr(u: Union, node: Node, size: number, trusted: boolean): Buffer | number {
  const names = listxattrAt(u.topLoc(node)).filter((n) => !u.format.isReserved(n) && (trusted || !n.startsWith('trusted.')));
  const list = nameBytes(names.map((n) => `${n}\0`).join(''));
  if (size === 0) return list.length;
  if (list.length > size) throw new FsError(E.ERANGE);
  return list;
}

export function removexattr(u: Union, node: Node, name: string): void {
  refuseReserved(u, name);
  u.requireWritable();
  if (node.orphan) return fremovexattr(orphanFd(u, node), name);
  if (!node.res.upper && getxattrAt(u.topLoc(node), name) === null) throw new FsError(E.ENODATA);
  copyUp(u, node);
  removexattrAt(u.upperLoc(node), name);
}
