// Runs one case on one target and returns its transcript.
import type { Case } from '../suite/dsl.ts';
import { merge } from '../suite/fixture.ts';
import type { Cred, DirEntry, Op, Response, ScanEntry, SnapshotItem, StatValue, Value } from './protocol.ts';
import { LayerWriteError, UnsupportedFixture, writeLayer, type Call } from './layer-writer.ts';
import type { LowerCache, SharedLower } from './lower-cache.ts';
import { lowerPaths, upperLines } from './formats/vocabulary.ts';
import type { Layout, Target } from './targets/target.ts';
import { Aliases } from './transcript/format.ts';
import { lowerChanged, lowerLine } from './transcript/lower.ts';
import { mergedLines } from './transcript/merged.ts';
import { resultText, stepText, type Ids } from './transcript/steps.ts';
import { render, type Transcript } from './transcript/transcript.ts';

export interface Executor {
  call(op: Op & { cred?: Cred }, timeoutMs: number): Promise<Response>;
}

export class CaseTimeout extends Error {}
/** The harness itself could not do its part (write a layer, mount): not the target's answer. */
export class CaseSetupError extends Error {}

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

/** Every path a case's steps name, then the ones it asks to show; first appearance first. */
export function touchedPaths(c: Case): string[] {
  const paths: string[] = [];
  const add = (p: unknown) => { if (typeof p === 'string' && !paths.includes(p)) paths.push(p); };
  for (const s of c.steps) {
    const op = s.op as { op: string; path?: unknown; from?: unknown; to?: unknown };
    add(op.op === 'symlink' ? op.path : op.path ?? undefined);
    if (op.op === 'link' || op.op === 'rename' || op.op === 'renameat2') { add(op.from); add(op.to); }
  }
  for (const p of c.show ?? []) add(p);
  return paths;
}

export interface CaseRun {
  transcript: string;
  /** Wall time of the case in ms. */
  ms: number;
  /** Steps issued (checked operations). */
  ops: number;
}

/** `lowers`, when given, holds lower layers shared with the lane's other cases (see lower-cache.ts). */
export async function runCase(c: Case, target: Target, exec: Executor, caseDir: string, timeoutMs: number, lowers?: LowerCache): Promise<CaseRun> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const call = async (op: Op & { cred?: Cred }): Promise<Response> => {
    const left = deadline - Date.now();
    if (left <= 0) throw new CaseTimeout(`case ran past ${timeoutMs} ms`);
    return exec.call(op, left);
  };
  const must = async (op: Op): Promise<Value> => {
    const r = await call(op);
    if (!r.ok) throw new CaseSetupError(`${op.op} ${'path' in op ? op.path : ''}: ${'errno' in r ? r.errno : r.refused}`);
    return r.value;
  };
  const scan = async (path: string) => (await must({ op: 'scan', path })) as ScanEntry[];

  const l = caseLayout(c, target, caseDir);
  if (l.upperFs) {
    await must({ op: 'root', path: caseDir });
    await must({ op: 'mkdir', path: 'upperfs', mode: 0o755 });
    const r = await target.host.run(['mount', '-t', 'tmpfs', '-o', `size=${l.upperFs.bytes},mode=0755`, 'tmpfs', l.upperFs.path]);
    if (r.code !== 0) throw new CaseSetupError(`mount tmpfs for a ${l.upperFs.bytes}-byte upper: ${r.stderr.trim()}`);
  }
  try {
    return await runMounted(c, target, exec, l, call, must, scan, started, target.oracle ? undefined : lowers);
  } finally {
    await releaseUpperFs(target, l);
  }
}

/**
 * Sends a request without waiting for its answer: the executor answers in
 * order, so requests sent back to back cost one round trip. The promise's
 * rejection is marked handled here; whoever awaits it still sees it.
 */
function send(call: (op: Op & { cred?: Cred }) => Promise<Response>, op: Op & { cred?: Cred }): Promise<Response> {
  const p = call(op);
  p.catch(() => {});
  return p;
}

async function runMounted(
  c: Case, target: Target, exec: Executor, l: Layout, call: (op: Op & { cred?: Cred }) => Promise<Response>,
  must: (op: Op) => Promise<Value>, scan: (p: string) => Promise<ScanEntry[]>, started: number, lowers?: LowerCache,
): Promise<CaseRun> {
  const lower = await lowerLayers(c, target, l, call, lowers);
  try {
    return await runOn(c, target, exec, { ...l, lowers: lower.dirs }, call, must, scan, started, lower);
  } catch (e) {
    for (const i of lower.dirs.keys()) lower.spoilt(i);
    throw e;
  }
}

async function runOn(
  c: Case, target: Target, exec: Executor, l: Layout, call: (op: Op & { cred?: Cred }) => Promise<Response>,
  must: (op: Op) => Promise<Value>, scan: (p: string) => Promise<ScanEntry[]>, started: number, lower: LowerLayers,
): Promise<CaseRun> {
  await prepare(c, target, l, call);
  const lowersBefore = await lower.before;

  await target.mount(l, exec);
  let mounted = true;
  try {
    const ids: Ids = { ino: new Aliases('ino'), pos: new Aliases('pos') };
    const paths = touchedPaths(c);
    const rooted = send(call, { op: 'root', path: l.mnt });
    // The view before the steps feeds only the ctime comparison and the inode aliases.
    const snapped = send(call, { op: 'snapshot', paths, statOnly: true });
    setupValue(await rooted, 'root');
    const before = setupValue(await snapped, 'snapshot') as SnapshotItem[];
    for (const item of before) if (item.view) ids.ino.of(item.view.stat.ino);

    const steps: string[] = [];
    // Steps in flight; a step that needs an earlier answer (a telldir position, a stream read to its end, a remount) waits for them.
    let inFlight: { s: (typeof c.steps)[number]; r: Promise<Response> }[] = [];
    const settle = async () => {
      for (const { s, r } of inFlight) {
        const answer = await r;
        if (s.op.op === 'nlink') steps.push(`${stepText(s)} = ${answer.ok ? (answer.value as StatValue).nlink : resultText({ op: 'lstat', path: s.op.path }, answer, ids)}`);
        else steps.push(`${stepText(s)} = ${resultText(s.op, answer, ids)}`);
      }
      inFlight = [];
    };
    for (const s of c.steps) {
      if (s.op.op === 'nlink') {
        inFlight.push({ s, r: send(call, { op: 'lstat', path: s.op.path }) });
        continue;
      }
      if (s.op.op === 'remount') {
        await settle();
        await must({ op: 'reset' });
        await target.unmount(l, exec);
        mounted = false;
        await target.mount(l, exec);
        mounted = true;
        await must({ op: 'root', path: l.mnt });
        steps.push(`${stepText(s)} = 0`);
        continue;
      }
      if (s.op.op === 'readrest') {
        await settle();
        steps.push(`${stepText(s)} = ${await readRest(s.op.dir, call, ids)}`);
        continue;
      }
      if (s.op.op === 'seekdir') await settle();
      const op = resolvePositions(s.op, ids);
      inFlight.push({ s, r: send(call, s.cred ? { ...op, cred: s.cred } : op) });
    }
    const reset = send(call, { op: 'reset' });
    const snappedAfter = send(call, { op: 'snapshot', paths });
    await settle();
    setupValue(await reset, 'reset');
    const after = setupValue(await snappedAfter, 'snapshot') as SnapshotItem[];
    const t: Transcript = { id: c.id, steps, merged: mergedLines(before, after, ids) };

    await target.unmount(l, exec);
    mounted = false;
    if (!target.oracle && l.upper) {
      const [upper, ...lowersAfter] = await Promise.all([l.upper, ...l.lowers].map((p) => scan(p)));
      t.upper = upperLines(target.reader!.read(upper!), lowerPaths(lowersBefore));
      t.lower = lowersAfter.map((after, i) => lowerLine(i, lowersBefore[i]!, after));
      // A layer the target wrote into is no longer the fixture: no later case may mount it.
      for (const [i, line] of t.lower.entries()) if (lowerChanged(line)) lower.spoilt(i);
    }
    return { transcript: render(t), ms: Date.now() - started, ops: c.steps.length };
  } finally {
    if (mounted) await target.unmount(l, exec).catch(() => target.abort(l));
  }
}

/** The value of a request the harness itself needed (not a step): a failure is the harness's, not the target's. */
function setupValue(r: Response, what: string): Value {
  if (!r.ok) throw new CaseSetupError(`${what}: ${'errno' in r ? r.errno : r.refused}`);
  return r.value;
}

async function readRest(dir: string, call: (op: Op) => Promise<Response>, ids: Ids): Promise<string> {
  const names: DirEntry[] = [];
  for (let i = 0; i < 100_000; i++) {
    const r = await call({ op: 'readdir', dir });
    if (!r.ok) return resultText({ op: 'readdir', dir }, r, ids);
    if (r.value === null) break;
    const e = r.value as DirEntry;
    if (e.name !== '.' && e.name !== '..') names.push(e);
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return resultText({ op: 'listdir', path: dir }, { id: 0, ok: true, value: names }, ids);
}

/** A seekdir step names the position by its telldir alias number; send the raw value. */
function resolvePositions(op: Op, ids: Ids): Op {
  if (op.op !== 'seekdir') return op;
  return { ...op, pos: ids.pos.raw(Number(op.pos)) ?? -1 };
}

interface LowerLayers {
  dirs: string[];
  /** Each layer's scan before the case. */
  before: Promise<ScanEntry[][]>;
  /** Called for a layer the case changed, or may have. */
  spoilt(i: number): void;
}

/** The case's lower layers: from the lane's cache, or written into the case's own directory. */
async function lowerLayers(c: Case, target: Target, l: Layout, call: Call, cache?: LowerCache): Promise<LowerLayers> {
  if (cache && !target.oracle) {
    const shared: SharedLower[] = [];
    try {
      for (const [i, tree] of c.layers.lowers.entries()) shared.push(await cache.get(i, tree, call, target.writer));
    } catch (e) {
      throw e instanceof LayerWriteError ? new CaseSetupError(e.message) : e;
    }
    return { dirs: shared.map((s) => s.dir), before: Promise.resolve(shared.map((s) => s.scan)), spoilt: (i) => cache.forget(shared[i]!) };
  }
  if (target.oracle) return { dirs: [], before: Promise.resolve([]), spoilt: () => {} };
  const made = [{ op: 'root', path: l.caseDir } as Op, ...l.lowers.map((d): Op => ({ op: 'mkdir', path: d.slice(l.caseDir.length + 1), mode: 0o755 }))].map((op) => send(call, op));
  const written = c.layers.lowers.map((tree, i) => writeLayer(call, l.lowers[i]!, tree, target.writer));
  for (const p of written) p.catch(() => {});
  const scans = l.lowers.map((p) => send(call, { op: 'scan', path: p }));
  for (const r of made) setupValue(await r, 'mkdir');
  await layerWrites(written);
  const before = Promise.all(scans.map(async (r) => setupValue(await r, 'scan') as ScanEntry[]));
  before.catch(() => {});
  return { dirs: l.lowers, before, spoilt: () => {} };
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

/** The mount point, the upper layer and the work dir (or, for the oracle, the one directory with every layer merged). */
async function prepare(c: Case, target: Target, l: Layout, call: Call): Promise<void> {
  const dirs = target.oracle ? [l.mnt] : [l.mnt, l.upper!, l.work!];
  const made = [{ op: 'root', path: l.caseDir } as Op, ...dirs.map((d): Op => ({ op: 'mkdir', path: d.slice(l.caseDir.length + 1), mode: 0o755 }))].map((op) => send(call, op));
  const layers = target.oracle ? [writeLayer(call, l.mnt, merge(c.layers))] : [writeLayer(call, l.upper!, c.layers.upper ?? {}, target.writer)];
  for (const p of layers) p.catch(() => {});
  for (const r of made) setupValue(await r, 'mkdir');
  await layerWrites(layers);
}
