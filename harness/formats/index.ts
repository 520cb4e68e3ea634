// On-disk formats by name, for targets that name theirs (custom targets).
import type { FormatWriter } from '../layer-writer.ts';
import { aufsReader, aufsWriter } from './aufs.ts';
import { fuseOverlayfsReader } from './fuse-overlayfs.ts';
import { overlayReader, overlayWriter } from './overlayfs.ts';
import { unionfsReader, unionfsWriter } from './unionfs.ts';
import type { FormatReader } from './vocabulary.ts';

export const FORMATS: Record<string, () => { reader: FormatReader; writer: FormatWriter }> = {
  overlayfs: () => ({ reader: overlayReader(), writer: overlayWriter() }),
  'overlayfs-userxattr': () => ({ reader: overlayReader('user.overlay.'), writer: overlayWriter('user.overlay.') }),
  'fuse-overlayfs': () => ({ reader: fuseOverlayfsReader(), writer: overlayWriter() }),
  'unionfs-fuse': () => ({ reader: unionfsReader(), writer: unionfsWriter() }),
  aufs: () => ({ reader: aufsReader(), writer: aufsWriter() }),
};
