// The one vocabulary every on-disk format is read into, and its transcript lines.
import type { NodeView, ScanEntry } from '../protocol.ts';
import { contentText, octal, pathText, timeText, xattrText } from '../transcript/format.ts';

export type UpperObject =
  | { path: string; kind: 'whiteout' }
  | { path: string; kind: 'fallthru' }
  | { path: string; kind: 'object'; view: NodeView; opaque?: boolean; redirect?: string; metacopy?: boolean };

/** Turns one layer's raw scan into the vocabulary. `lowers` lets a reader tell copied-up dirs from new ones. */
export interface FormatReader {
  name: string;
  read(upper: ScanEntry[]): UpperObject[];
}

/**
 * Upper-layer lines. A non-opaque, non-redirected upper directory that also
 * exists as a directory in a lower layer, with the same mode, owner and user
 * xattrs, is left out: it only mirrors the lower one so that its children have a parent (the spec creates these during
 * lookup, overlayfs at copyup), and which of them exist is the format's
 * business, not a semantic the spec defines. Its children are still listed.
 * Likewise `opaque` is printed only where a lower layer has something at that
 * path: with nothing below, the flag hides nothing and means nothing. And
 * nothing below a whiteout is listed: no lookup can reach it.
 */
export function upperLines(objects: UpperObject[], lower: LowerPaths): string[] {
  const lines: string[] = [];
  const whiteouts = objects.filter((o) => o.kind === 'whiteout').map((o) => `${o.path}/`);
  for (const o of objects) {
    if (whiteouts.some((w) => o.path.startsWith(w))) continue;
    if (o.kind !== 'object') { lines.push(`${pathText(o.path)}: ${o.kind}`); continue; }
    const s = o.view.stat;
    const opaque = o.opaque === true && lower.all.has(o.path);
    if (s.kind === 'dir' && !opaque && o.redirect === undefined && lower.dirs.get(o.path) === dirMeta(o.view)) continue;
    const parts: string[] = [s.kind, octal(s.mode), `${s.uid}:${s.gid}`];
    if (s.kind === 'dir') {
      if (opaque) parts.push('opaque');
      if (o.redirect !== undefined) parts.push(`redirect=${JSON.stringify(o.redirect)}`);
    } else {
      if (s.kind === 'chr' || s.kind === 'blk') parts.push(`rdev=${s.rdev}`);
      if (s.kind === 'file') parts.push(`size=${s.size}`);
      parts.push(`mtime=${timeText(s.mtime)}`);
      if (o.metacopy) parts.push('metacopy');
      if (o.view.target !== undefined) parts.push(`-> ${JSON.stringify(o.view.target)}`);
      const content = contentText(o.view);
      if (content && !o.metacopy) parts.push(content);
    }
    parts.push(...xattrText(o.view.xattrs));
    lines.push(`${pathText(o.path)}: ${parts.join(' ')}`);
  }
  return lines;
}

/** What the lower layers hold: every path, and for directories their metadata (topmost layer's). */
export interface LowerPaths {
  all: Set<string>;
  dirs: Map<string, string>;
}

/** What a mirroring upper directory must share with the lower one to go unlisted. */
const dirMeta = (v: NodeView) => [octal(v.stat.mode), `${v.stat.uid}:${v.stat.gid}`, ...xattrText(v.xattrs)].join(' ');

export function lowerPaths(lowers: ScanEntry[][]): LowerPaths {
  const out: LowerPaths = { all: new Set(), dirs: new Map() };
  for (const layer of lowers) {
    for (const e of layer) {
      out.all.add(e.path);
      if (e.stat.kind === 'dir' && !out.dirs.has(e.path)) out.dirs.set(e.path, dirMeta(e));
    }
  }
  return out;
}
