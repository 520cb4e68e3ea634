// The merged listing of a directory: layers top-down, the first occurrence
// of a name wins, whiteouts hide the name in every layer below and are never
// listed, an opaque directory ends the merge (its resolution already stops
// there). d_type and d_ino come from the winning layer.
import { unlinkAt } from '../sys/at.ts';
import { DT_CHR, DT_DIR, DT_UNKNOWN, dtypeOfMode, type RawDirent, readDirents } from '../sys/dirents.ts';
import { lstatAt, type Stat } from '../sys/stat.ts';
import type { Node } from './nodes.ts';
import type { Union } from './union.ts';

export interface MergedEntry { name: string; type: number; ino: bigint; layer: number }

export function listMerged(u: Union, node: Node): MergedEntry[] {
  const res = node.res;
  const seen = new Set<string>();
  const out: MergedEntry[] = [];
  for (const { idx, dirFd, entries } of layerEntries(u, node)) {
    const layer = u.layers.get(idx);
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

/**
 * Number of visible subdirectories (for st_nlink = 2 + subdirs of a merged
 * directory): the merge of listMerged by names and types alone. A name's
 * first entry hides it below, whiteout or not, and neither a whiteout nor a
 * device is a directory, so only entries of unknown type are stat'ed.
 */
export function countSubdirs(u: Union, node: Node): number {
  const seen = new Set<string>();
  let n = 0;
  for (const { dirFd, entries } of layerEntries(u, node)) {
    for (const d of entries) {
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      const type = d.type === DT_UNKNOWN ? dtypeOfMode(lstatAt(dirFd, d.name)?.mode ?? 0) : d.type;
      if (type === DT_DIR) n++;
    }
  }
  return n;
}

/** Each of node's layers, top-down, with its entries; a layer where the directory is gone or is none is left out. */
function layerEntries(u: Union, node: Node): Array<{ idx: number; dirFd: number; entries: RawDirent[] }> {
  const res = node.res;
  const out: Array<{ idx: number; dirFd: number; entries: RawDirent[] }> = [];
  for (const idx of res.upper ? [0, ...res.lowers] : res.lowers) {
    try {
      const dirFd = u.dirs.get(node, idx);
      out.push({ idx, dirFd, entries: readDirents({ dir: dirFd, name: '.' }) });
    } catch {
      // vanished or not a directory in this layer
    }
  }
  return out;
}

/** Removes the whiteouts of an upper directory (open as dirFd) whose visible entries are all gone. */
export function clearWhiteouts(u: Union, dirFd: number): void {
  for (const d of readDirents({ dir: dirFd, name: '.' })) {
    const st = lstatAt(dirFd, d.name);
    if (st !== undefined && u.format.isWhiteout(st)) unlinkAt({ dir: dirFd, name: d.name });
  }
}
