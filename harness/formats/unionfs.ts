// unionfs-fuse (cow mode): whiteouts are `<meta>/<path>_HIDDEN~` in the writable
// branch, where <meta> is `.unionfs-fuse` (Debian's 2.x) or `.unionfs` (newer).
// A hidden directory hides the whole lower subtree; there is no opaque flag, so
// an upper directory with a hide marker at its own path reads as opaque.
import type { Op, ScanEntry } from '../protocol.ts';
import type { FormatWriter } from '../layer-writer.ts';
import type { FormatReader, UpperObject } from './vocabulary.ts';

const META = ['.unionfs-fuse', '.unionfs'];
const SUFFIX = '_HIDDEN~';
const metaOf = (p: string) => META.find((m) => p === m || p.startsWith(`${m}/`));

export function unionfsReader(): FormatReader {
  return {
    name: 'unionfs-fuse',
    read(upper: ScanEntry[]): UpperObject[] {
      const hidden = new Set<string>();
      for (const e of upper) {
        const meta = metaOf(e.path);
        if (meta && e.path.endsWith(SUFFIX)) hidden.add(e.path.slice(meta.length + 1, -SUFFIX.length));
      }
      const out: UpperObject[] = [];
      const objects = new Set<string>();
      for (const e of upper) {
        if (metaOf(e.path)) continue;
        objects.add(e.path);
        const opaque = e.stat.kind === 'dir' && hidden.has(e.path);
        out.push({ path: e.path, kind: 'object', view: e, ...(opaque ? { opaque } : {}) });
      }
      for (const p of hidden) if (!objects.has(p)) out.push({ path: p, kind: 'whiteout' });
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/** Writes markers under `.unionfs-fuse`, the name the installed unionfs-fuse reads. */
export function unionfsWriter(meta = '.unionfs-fuse'): FormatWriter {
  const marker = (path: string): Op[] => {
    const parts = `${meta}/${path}`.split('/').slice(0, -1);
    const dirs = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    return [
      ...dirs.map((d): Op => ({ op: 'mkdir', path: d, mode: 0o755 })),
      { op: 'open', path: `${meta}/${path}${SUFFIX}`, flags: ['O_WRONLY', 'O_CREAT', 'O_EXCL'], mode: 0o644, fd: '__marker' },
      { op: 'close', fd: '__marker' },
    ];
  };
  return { whiteout: marker, opaque: marker };
}
