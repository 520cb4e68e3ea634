// Runs one case on one target and returns its transcript.
import type { Case } from '../suite/dsl.ts';
import { merge } from '../suite/fixture.ts';
import type { Cred, DirEntry, Op, Response, ScanEntry, SnapshotItem, StatValue, Value } from './protocol.ts';
import { UnsupportedFixture, writeLayer, type Call } from './layer-writer.ts';
import { lowerPaths, upperLines } from './formats/vocabulary.ts';
import type { Layout, Target } from './targets/target.ts';
import { Aliases } from './transcript/format.ts';
import { lowerLine } from './transcript/lower.ts';
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

export async function runCase(c: Case, target: Target, exec: Executor, caseDir: string, timeoutMs: number): Promise<CaseRun> {
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
    return await runMounted(c, target, exec, l, call, must, scan, started);
  } finally {
    await releaseUpperFs(target, l);
  }
}

async function runMounted(
  c: Case, target: Target, exec: Executor, l: Layout, call: (op: Op & { cred?: Cred }) => Promise<Response>,
  must: (op: Op) => Promise<Value>, scan: (p: string) => Promise<ScanEntry[]>, started: number,
): Promise<CaseRun> {
  await prepare(c, target, l, call, must);
  const lowersBefore = await Promise.all(l.lowers.map(async (p) => (await scan(p))));

  await target.mount(l, exec);
  let mounted = true;
  try {
    const ids: Ids = { ino: new Aliases('ino'), pos: new Aliases('pos') };
    const paths = touchedPaths(c);
    await must({ op: 'root', path: l.mnt });
    const before = (await must({ op: 'snapshot', paths })) as SnapshotItem[];
    for (const item of before) if (item.view) ids.ino.of(item.view.stat.ino);

    const steps: string[] = [];
    for (const s of c.steps) {
      if (s.op.op === 'remount') {
        await must({ op: 'reset' });
        await target.unmount(l, exec);
        mounted = false;
        await target.mount(l, exec);
        mounted = true;
        await must({ op: 'root', path: l.mnt });
        steps.push(`${stepText(s)} = 0`);
        continue;
      }
      if (s.op.op === 'nlink') {
        const r = await call({ op: 'lstat', path: s.op.path });
        steps.push(`${stepText(s)} = ${r.ok ? (r.value as StatValue).nlink : resultText({ op: 'lstat', path: s.op.path }, r, ids)}`);
        continue;
      }
      if (s.op.op === 'readrest') {
        steps.push(`${stepText(s)} = ${await readRest(s.op.dir, call, ids)}`);
        continue;
      }
      const op = resolvePositions(s.op, ids);
      const r = await call(s.cred ? { ...op, cred: s.cred } : op);
      steps.push(`${stepText(s)} = ${resultText(s.op, r, ids)}`);
    }
    await must({ op: 'reset' });
    const after = (await must({ op: 'snapshot', paths })) as SnapshotItem[];
    const t: Transcript = { id: c.id, steps, merged: mergedLines(before, after, ids) };

    await target.unmount(l, exec);
    mounted = false;
    if (!target.oracle && l.upper) {
      const objects = target.reader!.read((await scan(l.upper)));
      t.upper = upperLines(objects, lowerPaths(lowersBefore));
      t.lower = await Promise.all(l.lowers.map(async (p, i) => lowerLine(i, lowersBefore[i]!, (await scan(p)))));
    }
    return { transcript: render(t), ms: Date.now() - started, ops: c.steps.length };
  } finally {
    if (mounted) await target.unmount(l, exec).catch(() => target.abort(l));
  }
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

async function prepare(c: Case, target: Target, l: Layout, call: Call, must: (op: Op) => Promise<Value>): Promise<void> {
  await must({ op: 'root', path: l.caseDir });
  const dirs = target.oracle ? [l.mnt] : [l.mnt, l.upper!, l.work!, ...l.lowers];
  for (const d of dirs) await must({ op: 'mkdir', path: d.slice(l.caseDir.length + 1), mode: 0o755 });
  try {
    if (target.oracle) {
      await writeLayer(call, l.mnt, merge(c.layers));
      return;
    }
    for (const [i, tree] of c.layers.lowers.entries()) await writeLayer(call, l.lowers[i]!, tree, target.writer);
    await writeLayer(call, l.upper!, c.layers.upper ?? {}, target.writer);
  } catch (e) {
    if (e instanceof UnsupportedFixture) throw e;
    throw new CaseSetupError((e as Error).message);
  }
}
