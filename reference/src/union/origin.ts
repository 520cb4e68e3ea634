// Origin records in the overlayfs format: at copyup the upper copy gets
// <prefix>origin = struct ovl_fb (version 0, magic 0xfb, length, flags,
// handle type, the lower filesystem's UUID, the lower object's file
// handle), exactly as kernel overlayfs writes it, and its upper directory
// gets <prefix>impure = "y" (it holds entries whose numbers come from
// elsewhere). Reading one back finds the lower object by its handle: its
// inode number is what the copy reports, across remounts and in both
// implementations.
import { closeFd } from '../sys/at.ts';
import { errnoOf, E } from '../sys/errno.ts';
import { getxattrAt, type Loc, setxattrAt } from '../sys/at.ts';
import { type FileHandle, fsUuid, handleOf, openHandle } from '../sys/handle.ts';
import { fstat, type Stat } from '../sys/stat.ts';
import type { Format } from './format.ts';
import type { Layers } from './layers.ts';

const VERSION = 0;
const MAGIC = 0xfb;
const HEADER = 21;
/** OVL_FH_FLAG_BIG_ENDIAN | OVL_FH_FLAG_ANY_ENDIAN | OVL_FH_FLAG_PATH_UPPER */
const KNOWN_FLAGS = 0x7;
const PATH_UPPER = 0x4;

export function encodeOrigin(uuid: Buffer, h: FileHandle): Buffer {
  const b = Buffer.alloc(HEADER + h.bytes.length);
  b[0] = VERSION;
  b[1] = MAGIC;
  b[2] = b.length;
  b[3] = 0; // little-endian handle (OVL_FH_FLAG_CPU_ENDIAN on x86)
  b[4] = h.type;
  uuid.copy(b, 5, 0, 16);
  h.bytes.copy(b, HEADER);
  return b;
}

function decodeOrigin(b: Buffer): { uuid: Buffer; handle: FileHandle } | null {
  if (b.length < HEADER || b[0] !== VERSION || b[1] !== MAGIC || b[2] !== b.length) return null;
  if ((b[3]! & ~KNOWN_FLAGS) !== 0 || (b[3]! & PATH_UPPER) !== 0) return null;
  return { uuid: b.subarray(5, HEADER), handle: { type: b[4]!, bytes: b.subarray(HEADER) } };
}

export class Origins {
  private readonly uuids: Buffer[];
  readonly originName: string;
  readonly impureName: string;

  constructor(private readonly layers: Layers, format: Format) {
    this.uuids = layers.lowers.map((l) => fsUuid(l.fd));
    this.originName = `${format.prefix}origin`;
    this.impureName = `${format.prefix}impure`;
  }

  /** The origin record of the lower object at l on lower layer `layer`; null where its filesystem has no handles. */
  recordFor(l: Loc, layer: number): Buffer | null {
    const h = handleOf(l);
    return h === null ? null : encodeOrigin(this.uuids[layer - 1]!, h);
  }

  /**
   * Writes an origin record on the (not yet visible) copy at l; false where
   * the object takes no such xattr (user.* on a symlink or device node).
   */
  write(l: Loc, record: Buffer): boolean {
    try {
      setxattrAt(l, this.originName, record, 0);
      return true;
    } catch (err) {
      const e = errnoOf(err);
      if (e === E.EPERM || e === E.EOPNOTSUPP) return false;
      throw err;
    }
  }

  /** The origin record of the upper object at l, if any. */
  read(l: Loc): Buffer | null {
    return getxattrAt(l, this.originName);
  }

  /** Marks an upper directory as holding copied-up entries (overlayfs "impure"). */
  markImpure(dir: Loc): void {
    if (!this.isImpure(dir)) setxattrAt(dir, this.impureName, Buffer.from('y'), 0);
  }

  isImpure(dir: Loc): boolean {
    const v = getxattrAt(dir, this.impureName);
    return v !== null && v.length === 1 && v[0] === 0x79;
  }

  /**
   * lstat of the lower object an origin record names, or undefined when it
   * cannot be found (no lower layer with its UUID, a stale handle, or no
   * CAP_DAC_READ_SEARCH to open handles).
   */
  resolve(record: Buffer): Stat | undefined {
    const o = decodeOrigin(record);
    if (o === null) return undefined;
    for (let i = 0; i < this.uuids.length; i++) {
      if (!this.uuids[i]!.equals(o.uuid)) continue;
      let fd: number;
      try {
        fd = openHandle(this.layers.lowers[i]!.fd, o.handle);
      } catch (err) {
        if (errnoOf(err) === E.EPERM) return undefined;
        continue;
      }
      try {
        return fstat(fd);
      } finally {
        closeFd(fd);
      }
    }
    return undefined;
  }
}
