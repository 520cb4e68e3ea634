// Runs one case on one target and returns its transcript.
import type { Case } from '../suite/dsl.ts';
import type { Step } from '../suite/steps.ts';
import type { DirEntry, Op, Response, ScanEntry, SnapshotItem, StatValue } from './protocol.ts';
import { lowerLayers, makeCaseDir, prepare, releaseUpperFs, caseLayout, type LowerLayers } from './case-layers.ts';
import type { LowerCache } from './lower-cache.ts';
import { lowerPaths, upperLines } from './formats/vocabulary.ts';
import { CaseSetupError, later, Requests, setupValue, type Executor } from './requests.ts';
import type { Layout, Target } from './targets/target.ts';
import { Aliases } from './transcript/format.ts';
import { lowerChanged, lowerLine } from './transcript/lower.ts';
import { mergedLines } from './transcript/merged.ts';
import { resultText, stepText, type Ids } from './transcript/steps.ts';
import { render, type Transcript } from './transcript/transcript.ts';

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

export interface CaseOptions {
  timeoutMs: number;
  /** Lower layers shared with the lane's other cases (see lower-cache.ts). */
  lowers?: LowerCache;
  /** Time to let pass between writing the layers and the first step (see run.ts, TICK_MS). */
  settleMs?: number;
}

export async function runCase(c: Case, target: Target, exec: Executor, caseDir: string, o: CaseOptions): Promise<CaseRun> {
  const { timeoutMs, lowers, settleMs = 0 } = o;
  const started = Date.now();
  const io = new Requests(exec, started + timeoutMs, timeoutMs);
  const l = caseLayout(c, target, caseDir);
  const made = makeCaseDir(io.send, l);
  try {
    if (l.upperFs) {
      await made;
      const r = await target.host.run(['mount', '-t', 'tmpfs', '-o', `size=${l.upperFs.bytes},mode=0755`, 'tmpfs', l.upperFs.path]);
      if (r.code !== 0) throw new CaseSetupError(`mount tmpfs for a ${l.upperFs.bytes}-byte upper: ${r.stderr.trim()}`);
    }
    const lower = await lowerLayers(c, target, l, io.send, target.oracle ? undefined : lowers);
    try {
      const t = await new CaseOnMount(c, target, exec, io, { ...l, lowers: lower.dirs }, lower).run(made, settleMs);
      return { transcript: render(t), ms: Date.now() - started, ops: c.steps.length };
    } catch (e) {
      for (const i of lower.dirs.keys()) lower.spoilt(i);
      throw e;
    }
  } catch (e) {
    await io.drain(); // nothing may still be at work in the case's directory when the run removes it
    throw e;
  } finally {
    await releaseUpperFs(target, l);
  }
}

/** The part of a case from the mount on: the steps, the views before and after, the layers after. */
class CaseOnMount {
  private readonly ids: Ids = { ino: new Aliases('ino'), pos: new Aliases('pos') };
  private readonly steps: string[] = [];
  /** Steps sent and not yet turned into transcript lines. */
  private inFlight: { s: Step; r: Promise<Response> }[] = [];
  private mounted = false;

  constructor(
    private readonly c: Case,
    private readonly target: Target,
    private readonly exec: Executor,
    private readonly io: Requests,
    private readonly l: Layout,
    private readonly lower: LowerLayers,
  ) {}

  async run(made: Promise<void>, settleMs: number): Promise<Transcript> {
    const { c, target, l, io } = this;
    const prepared = prepare(c, target, l, io.send);
    if (settleMs) {
      await made;
      await prepared;
      await this.lower.before;
      await new Promise((r) => setTimeout(r, settleMs));
    }
    // Mounting through the executor: the whole case goes out now and is checked as the answers come.
    const ops = target.mountOps?.(l);
    const mountAnswers = ops ? ops.mount.map(io.send) : [];
    if (!ops) {
      await made;
      await prepared;
      await target.mount(l, this.exec);
      this.mounted = true;
    }
    try {
      const paths = touchedPaths(c);
      const rooted = io.send({ op: 'root', path: l.mnt });
      // The view before the steps feeds only the ctime comparison and the inode aliases.
      const snapped = io.send({ op: 'snapshot', paths, statOnly: true });
      const ready = later((async () => {
        await made;
        await prepared;
        for (const a of mountAnswers) setupValue(await a, 'mount');
        if (ops) this.mounted = true;
        setupValue(await rooted, 'root');
        const before = setupValue(await snapped, 'snapshot') as SnapshotItem[];
        for (const item of before) if (item.view) this.ids.ino.of(item.view.stat.ino);
        return before;
      })());

      for (const s of c.steps) await this.step(s, ready);
      const reset = io.send({ op: 'reset' });
      const snappedAfter = io.send({ op: 'snapshot', paths });
      const layered = !target.oracle && l.upper !== undefined;
      const unmountAnswers = ops ? ops.unmount.map(io.send) : [];
      const scanLayers = () => [l.upper!, ...l.lowers].map((p) => io.send({ op: 'scan', path: p }));
      const scans = ops && layered ? scanLayers() : [];
      const before = await ready;
      await this.settle();
      setupValue(await reset, 'reset');
      const after = setupValue(await snappedAfter, 'snapshot') as SnapshotItem[];
      const t: Transcript = { id: c.id, steps: this.steps, merged: mergedLines(before, after, this.ids) };

      if (ops) for (const a of unmountAnswers) setupValue(await a, 'umount');
      else await target.unmount(l, this.exec);
      this.mounted = false;
      if (layered) {
        const [upper, ...lowersAfter] = await Promise.all((ops ? scans : scanLayers()).map(async (r) => setupValue(await r, 'scan') as ScanEntry[]));
        const lowersBefore = await this.lower.before;
        t.upper = upperLines(target.reader!.read(upper!), lowerPaths(lowersBefore));
        t.lower = lowersAfter.map((after, i) => lowerLine(i, lowersBefore[i]!, after));
        // A layer the target wrote into is no longer the fixture: no later case may mount it.
        for (const [i, line] of t.lower.entries()) if (lowerChanged(line)) this.lower.spoilt(i);
      }
      return t;
    } finally {
      if (this.mounted) {
        await this.io.drain();
        await target.unmount(l, this.exec).catch(() => target.abort(l));
      }
    }
  }

  /** Sends one step; a step that needs earlier answers (a telldir position, a stream read to its end, a remount) waits for them. */
  private async step(s: Step, ready: Promise<unknown>): Promise<void> {
    const { io } = this;
    switch (s.op.op) {
      case 'nlink':
        this.inFlight.push({ s, r: io.send({ op: 'lstat', path: s.op.path }) });
        return;
      case 'remount':
        await ready;
        await this.settle();
        await io.must({ op: 'reset' });
        await this.target.unmount(this.l, this.exec);
        this.mounted = false;
        await this.target.mount(this.l, this.exec);
        this.mounted = true;
        await io.must({ op: 'root', path: this.l.mnt });
        this.steps.push(`${stepText(s)} = 0`);
        return;
      case 'readrest':
        await ready;
        await this.settle();
        this.steps.push(`${stepText(s)} = ${await this.readRest(s.op.dir)}`);
        return;
      case 'seekdir':
        await ready;
        await this.settle();
        break;
    }
    const op = this.resolvePositions(s.op as Op);
    this.inFlight.push({ s, r: io.send(s.cred ? { ...op, cred: s.cred } : op) });
  }

  /** Turns the answers of the steps in flight into transcript lines, in order. */
  private async settle(): Promise<void> {
    for (const { s, r } of this.inFlight) {
      const answer = await r;
      if (s.op.op === 'nlink') this.steps.push(`${stepText(s)} = ${answer.ok ? (answer.value as StatValue).nlink : resultText({ op: 'lstat', path: s.op.path }, answer, this.ids)}`);
      else this.steps.push(`${stepText(s)} = ${resultText(s.op, answer, this.ids)}`);
    }
    this.inFlight = [];
  }

  private async readRest(dir: string): Promise<string> {
    const names: DirEntry[] = [];
    for (let i = 0; i < 100_000; i++) {
      const r = await this.io.send({ op: 'readdir', dir });
      if (!r.ok) return resultText({ op: 'readdir', dir }, r, this.ids);
      if (r.value === null) break;
      const e = r.value as DirEntry;
      if (e.name !== '.' && e.name !== '..') names.push(e);
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return resultText({ op: 'listdir', path: dir }, { id: 0, ok: true, value: names }, this.ids);
  }

  /** A seekdir step names the position by its telldir alias number; send the raw value. */
  private resolvePositions(op: Op): Op {
    if (op.op !== 'seekdir') return op;
    return { ...op, pos: this.ids.pos.raw(Number(op.pos)) ?? -1 };
  }
}
