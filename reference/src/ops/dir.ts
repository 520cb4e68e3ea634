// OPENDIR, READDIR, RELEASEDIR, FSYNCDIR. The merged listing is taken at
// opendir and held by the handle; a READDIR offset is an index into it, so
// telldir/seekdir positions stay valid for the life of the open directory.
// Reading from offset 0 again (rewinddir) takes a fresh snapshot.
import * as fs from 'node:fs';
import { DT_DIR } from '../sys/dirents.ts';
import { EMPTY, Op, openOut, OUT_HEADER_SIZE, writeDirent } from '../fuse/protocol.ts';
import type { Session } from '../fuse/session.ts';
import type { DirEntry, DirHandle } from '../union/handles.ts';
import { listMerged } from '../union/merge.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';
import { E, FsError } from '../sys/errno.ts';

export function registerDirOps(s: Session, u: Union): void {
  s.on(Op.OPENDIR, (req) => {
    const node = u.nodes.get(req.nodeid);
    if ((node.res.type & S_IFMT) !== S_IFDIR) throw new FsError(E.ENOTDIR);
    const h: DirHandle = { kind: 'dir', node, entries: null, consumed: false };
    h.entries = snapshot(u, h);
    return openOut(u.handles.add(h), 0);
  });

  s.on(Op.READDIR, (req) => {
    const h = u.handles.dir(req.num64(0));
    const offset = req.num64(8);
    const size = Math.min(req.u32(16), s.out.length - OUT_HEADER_SIZE);
    if (offset === 0 && h.consumed) {
      h.entries = snapshot(u, h);
      h.consumed = false;
    }
    const entries = h.entries ?? (h.entries = snapshot(u, h));
    const limit = OUT_HEADER_SIZE + size;
    let pos = OUT_HEADER_SIZE;
    for (let i = offset; i < entries.length; i++) {
      const e = entries[i]!;
      const used = writeDirent(s.out, pos, limit, e.ino, i + 1, e.type, e.name);
      if (used === 0) break;
      pos += used;
      h.consumed = true;
    }
    return pos - OUT_HEADER_SIZE;
  });

  s.on(Op.RELEASEDIR, (req) => {
    u.handles.remove(req.num64(0));
    return EMPTY;
  });

  s.on(Op.FSYNCDIR, (req) => {
    const h = u.handles.dir(req.num64(0));
    if (h.node.res.upper && !h.node.orphan) {
      const fd = fs.openSync(u.upperPath(h.node), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    return EMPTY;
  });
}

function snapshot(u: Union, h: DirHandle): DirEntry[] {
  const node = h.node;
  if (node.orphan) return [];
  const self = u.ino(u.statNode(node), u.topLayer(node.res));
  const parentIno = node.parent === null ? self : u.ino(u.statNode(node.parent), u.topLayer(node.parent.res));
  const out: DirEntry[] = [
    { name: Buffer.from('.'), ino: self, type: DT_DIR },
    { name: Buffer.from('..'), ino: parentIno, type: DT_DIR },
  ];
  for (const e of listMerged(u, node)) out.push({ name: Buffer.from(e.name), ino: e.ino, type: e.type });
  return out;
}
