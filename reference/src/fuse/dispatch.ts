// Request decoding and reply encoding: each opcode's body (linux/fuse.h
// layouts) becomes one typed Filesystem call, and its answer the reply
// body. The only place that knows the offsets inside a request.
import type { Ctx, Entry, FileData, Filesystem, Opened } from './filesystem.ts';
import {
  attrOut, decodeDev, EMPTY, entryOut, FATTR_ATIME, FATTR_ATIME_NOW, FATTR_FH, FATTR_GID, FATTR_MODE, FATTR_MTIME,
  FATTR_MTIME_NOW, FATTR_SIZE, FATTR_UID, FOPEN_CACHE_DIR, FOPEN_DIRECT_IO, FOPEN_KEEP_CACHE, FOPEN_NOFLUSH, FOPEN_PASSTHROUGH, FUSE_FSYNC_FDATASYNC, FUSE_GETATTR_FH, Op, openOut,
  OUT_HEADER_SIZE, statfsOut, u32Out, writeDirent,
} from './protocol.ts';
import type { Request } from './request.ts';
import { NOW, type TimeSpec } from '../sys/libc.ts';

/**
 * A reply body (Buffer), the length of a body already written into out at
 * OUT_HEADER_SIZE (number), a file's data for the session to send (FileData),
 * or undefined for requests without a reply.
 */
export type Handler = (req: Request) => Buffer | number | FileData | undefined;

/** What the handlers need from the session besides the filesystem. */
export interface Replier {
  /** The output buffer; READ and READDIR write their bodies into it. */
  readonly out: Buffer;
  /** The kernel must refetch this node's attributes: told before the reply goes out. */
  invalidateAttrs(nodeid: number): void;
}

/** A request carries uid, gid and pid itself. */
const ctxOf = (req: Request): Ctx => req;

const entryBody = (e: Entry): Buffer => entryOut(e.nodeid, 0, e.attr, e.entryTtl, e.attrTtl);
function openBody(o: Opened): Buffer {
  const noFlush = o.noFlush === true ? FOPEN_NOFLUSH : 0;
  if (o.backingId !== undefined) return openOut(o.fh, FOPEN_PASSTHROUGH | noFlush, o.backingId);
  if (o.cacheDir === true) return openOut(o.fh, FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE);
  return openOut(o.fh, (o.directIo ? FOPEN_DIRECT_IO : 0) | noFlush);
}
const sizeOrBody = (r: Buffer | number): Buffer => (typeof r === 'number' ? u32Out(r) : r);

function timeIn(req: Request, valid: number, setBit: number, nowBit: number, secOff: number, nsecOff: number): TimeSpec | undefined {
  if ((valid & nowBit) !== 0) return NOW;
  if ((valid & setBit) !== 0) return { sec: Number(BigInt.asIntN(64, req.u64(secOff))), nsec: req.u32(nsecOff) };
  return undefined;
}

/** The handler of every opcode the filesystem implements, by opcode. */
export function handlers(fs: Partial<Filesystem>, r: Replier): (Handler | undefined)[] {
  const h: (Handler | undefined)[] = [];
  // fs is partial (a test filesystem implements a few calls); an opcode
  // whose method is missing gets no handler, and the session answers ENOSYS.
  const full = fs as Filesystem;
  const on = (op: number, method: keyof Filesystem, fn: (f: Filesystem, req: Request) => ReturnType<Handler>): void => {
    if (fs[method] !== undefined) h[op] = (req) => fn(full, req);
  };

  on(Op.LOOKUP, 'lookup', (f, req) => entryBody(f.lookup(ctxOf(req), req.nodeid, req.str(0)[0])));
  on(Op.FORGET, 'forget', (f, req) => {
    f.forget(req.nodeid, req.num64(0));
    return undefined;
  });
  on(Op.BATCH_FORGET, 'forget', (f, req) => {
    const count = req.u32(0);
    for (let i = 0; i < count; i++) f.forget(req.num64(8 + i * 16), req.num64(16 + i * 16));
    return undefined;
  });
  on(Op.GETATTR, 'getattr', (f, req) => {
    const a = f.getattr(req.nodeid, (req.u32(0) & FUSE_GETATTR_FH) !== 0 ? req.num64(8) : undefined);
    return attrOut(a.attr, a.ttl);
  });
  on(Op.SETATTR, 'setattr', (f, req) => {
    const valid = req.u32(0);
    const has = (bit: number): boolean => (valid & bit) !== 0;
    const a = f.setattr(ctxOf(req), req.nodeid, {
      fh: has(FATTR_FH) ? req.num64(8) : undefined,
      size: has(FATTR_SIZE) ? req.offset64(16) : undefined,
      mode: has(FATTR_MODE) ? req.u32(68) : undefined,
      uid: has(FATTR_UID) ? req.u32(76) : undefined,
      gid: has(FATTR_GID) ? req.u32(80) : undefined,
      atime: timeIn(req, valid, FATTR_ATIME, FATTR_ATIME_NOW, 32, 56),
      mtime: timeIn(req, valid, FATTR_MTIME, FATTR_MTIME_NOW, 40, 60),
    });
    return attrOut(a.attr, a.ttl);
  });
  on(Op.READLINK, 'readlink', (f, req) => f.readlink(req.nodeid));
  on(Op.MKNOD, 'mknod', (f, req) => entryBody(f.mknod(ctxOf(req), req.nodeid, req.str(16)[0], req.u32(0), decodeDev(req.u32(4)))));
  on(Op.MKDIR, 'mkdir', (f, req) => entryBody(f.mkdir(ctxOf(req), req.nodeid, req.str(8)[0], req.u32(0))));
  on(Op.SYMLINK, 'symlink', (f, req) => {
    const [name, next] = req.str(0);
    return entryBody(f.symlink(ctxOf(req), req.nodeid, name, req.cbytes(next)[0]));
  });
  on(Op.LINK, 'link', (f, req) => {
    const src = req.num64(0);
    const e = f.link(ctxOf(req), src, req.nodeid, req.str(8)[0]);
    r.invalidateAttrs(src); // its link count changed; the new name may be another kernel inode
    return entryBody(e);
  });
  on(Op.UNLINK, 'unlink', (f, req) => {
    f.unlink(ctxOf(req), req.nodeid, req.str(0)[0]);
    return EMPTY;
  });
  on(Op.RMDIR, 'rmdir', (f, req) => {
    f.rmdir(ctxOf(req), req.nodeid, req.str(0)[0]);
    return EMPTY;
  });
  on(Op.RENAME, 'rename', (f, req) => {
    const [oldName, next] = req.str(8);
    f.rename(ctxOf(req), req.nodeid, oldName, req.num64(0), req.str(next)[0], 0);
    return EMPTY;
  });
  on(Op.RENAME2, 'rename', (f, req) => {
    const [oldName, next] = req.str(16);
    f.rename(ctxOf(req), req.nodeid, oldName, req.num64(0), req.str(next)[0], req.u32(8));
    return EMPTY;
  });
  on(Op.OPEN, 'open', (f, req) => openBody(f.open(ctxOf(req), req.nodeid, req.u32(0))));
  on(Op.CREATE, 'create', (f, req) => {
    const c = f.create(ctxOf(req), req.nodeid, req.str(16)[0], req.u32(0), req.u32(4));
    return Buffer.concat([entryBody(c.entry), openBody(c.opened)]);
  });
  on(Op.TMPFILE, 'tmpfile', (f, req) => {
    const c = f.tmpfile(ctxOf(req), req.nodeid, req.u32(0), req.u32(4));
    return Buffer.concat([entryBody(c.entry), openBody(c.opened)]);
  });
  on(Op.READ, 'read', (f, req) => {
    const [fh, offset, size] = [req.num64(0), req.offset64(8), Math.min(req.u32(16), r.out.length - OUT_HEADER_SIZE)];
    return f.readFrom?.(fh, offset, size) ?? f.read(fh, offset, size, r.out, OUT_HEADER_SIZE);
  });
  on(Op.WRITE, 'write', (f, req) => u32Out(f.write(req.num64(0), req.offset64(8), req.bytes(40, req.u32(16)))));
  on(Op.FLUSH, 'flush', (f, req) => {
    f.flush(req.num64(0));
    return EMPTY;
  });
  on(Op.RELEASE, 'release', (f, req) => {
    f.release(req.num64(0));
    return EMPTY;
  });
  on(Op.FSYNC, 'fsync', (f, req) => {
    f.fsync(req.num64(0), (req.u32(8) & FUSE_FSYNC_FDATASYNC) !== 0);
    return EMPTY;
  });
  on(Op.FALLOCATE, 'fallocate', (f, req) => {
    f.fallocate(req.num64(0), req.u32(24), req.offset64(8), req.offset64(16));
    return EMPTY;
  });
  on(Op.OPENDIR, 'opendir', (f, req) => openBody(f.opendir(ctxOf(req), req.nodeid)));
  on(Op.READDIR, 'readdir', (f, req) => {
    const limit = OUT_HEADER_SIZE + Math.min(req.u32(16), r.out.length - OUT_HEADER_SIZE);
    let pos = OUT_HEADER_SIZE;
    f.readdir(req.num64(0), req.num64(8), (ino, type, name, nextOffset) => {
      const used = writeDirent(r.out, pos, limit, ino, nextOffset, type, name);
      pos += used;
      return used > 0;
    });
    return pos - OUT_HEADER_SIZE;
  });
  on(Op.RELEASEDIR, 'releasedir', (f, req) => {
    f.releasedir(req.num64(0));
    return EMPTY;
  });
  on(Op.FSYNCDIR, 'fsyncdir', (f, req) => {
    f.fsyncdir(req.num64(0), (req.u32(8) & FUSE_FSYNC_FDATASYNC) !== 0);
    return EMPTY;
  });
  on(Op.STATFS, 'statfs', (f, req) => statfsOut(f.statfs(req.nodeid)));
  on(Op.SETXATTR, 'setxattr', (f, req) => {
    const [name, next] = req.str(8);
    f.setxattr(ctxOf(req), req.nodeid, name, Buffer.from(req.bytes(next, req.u32(0))), req.u32(4));
    return EMPTY;
  });
  on(Op.GETXATTR, 'getxattr', (f, req) => sizeOrBody(f.getxattr(req.nodeid, req.str(8)[0], req.u32(0))));
  on(Op.LISTXATTR, 'listxattr', (f, req) => sizeOrBody(f.listxattr(ctxOf(req), req.nodeid, req.u32(0))));
  on(Op.REMOVEXATTR, 'removexattr', (f, req) => {
    f.removexattr(ctxOf(req), req.nodeid, req.str(0)[0]);
    return EMPTY;
  });
  return h;
}
