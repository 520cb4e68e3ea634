// Kernel overlayfs's on-disk format (also written by the reference and fuse-overlayfs):
// whiteout = char device 0:0 (or a zero-size file with overlay.whiteout in an
// overlay.opaque="x" dir), opaque dir = overlay.opaque="y", overlay.redirect, overlay.metacopy.
import type { ScanEntry } from '../protocol.ts';
import type { FormatReader, UpperObject } from './vocabulary.ts';
import type { FormatWriter } from '../layer-writer.ts';

const text = (b64: string | undefined) => (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8'));

export function overlayReader(prefix: 'trusted.overlay.' | 'user.overlay.' = 'trusted.overlay.'): FormatReader {
  const own = (name: string) => name.startsWith(prefix);
  return {
    name: prefix === 'user.overlay.' ? 'overlayfs-userxattr' : 'overlayfs',
    read(upper: ScanEntry[]): UpperObject[] {
      const out: UpperObject[] = [];
      for (const e of upper) {
        const x = e.xattrs;
        const s = e.stat;
        const xattrWhiteout = s.kind === 'file' && s.size === 0 && x[`${prefix}whiteout`] !== undefined;
        if ((s.kind === 'chr' && s.rdev === '0:0') || xattrWhiteout) {
          out.push({ path: e.path, kind: 'whiteout' });
          continue;
        }
        const userXattrs = Object.fromEntries(Object.entries(x).filter(([n]) => !own(n)));
        const opaque = text(x[`${prefix}opaque`]) === 'y';
        const redirect = text(x[`${prefix}redirect`]);
        const metacopy = x[`${prefix}metacopy`] !== undefined;
        out.push({
          path: e.path,
          kind: 'object',
          view: { ...e, xattrs: userXattrs },
          ...(opaque ? { opaque } : {}),
          ...(redirect !== undefined ? { redirect } : {}),
          ...(metacopy ? { metacopy } : {}),
        });
      }
      return out;
    },
  };
}

export function overlayWriter(prefix: 'trusted.overlay.' | 'user.overlay.' = 'trusted.overlay.'): FormatWriter {
  return {
    whiteout: (path) => [{ op: 'mknod', path, kind: 'chr', mode: 0o600, major: 0, minor: 0 }],
    opaque: (path) => [{ op: 'lsetxattr', path, name: `${prefix}opaque`, value: { b64: Buffer.from('y').toString('base64') } }],
  };
}
