// aufs: a whiteout is an empty file `.wh.<name>`; `.wh..wh..opq` makes its directory
// opaque; `.wh..wh.aufs`, `.wh..wh.plnk` and `.wh..wh.orph` at the branch root are aufs's own.
import type { ScanEntry } from '../protocol.ts';
import type { FormatWriter } from '../layer-writer.ts';
import type { FormatReader, UpperObject } from './vocabulary.ts';

const WH = '.wh.';
const OPQ = '.wh..wh..opq';
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const parent = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const isAufsOwn = (p: string) => p.split('/').some((part) => part.startsWith(`${WH}${WH}`));

export function aufsReader(): FormatReader {
  return {
    name: 'aufs',
    read(upper: ScanEntry[]): UpperObject[] {
      const opaque = new Set(upper.filter((e) => base(e.path) === OPQ).map((e) => parent(e.path)));
      const out: UpperObject[] = [];
      for (const e of upper) {
        const name = base(e.path);
        if (isAufsOwn(e.path)) continue;
        if (name.startsWith(WH)) {
          out.push({ path: join(parent(e.path), name.slice(WH.length)), kind: 'whiteout' });
          continue;
        }
        out.push({ path: e.path, kind: 'object', view: e, ...(opaque.has(e.path) ? { opaque: true } : {}) });
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

export function aufsWriter(): FormatWriter {
  const empty = (path: string) => [
    { op: 'open' as const, path, flags: ['O_WRONLY' as const, 'O_CREAT' as const, 'O_EXCL' as const], mode: 0o444, fd: '__wh' },
    { op: 'close' as const, fd: '__wh' },
  ];
  return {
    whiteout: (path) => empty(join(parent(path), `${WH}${base(path)}`)),
    opaque: (path) => empty(join(path, OPQ)),
  };
}
