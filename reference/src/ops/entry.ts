// LOOKUP, FORGET, GETATTR, SETATTR, READLINK, STATFS.
// SETATTR is chmod/chown/utimes/truncate: every one copies the object up
// first (the spec's triggers), then applies the change to the upper copy.
import * as fs from 'node:fs';
import type { Stat } from '../sys/stat.ts';
import { E, FsError } from '../sys/errno.ts';
import { futimens, lutimens, NOW, OMIT, type TimeSpec } from '../sys/libc.ts';
import {
  FATTR_ATIME, FATTR_ATIME_NOW, FATTR_FH, FATTR_GID, FATTR_MODE, FATTR_MTIME, FATTR_MTIME_NOW, FATTR_SIZE,
  FATTR_UID, Op, statfsOut,
} from '../fuse/protocol.ts';
import type { Request } from '../fuse/request.ts';
import type { Session } from '../fuse/session.ts';
import { copyUp } from '../union/copyup.ts';
import type { Node } from '../union/nodes.ts';
import { NAME_MAX, S_IFLNK, S_IFMT, S_IFREG, type Union } from '../union/union.ts';
import { replyAttr, replyEntry } from './common.ts';

export function registerEntryOps(s: Session, u: Union): void {
  s.on(Op.LOOKUP, (req) => {
    const parent = u.nodes.get(req.nodeid);
    const [name] = req.str(0);
    if (parent.orphan) throw new FsError(E.ENOENT);
    const found: { st?: Stat } = {};
    const res = u.resolveChild(parent, name, found);
    if (res === null) throw new FsError(E.ENOENT);
    return replyEntry(u, parent, name, res, found.st);
  });

  s.on(Op.FORGET, (req) => {
    u.nodes.forget(req.nodeid, req.num64(0));
    return undefined;
  });

  s.on(Op.BATCH_FORGET, (req) => {
    const count = req.u32(0);
    for (let i = 0; i < count; i++) u.nodes.forget(req.num64(8 + i * 16), req.num64(16 + i * 16));
    return undefined;
  });

  s.on(Op.GETATTR, (req) => {
    const node = u.nodes.get(req.nodeid);
    if (node.orphan) return replyAttr(u.orphanAttr(node));
    return replyAttr(u.attr(node, u.statNode(node)));
  });

  s.on(Op.SETATTR, (req) => setattr(u, req));

  s.on(Op.READLINK, (req) => {
    const node = u.nodes.get(req.nodeid);
    if ((node.res.type & S_IFMT) !== S_IFLNK) throw new FsError(E.EINVAL);
    return fs.readlinkSync(u.topPath(node), { encoding: 'buffer' });
  });

  s.on(Op.STATFS, () => {
    const root = (u.layers.upper ?? u.layers.lowers[0]!).root;
    const st = fs.statfsSync(root, { bigint: true });
    return statfsOut({
      blocks: st.blocks, bfree: st.bfree, bavail: st.bavail, files: st.files, ffree: st.ffree,
      bsize: Number(st.bsize), namelen: NAME_MAX, frsize: Number(st.bsize),
    });
  });
}

function timeArg(req: Request, valid: number, setBit: number, nowBit: number, secOff: number, nsecOff: number): TimeSpec {
  if ((valid & nowBit) !== 0) return NOW;
  if ((valid & setBit) !== 0) return { sec: Number(BigInt.asIntN(64, req.u64(secOff))), nsec: req.u32(nsecOff) };
  return OMIT;
}

function setattr(u: Union, req: Request): Buffer {
  const node = u.nodes.get(req.nodeid);
  const valid = req.u32(0);
  const fh = req.num64(8);
  const size = req.num64(16);
  const mode = req.u32(68);
  const uid = req.u32(76);
  const gid = req.u32(80);
  const atime = timeArg(req, valid, FATTR_ATIME, FATTR_ATIME_NOW, 32, 56);
  const mtime = timeArg(req, valid, FATTR_MTIME, FATTR_MTIME_NOW, 40, 60);
  const setTimes = (valid & (FATTR_ATIME | FATTR_ATIME_NOW | FATTR_MTIME | FATTR_MTIME_NOW)) !== 0;
  u.requireWritable();

  if (node.orphan) return setattrOrphan(u, node, valid, fh, size, mode, uid, gid, setTimes, atime, mtime);

  if ((valid & FATTR_SIZE) !== 0 && (node.res.type & S_IFMT) !== S_IFREG) {
    throw new FsError((node.res.type & S_IFMT) === fs.constants.S_IFDIR ? E.EISDIR : E.EINVAL);
  }
  copyUp(u, node, (valid & FATTR_SIZE) !== 0 ? { dataLimit: size } : {});
  const p = u.upperPath(node);
  if ((valid & FATTR_SIZE) !== 0) {
    const h = (valid & FATTR_FH) !== 0 ? u.handles.file(fh) : null;
    if (h !== null && h.upper) fs.ftruncateSync(h.fd, size);
    else fs.truncateSync(p, size);
  }
  if ((valid & (FATTR_UID | FATTR_GID)) !== 0) {
    fs.lchownSync(p, (valid & FATTR_UID) !== 0 ? uid : -1, (valid & FATTR_GID) !== 0 ? gid : -1);
  }
  if ((valid & FATTR_MODE) !== 0) {
    if ((node.res.type & S_IFMT) === S_IFLNK) throw new FsError(E.EOPNOTSUPP);
    fs.chmodSync(p, mode & 0o7777);
  }
  if (setTimes) lutimens(p, atime, mtime);
  return replyAttr(u.attr(node, u.statNode(node)));
}

/** fchmod/fchown/futimens/ftruncate on a file whose name is gone: through an open upper fd. */
function setattrOrphan(
  u: Union, node: Node, valid: number, fh: number, size: number, mode: number, uid: number, gid: number,
  setTimes: boolean, atime: TimeSpec, mtime: TimeSpec,
): Buffer {
  let fd = -1;
  if ((valid & FATTR_FH) !== 0) {
    const h = u.handles.file(fh);
    if (h.upper) fd = h.fd;
  }
  for (const id of node.handles) {
    if (fd >= 0) break;
    const h = u.handles.file(id);
    if (h.upper) fd = h.fd;
  }
  if (fd < 0) throw new FsError(E.ENOENT);
  if ((valid & FATTR_SIZE) !== 0) fs.ftruncateSync(fd, size);
  if ((valid & (FATTR_UID | FATTR_GID)) !== 0) fs.fchownSync(fd, (valid & FATTR_UID) !== 0 ? uid : -1, (valid & FATTR_GID) !== 0 ? gid : -1);
  if ((valid & FATTR_MODE) !== 0) fs.fchmodSync(fd, mode & 0o7777);
  if (setTimes) futimens(fd, atime, mtime);
  return replyAttr(u.orphanAttr(node));
}
