// fuse-overlayfs writes overlayfs's format plus its own: `user.fuseoverlayfs.*`
// xattrs, `.wh.<name>` files as whiteouts where it cannot mknod, and a
// `.wh..wh..opq` file (with a whiteout named `.wh..opq`) in opaque dirs.
import type { ScanEntry } from '../protocol.ts';
import { overlayReader } from './overlayfs.ts';
import type { FormatReader, UpperObject } from './vocabulary.ts';

const OPAQUE_MARK = '.wh..wh..opq';
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const parent = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

export function fuseOverlayfsReader(): FormatReader {
  const overlay = overlayReader();
  return {
    name: 'fuse-overlayfs',
    read(upper: ScanEntry[]): UpperObject[] {
      const opaqueDirs = new Set(upper.filter((e) => base(e.path) === OPAQUE_MARK).map((e) => parent(e.path)));
      const cleaned = upper.map((e) => ({
        ...e,
        xattrs: Object.fromEntries(Object.entries(e.xattrs).filter(([n]) => !n.startsWith('user.fuseoverlayfs.'))),
      }));
      const out: UpperObject[] = [];
      for (const o of overlay.read(cleaned)) {
        const name = base(o.path);
        if (name === OPAQUE_MARK || (o.kind === 'whiteout' && name.startsWith('.wh.'))) continue;
        if (o.kind === 'object' && name.startsWith('.wh.') && o.view.stat.kind === 'file') {
          const dir = parent(o.path);
          out.push({ path: `${dir ? `${dir}/` : ''}${name.slice(4)}`, kind: 'whiteout' });
          continue;
        }
        if (o.kind === 'object' && opaqueDirs.has(o.path)) out.push({ ...o, opaque: true });
        else out.push(o);
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}
