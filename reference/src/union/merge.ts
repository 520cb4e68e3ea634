// The merged listing of a directory: layers top-down, the first occurrence
// of a name wins, whiteouts hide the name in every layer below and are never
// listed, an opaque directory ends the merge (its resolution already stops
// there). d_type and d_ino come from the winning layer.
import { unlinkAt } from '../sys/at.ts';
import { DT_CHR, DT_DIR, DT_UNKNOWN, dtypeOfMode, readDirents } from '../sys/dirents.ts';
import { lstatAt, type Stat } from '../sys/stat.ts';
import type { Node } from './nodes.ts';
import type { Union } from './union.ts';

export interface MergedEntry { name: string; type: number; ino: bigint; layer: number }

export function listMerged(u: Union, node: Node): MergedEntry[] {
  const res = node.res;
  const order: number[] = res.upper ? [0, ...res.lowers] : res.lowers;
  const seen = new Set<string>();
  const out: MergedEntry[] = [];
  for (const idx of order) {
    const layer = u.layers.get(idx);
    let dirFd: number;
    let entries;
    try {
      dirFd = u.dirs.get(node, idx);
      entries = readDirents({ dir: dirFd, name: '.' });
    } catch {
      continue; // vanished or not a directory in this layer
    }
    const impure = layer.isUpper && u.origins.isImpure({ dir: dirFd, name: '.' });
    for (const d of entries) {
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      let type = d.type;
      let st: Stat | undefined;
      const stat = (): Stat | undefined => (st ??= lstatAt(dirFd, d.name));
      if (type === DT_CHR || type === DT_UNKNOWN) {
        const s = stat();
        if (s === undefined) continue;
        if (u.format.isWhiteout(s)) continue;
        type = dtypeOfMode(s.mode);
      }
      const ino = layer.isUpper
        ? u.inodes.upperDirent(layer.dev, d.ino, impure || (type === DT_DIR && res.lowers.length > 0), stat, () => u.origins.read({ dir: dirFd, name: d.name }), () => {
          const child = type === DT_DIR ? u.resolveChild(node, d.name) : null;
          return child === null ? undefined : u.mergedLowerAt(node, d.name, child);
        })
        : u.inodes.raw(layer.dev, d.ino);
      out.push({ name: d.name, type, ino, layer: idx });
    }
  }
  return out;
}

/** Number of visible subdirectories (for st_nlink = 2 + subdirs of a merged directory). */
export function countSubdirs(u: Union, node: Node): number {
  let n = 0;
  for (const e of listMerged(u, node)) if (e.type === DT_DIR) n++;
  return n;
}

/** Removes the whiteouts of an upper directory (open as dirFd) whose visible entries are all gone. */
export function clearWhiteouts(u: Union, dirFd: number): void {
  for (const d of readDirents({ dir: dirFd, name: '.' })) {
    const st = lstatAt(dirFd, d.name);
    if (st !== undefined && u.format.isWhiteout(st)) unlinkAt({ dir: dirFd, name: d.name });
  }
}
