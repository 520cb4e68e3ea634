// Lower layers written once and mounted by every case whose fixture has the same
// tree: a lower layer is never written by a union, so cases can share it. The
// suite's 900-odd lower layers are some 75 distinct trees. Each lane keeps its
// own cache, so that a target that does write into a lower spoils only the case
// that did it: the case fails (its lower line says CHANGED) and the layer is
// dropped from the cache, as are the layers of a case that failed before they
// were checked.
import type { ScanEntry } from './protocol.ts';
import type { Tree } from '../suite/fixture.ts';
import { LayerWriteError, writeLayer, type Call, type FormatWriter } from './layer-writer.ts';

export interface SharedLower {
  dir: string;
  /** The layer as written, for the case's before/after comparison. */
  scan: ScanEntry[];
}

/** At most this many layers per lane; the least recently used one is removed. */
const CAPACITY = 128;

export class LowerCache {
  private readonly layers = new Map<string, SharedLower>();
  private made = 0;

  /** The layers live in `workspace/name`; `remove` deletes one of them. */
  constructor(
    private readonly workspace: string,
    private readonly name: string,
    private readonly remove: (dir: string) => Promise<void>,
  ) {}

  /**
   * The layer holding `tree` as lower layer number `index`, written (and scanned) now unless a
   * case already did. The index is part of the key: one mount never gets the same directory twice.
   */
  async get(index: number, tree: Tree, call: Call, writer: FormatWriter | undefined): Promise<SharedLower> {
    const key = `${index} ${JSON.stringify(tree)}`;
    const hit = this.layers.get(key);
    if (hit) {
      this.layers.delete(key); // most recently used last
      this.layers.set(key, hit);
      return hit;
    }
    const rel = `${this.name}/${this.made++}`;
    const dir = `${this.workspace}/${rel}`;
    const mkdirs = [
      call({ op: 'root', path: this.workspace }),
      call({ op: 'mkdir', path: this.name, mode: 0o755 }),
      call({ op: 'mkdir', path: rel, mode: 0o755 }),
    ];
    for (const r of await Promise.all(mkdirs)) if (!r.ok && !('errno' in r && r.errno === 'EEXIST')) throw new LayerWriteError(`making ${dir}: ${'errno' in r ? r.errno : r.refused}`);
    await writeLayer(call, dir, tree, writer);
    const scanned = await call({ op: 'scan', path: dir });
    if (!scanned.ok) throw new LayerWriteError(`scan ${dir}: ${'errno' in scanned ? scanned.errno : scanned.refused}`);
    const layer = { dir, scan: scanned.value as ScanEntry[] };
    this.layers.set(key, layer);
    if (this.layers.size > CAPACITY) {
      const [oldKey, old] = this.layers.entries().next().value as [string, SharedLower];
      this.layers.delete(oldKey);
      await this.remove(old.dir);
    }
    return layer;
  }

  /**
   * Forgets every layer: the lane's executor was replaced, and the machine behind it may be
   * another (a UML guest booted again makes its scratch filesystem anew).
   */
  clear(): void {
    this.layers.clear();
  }

  /** Forgets a layer a case changed, or may have (it failed before its layers were checked); the run's end removes it. */
  forget(layer: SharedLower): void {
    for (const [k, v] of this.layers) if (v === layer) this.layers.delete(k);
  }
}
