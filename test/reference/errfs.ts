// A tiny read-only FUSE filesystem for tests, served with the reference's
// own FUSE session: a root directory holding "good" (4 bytes) and "bad"
// (256 KiB whose reads fail with EIO past 64 KiB). Used as a lower layer to
// make a copyup fail with EIO. usage: node --import tsx errfs.ts MOUNTPOINT
import * as fs from 'node:fs';
import { E, FsError } from '../../reference/src/sys/errno.ts';
import { mount } from '../../reference/src/sys/libc.ts';
import { type Attr, attrOut, entryOut, Op, openOut, OUT_HEADER_SIZE, writeDirent, EMPTY } from '../../reference/src/fuse/protocol.ts';
import { Session } from '../../reference/src/fuse/session.ts';

const mnt = process.argv[2]!;
const files: Record<string, { id: number; size: number }> = { good: { id: 2, size: 4 }, bad: { id: 3, size: 256 * 1024 } };
const t = { sec: 1_600_000_000, nsec: 0 };
const attr = (id: number): Attr => {
  const f = Object.values(files).find((x) => x.id === id);
  return {
    ino: BigInt(id), size: f?.size ?? 0, blocks: 0, atime: t, mtime: t, ctime: t,
    mode: f === undefined ? 0o40755 : 0o100644, nlink: f === undefined ? 2 : 1, uid: 0, gid: 0,
    rdevMajor: 0, rdevMinor: 0, blksize: 4096,
  };
};

const fd = fs.openSync('/dev/fuse', 'r+');
const s = new Session(fd, { debug: false, log: (l) => process.stderr.write(`${l}\n`), onInit: () => process.stdout.write('ready\n') });
s.on(Op.LOOKUP, (req) => {
  const f = files[req.str(0)[0]];
  if (req.nodeid !== 1 || f === undefined) throw new FsError(E.ENOENT);
  return entryOut(f.id, 0, attr(f.id), { entrySec: 60, attrSec: 60 });
});
s.on(Op.FORGET, () => undefined);
s.on(Op.BATCH_FORGET, () => undefined);
s.on(Op.GETATTR, (req) => attrOut(attr(req.nodeid), 60));
s.on(Op.OPEN, () => openOut(1, 0));
s.on(Op.READ, (req) => {
  const off = req.num64(8);
  const size = req.u32(16);
  const f = Object.values(files).find((x) => x.id === req.nodeid)!;
  if (f.id === files.bad!.id && off + size > 64 * 1024) throw new FsError(E.EIO);
  const n = Math.max(0, Math.min(size, f.size - off));
  s.out.fill(0x61, OUT_HEADER_SIZE, OUT_HEADER_SIZE + n);
  return n;
});
s.on(Op.RELEASE, () => EMPTY);
s.on(Op.FLUSH, () => EMPTY);
s.on(Op.OPENDIR, () => openOut(1, 0));
s.on(Op.READDIR, (req) => {
  let pos = OUT_HEADER_SIZE;
  const names = Object.entries(files);
  for (let i = req.num64(8); i < names.length; i++) {
    const [name, f] = names[i]!;
    const used = writeDirent(s.out, pos, OUT_HEADER_SIZE + req.u32(16), BigInt(f.id), i + 1, 8, Buffer.from(name));
    if (used === 0) break;
    pos += used;
  }
  return pos - OUT_HEADER_SIZE;
});
s.on(Op.RELEASEDIR, () => EMPTY);
mount('errfs', mnt, 'fuse.errfs', 0, `fd=${fd},rootmode=40000,user_id=0,group_id=0,allow_other`);
s.run();
