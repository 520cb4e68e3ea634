// OPEN, CREATE, READ, WRITE, FLUSH, RELEASE, FSYNC, FALLOCATE.
// Opening for writing (O_WRONLY, O_RDWR, O_APPEND, O_TRUNC) copies up
// first (O_TRUNC copies no data); a read-only open never does, and opens
// the lower file with O_NOATIME so reading does not change the lower layer.
// The handle keeps its real fd: after another name copies the file up, an
// fd opened on the lower file still reads the lower data. Lower handles are
// FOPEN_DIRECT_IO so the kernel page cache (shared by all fds of the name)
// cannot serve them upper data.
import * as fs from 'node:fs';
import { E, FsError, errnoOf } from '../sys/errno.ts';
import { fallocate } from '../sys/libc.ts';
import { EMPTY, FOPEN_DIRECT_IO, FUSE_FSYNC_FDATASYNC, Op, openOut, OUT_HEADER_SIZE, u32Out } from '../fuse/protocol.ts';
import type { Session } from '../fuse/session.ts';
import { copyUp } from '../union/copyup.ts';
import { createEntry } from '../union/create.ts';
import type { Node } from '../union/nodes.ts';
import { S_IFMT, S_IFREG, type Union } from '../union/union.ts';
import { callerOf, newUpperRes, replyEntry } from './common.ts';

const C = fs.constants;
const O_ACCMODE = 3;
const O_NOATIME = C.O_NOATIME ?? 0o1000000;
/** Flags carried to the real open; the rest (O_DIRECT, O_NOFOLLOW, O_CLOEXEC, ...) is the kernel's business. */
const PASS_FLAGS = C.O_APPEND | C.O_SYNC | C.O_DSYNC | C.O_TRUNC;

export function wantsWrite(flags: number): boolean {
  return (flags & O_ACCMODE) !== C.O_RDONLY || (flags & (C.O_TRUNC | C.O_APPEND)) !== 0;
}

export function registerFileOps(s: Session, u: Union): void {
  s.on(Op.OPEN, (req) => {
    const node = u.nodes.get(req.nodeid);
    const flags = req.u32(0);
    if ((node.res.type & S_IFMT) !== S_IFREG) throw new FsError(E.EINVAL);
    if (node.orphan) throw new FsError(E.ENOENT);
    if (wantsWrite(flags)) {
      u.requireWritable();
      copyUp(u, node, (flags & C.O_TRUNC) !== 0 ? { dataLimit: 0 } : {});
    }
    return openNode(u, node, flags);
  });

  s.on(Op.CREATE, (req) => {
    const parent = u.nodes.get(req.nodeid);
    const flags = req.u32(0);
    const mode = req.u32(4);
    const [name] = req.str(16);
    let fd = -1;
    const made = createEntry(u, parent, name, callerOf(req), {
      type: S_IFREG,
      perm: mode & 0o7777,
      build: (path) => {
        fd = fs.openSync(path, C.O_CREAT | C.O_EXCL | C.O_RDWR | (flags & (C.O_APPEND | C.O_SYNC | C.O_DSYNC)), mode & 0o7777);
      },
    });
    const entry = replyEntry(u, parent, name, newUpperRes(S_IFREG), made.st);
    const node = u.nodes.child(parent, name)!;
    const fh = u.handles.add({ kind: 'file', fd, node, upper: true });
    node.handles.add(fh);
    return Buffer.concat([entry, openOut(fh, 0)]);
  });

  s.on(Op.READ, (req) => {
    const h = u.handles.file(req.num64(0));
    const size = Math.min(req.u32(16), s.out.length - OUT_HEADER_SIZE);
    return fs.readSync(h.fd, s.out, OUT_HEADER_SIZE, size, req.num64(8));
  });

  s.on(Op.WRITE, (req) => {
    const h = u.handles.file(req.num64(0));
    const size = req.u32(16);
    const data = req.bytes(40, size);
    const n = fs.writeSync(h.fd, data, 0, size, req.num64(8));
    return u32Out(n);
  });

  s.on(Op.FLUSH, () => EMPTY);

  s.on(Op.RELEASE, (req) => {
    const fh = req.num64(0);
    const h = u.handles.remove(fh);
    if (h !== undefined) {
      h.node.handles.delete(fh);
      u.nodes.released(h.node);
    }
    return EMPTY;
  });

  s.on(Op.FSYNC, (req) => {
    const h = u.handles.file(req.num64(0));
    if ((req.u32(8) & FUSE_FSYNC_FDATASYNC) !== 0) fs.fdatasyncSync(h.fd);
    else fs.fsyncSync(h.fd);
    return EMPTY;
  });

  s.on(Op.FALLOCATE, (req) => {
    const h = u.handles.file(req.num64(0));
    if (!h.upper) throw new FsError(E.EBADF);
    fallocate(h.fd, req.u32(24), req.num64(8), req.num64(16));
    return EMPTY;
  });
}

function openNode(u: Union, node: Node, flags: number): Buffer {
  const path = u.topPath(node);
  const upper = node.res.upper;
  let fd: number;
  if (upper) {
    fd = fs.openSync(path, (flags & O_ACCMODE) | (flags & PASS_FLAGS));
  } else {
    try {
      fd = fs.openSync(path, C.O_RDONLY | O_NOATIME);
    } catch (err) {
      if (errnoOf(err) !== E.EPERM) throw err;
      fd = fs.openSync(path, C.O_RDONLY);
    }
  }
  const fh = u.handles.add({ kind: 'file', fd, node, upper });
  node.handles.add(fh);
  return openOut(fh, !upper && u.directIoLower ? FOPEN_DIRECT_IO : 0);
}
