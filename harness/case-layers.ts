// A case's directories and layers: the lower layers (shared through the lane's
// cache, or the case's own), the upper layer and work dir, the mount point.
import { dirname } from 'node:path';
import type { Case } from '../suite/dsl.ts';
import { merge } from '../suite/fixture.ts';
import type { Op, ScanEntry } from './protocol.ts';
import { LayerWriteError, UnsupportedFixture, writeLayer, type Call } from './layer-writer.ts';
import type { LowerCache, SharedLower } from './lower-cache.ts';
import { CaseSetupError, later, setupValue } from './requests.ts';
import type { Layout, Target } from './targets/target.ts';

/** The target's layout, with upper and work moved onto a small tmpfs when the case limits the top layer. */
export function caseLayout(c: Case, target: Target, caseDir: string): Layout {
  const l = target.layout(caseDir, c.layers.lowers.length);
  const bytes = c.layers.upperBytes;
  if (!bytes || target.oracle) return l;
  const path = `${caseDir}/upperfs`;
  return { ...l, upper: `${path}/upper`, work: `${path}/work`, upperFs: { path, bytes } };
}

/** Detaches a case's size-limited upper filesystem, if it has one. */
export async function releaseUpperFs(target: Target, l: Layout, lazy = false): Promise<void> {
  if (l.upperFs) await target.host.run(['umount', ...(lazy ? ['-l'] : []), l.upperFs.path]);
}

/** Sends the ops that make `dirs` (absolute, below `base`); the promise says whether they worked. */
function mkdirs(send: Call, base: string, dirs: string[]): Promise<void> {
  const ops: Op[] = [{ op: 'root', path: base }, ...dirs.map((d): Op => ({ op: 'mkdir', path: d.slice(base.length + 1), mode: 0o755 }))];
  const answers = ops.map((op) => later(send(op)));
  return later((async () => {
    for (const a of answers) setupValue(await a, 'mkdir');
  })());
}

/** Sends what makes the case's own directory (and the mount point of its size-limited upper filesystem). */
export function makeCaseDir(send: Call, l: Layout): Promise<void> {
  return mkdirs(send, dirname(l.caseDir), [l.caseDir, ...(l.upperFs ? [l.upperFs.path] : [])]);
}

/** Waits for layer writes; a failure is the harness's (setup), unless the format cannot hold the fixture (skip). */
async function layerWrites(writes: Promise<void>[]): Promise<void> {
  try {
    await Promise.all(writes);
  } catch (e) {
    if (e instanceof UnsupportedFixture) throw e;
    throw new CaseSetupError((e as Error).message);
  }
}

export interface LowerLayers {
  dirs: string[];
  /** Each layer's scan before the case. */
  before: Promise<ScanEntry[][]>;
  /** Called for a layer the case changed, or may have. */
  spoilt(i: number): void;
}

/** The case's lower layers: from the lane's cache, or written into the case's own directory. */
export async function lowerLayers(c: Case, target: Target, l: Layout, send: Call, cache?: LowerCache): Promise<LowerLayers> {
  if (target.oracle) return { dirs: [], before: Promise.resolve([]), spoilt: () => {} };
  if (cache) {
    const shared: SharedLower[] = [];
    try {
      for (const [i, tree] of c.layers.lowers.entries()) shared.push(await cache.get(i, tree, send, target.writer));
    } catch (e) {
      throw e instanceof LayerWriteError ? new CaseSetupError(e.message) : e;
    }
    return { dirs: shared.map((s) => s.dir), before: Promise.resolve(shared.map((s) => s.scan)), spoilt: (i) => cache.forget(shared[i]!) };
  }
  const made = mkdirs(send, l.caseDir, l.lowers);
  const written = c.layers.lowers.map((tree, i) => later(writeLayer(send, l.lowers[i]!, tree, target.writer)));
  const scans = l.lowers.map((p) => later(send({ op: 'scan', path: p })));
  const before = later((async () => {
    await made;
    await layerWrites(written);
    return Promise.all(scans.map(async (r) => setupValue(await r, 'scan') as ScanEntry[]));
  })());
  return { dirs: l.lowers, before, spoilt: () => {} };
}

/**
 * Sends what makes the case's directory, mount point, upper layer and work dir (or, for the
 * oracle, the one directory holding every layer merged); the promise says whether it worked.
 */
export function prepare(c: Case, target: Target, l: Layout, send: Call): Promise<void> {
  const made = mkdirs(send, l.caseDir, target.oracle ? [l.mnt] : [l.mnt, l.upper!, l.work!]);
  const layers = [later(target.oracle ? writeLayer(send, l.mnt, merge(c.layers)) : writeLayer(send, l.upper!, c.layers.upper ?? {}, target.writer))];
  return later((async () => {
    await made;
    await layerWrites(layers);
  })());
}
