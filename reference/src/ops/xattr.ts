// SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR. setxattr and removexattr copy
// up first (removexattr of an attribute the lower object lacks fails with
// ENODATA without copying). Names under the format's prefix
// (trusted.overlay. or user.overlay.) are hidden from listxattr and refused
// with EOPNOTSUPP, as overlayfs did before it learned to escape them (6.7).
import { E, FsError } from '../sys/errno.ts';
import { lgetxattr, lgetxattrRaw, llistxattr, lremovexattr, lsetxattr } from '../sys/libc.ts';
import { EMPTY, Op, u32Out } from '../fuse/protocol.ts';
import type { Session } from '../fuse/session.ts';
import { copyUp } from '../union/copyup.ts';
import type { Union } from '../union/union.ts';

export function registerXattrOps(s: Session, u: Union): void {
  const refuseReserved = (name: string): void => {
    if (u.format.isReserved(name)) throw new FsError(E.EOPNOTSUPP);
  };

  s.on(Op.SETXATTR, (req) => {
    const node = u.nodes.get(req.nodeid);
    const size = req.u32(0);
    const flags = req.u32(4);
    const [name, next] = req.str(8);
    refuseReserved(name);
    u.requireWritable();
    copyUp(u, node);
    lsetxattr(u.upperPath(node), name, Buffer.from(req.bytes(next, size)), flags);
    return EMPTY;
  });

  s.on(Op.GETXATTR, (req) => {
    const node = u.nodes.get(req.nodeid);
    const size = req.u32(0);
    const [name] = req.str(8);
    refuseReserved(name);
    const r = lgetxattrRaw(u.topPath(node), name, size);
    return typeof r === 'number' ? u32Out(r) : r;
  });

  s.on(Op.LISTXATTR, (req) => {
    const node = u.nodes.get(req.nodeid);
    const size = req.u32(0);
    const names = llistxattr(u.topPath(node)).filter((n) => !u.format.isReserved(n));
    const list = Buffer.from(names.map((n) => `${n}\0`).join(''));
    if (size === 0) return u32Out(list.length);
    if (list.length > size) throw new FsError(E.ERANGE);
    return list;
  });

  s.on(Op.REMOVEXATTR, (req) => {
    const node = u.nodes.get(req.nodeid);
    const [name] = req.str(0);
    refuseReserved(name);
    u.requireWritable();
    if (!node.res.upper && lgetxattr(u.topPath(node), name) === null) throw new FsError(E.ENODATA);
    copyUp(u, node);
    lremovexattr(u.upperPath(node), name);
    return EMPTY;
  });
}
