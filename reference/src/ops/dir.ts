// OPENDIR, READDIR, RELEASEDIR, FSYNCDIR. The merged listing is taken at
// the first READDIR of an open directory (as overlayfs takes it at the first
// getdents) and held by the handle; a READDIR offset is an index into it, so
// telldir/seekdir positions stay valid for the life of the open directory.
// Reading from offset 0 again (rewinddir) takes a fresh snapshot.
// The kernel keeps the listing between opens (FOPEN_CACHE_DIR) and drops it
// itself when it creates, removes or renames a name in the directory; a
// listing the server changes otherwise is invalidated (Union.invalidate).
// An open the kernel serves from that cache sends no READDIR: no merge.
import * as fs from 'node:fs';
import { closeFd, openAt } from '../sys/at.ts';
import { DT_DIR } from '../sys/dirents.ts';
import { E, FsError } from '../sys/errno.ts';
import type { DirentSink, Opened } from '../fuse/filesystem.ts';
import type { DirEntry, DirHandle } from '../union/handles.ts';
import { listMerged } from '../union/merge.ts';
import type { Node } from '../union/nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';
import { nameBytes } from '../sys/names.ts';

export function opendir(u: Union, node: Node): Opened {
  if ((node.res.type & S_IFMT) !== S_IFDIR) throw new FsError(E.ENOTDIR);
  const h: DirHandle = { kind: 'dir', node, entries: null, consumed: false };
  return { fh: u.handles.add(h), directIo: false, cacheDir: true };
}

export function readdir(u: Union, fh: number, offset: number, add: DirentSink): void {
  const h = u.handles.dir(fh);
  if (offset === 0 && h.consumed) {
    h.entries = snapshot(u, h);
    h.consumed = false;
  }
  const entries = h.entries ?? (h.entries = snapshot(u, h));
  for (let i = offset; i < entries.length; i++) {
    const e = entries[i]!;
    if (!add(e.ino, e.type, e.name, i + 1)) break;
    h.consumed = true;
  }
}

export function releasedir(u: Union, fh: number): void {
  u.handles.remove(fh);
}

export function fsyncdir(u: Union, fh: number): void {
  const h = u.handles.dir(fh);
  if (u.volatile) return; // as overlayfs's volatile
  if (h.node.res.upper && !h.node.orphan) {
    const fd = openAt(u.upperLoc(h.node), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(fd);
    } finally {
      closeFd(fd);
    }
  }
}

function snapshot(u: Union, h: DirHandle): DirEntry[] {
  const node = h.node;
  if (node.orphan) return [];
  const self = u.nodeIno(node);
  const parentIno = node.parent === null ? self : u.nodeIno(node.parent);
  const out: DirEntry[] = [
    { name: Buffer.from('.'), ino: self, type: DT_DIR },
    { name: Buffer.from('..'), ino: parentIno, type: DT_DIR },
  ];
  for (const e of listMerged(u, node)) out.push({ name: nameBytes(e.name), ino: e.ino, type: e.type });
  return out;
}
