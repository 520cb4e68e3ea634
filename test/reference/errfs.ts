// A tiny read-only FUSE filesystem for tests, served with the reference's
// own FUSE session: a root directory holding "good" (4 bytes) and "bad"
// (256 KiB whose reads fail with EIO past 64 KiB). Used as a lower layer to
// make a copyup fail with EIO. usage: node --import tsx errfs.ts MOUNTPOINT
import * as fs from 'node:fs';
import { E, FsError } from '../../reference/src/sys/errno.ts';
import { mount } from '../../reference/src/sys/libc.ts';
import type { Filesystem } from '../../reference/src/fuse/filesystem.ts';
import type { Attr } from '../../reference/src/fuse/protocol.ts';
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

// File handles are the node ids.
const errfs: Partial<Filesystem> = {
  lookup: (_ctx, parent, name) => {
    const f = files[name];
    if (parent !== 1 || f === undefined) throw new FsError(E.ENOENT);
    return { nodeid: f.id, attr: attr(f.id), entryTtl: 60, attrTtl: 60 };
  },
  forget: () => {},
  getattr: (node) => ({ attr: attr(node), ttl: 60 }),
  open: (_ctx, node) => ({ fh: node, directIo: false }),
  read: (fh, at, size, buf, off) => {
    const f = Object.values(files).find((x) => x.id === fh)!;
    const offset = Number(at); // its files are small
    if (f.id === files.bad!.id && offset + size > 64 * 1024) throw new FsError(E.EIO);
    const n = Math.max(0, Math.min(size, f.size - offset));
    buf.fill(0x61, off, off + n);
    return n;
  },
  release: () => {},
  flush: () => {},
  opendir: () => ({ fh: 1, directIo: false }),
  readdir: (_fh, offset, add) => {
    const names = Object.entries(files);
    for (let i = offset; i < names.length; i++) {
      const [name, f] = names[i]!;
      if (!add(BigInt(f.id), 8, Buffer.from(name), i + 1)) break;
    }
  },
  releasedir: () => {},
};

const fd = fs.openSync('/dev/fuse', 'r+');
const s = new Session(fd, errfs, { debug: false, log: (l) => process.stderr.write(`${l}\n`), onInit: () => process.stdout.write('ready\n') });
mount('errfs', mnt, 'fuse.errfs', 0, `fd=${fd},rootmode=40000,user_id=0,group_id=0,allow_other`);
s.run();
