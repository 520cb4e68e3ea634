// Runs a list of cases on one target: a fresh layer set and mount per case, in one or more
// lanes that each have an executor of their own.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../suite/dsl.ts';
import { problems } from '../suite/dsl.ts';
import { judge, verdictText, type Judged } from './classify.ts';
import { loadExpected } from './golden.ts';
import { runCase } from './run-case.ts';
import { render } from './transcript/transcript.ts';
import { caseLayout, releaseUpperFs } from './case-layers.ts';
import { CaseSetupError, CaseTimeout } from './requests.ts';
import type { Target } from './targets/target.ts';
import { Cleanup } from './cleanup.ts';
import { UnsupportedFixture } from './layer-writer.ts';
import type { Workspace } from './workspace.ts';
import { LowerCache } from './lower-cache.ts';
import { applyV8Flags, quickRunFlags } from './v8-flags.ts';

export interface CaseResult extends Judged {
  id: string;
  transcript?: string;
  ms: number;
  ops: number;
  /** Why the harness could not run the case, when it could not. */
  error?: string;
}

export interface RunOptions {
  goldenDir: string;
  caseTimeoutMs: number;
  onResult?: (r: CaseResult, done: number, total: number) => void;
  onStart?: (id: string, done: number, total: number) => void;
  /** Cases run at once, each lane with its own executor (default: defaultJobs). */
  jobs?: number;
}

/** One lane per core on this machine (at most 4); one for a remote host, whose link is the limit. */
export function defaultJobs(target: Target): number {
  return target.host.local === true ? Math.min(availableParallelism(), 4) : 1;
}

/** Where a lane is: its executor, replaced when a case kills it. */
interface Lane {
  exec: Awaited<ReturnType<Workspace['spawnExecutor']>>;
  lowers: LowerCache;
}

/**
 * A new object's ctime comes from the kernel's coarse clock (a tick, 1 to 10 ms), multigrain
 * timestamps (Linux 6.13) or not: one a step makes (a copy, a whiteout, a directory made
 * again) within the tick in which its case's layers were written may carry the very ctime of
 * the fixture's object it replaces, and without multigrain timestamps a change in that tick
 * leaves a ctime as it was. Each case waits one tick (at most 10 ms, HZ=100) between
 * writing its layers and its first step.
 */
const TICK_MS = 11;

export async function runSuite(cases: Case[], target: Target, opts: RunOptions): Promise<CaseResult[]> {
  const skip = target.skipReason?.() ?? null;
  // Made first, so that a signal while the workspace is being made waits for its removal.
  const cleanup = new Cleanup(true);
  const ws = await target.host.workspace().catch(async (e: unknown) => {
    await cleanup.run();
    throw e;
  });
  const workspace = ws.dir;
  cleanup.add(() => ws.dispose());
  cleanup.add(() => target.close?.());
  // A kernel target's run on this machine is short: no optimizing compiler (v8-flags.ts).
  const quick = target.host.local === true && target.mount(target.layout(workspace, 1)).every((a) => 'send' in a);
  applyV8Flags(quickRunFlags(quick));
  const spawn = () => ws.spawnExecutor({ quick });
  const results: (CaseResult | undefined)[] = new Array(cases.length);
  let next = 0;
  let reported = 0;
  // Lanes finish out of order; results are handed on in case order.
  const report = () => {
    while (reported < cases.length && results[reported]) {
      opts.onResult?.(results[reported]!, reported + 1, cases.length);
      reported++;
    }
  };
  const runLane = async (_: unknown, n: number) => {
    const lane: Lane = { exec: await cleanup.executor(spawn), lowers: new LowerCache(workspace, `lowers-${n}`, (d) => ws.removeCaseDir(d)) };
    while (!cleanup.closing && next < cases.length) {
      const i = next++;
      opts.onStart?.(cases[i]!.id ?? `#${i}`, i, cases.length);
      results[i] = await oneCase(cases[i]!, i, lane);
      report();
    }
  };
  try {
    const jobs = Math.max(1, Math.min(opts.jobs ?? defaultJobs(target), cases.length));
    await Promise.all(Array.from({ length: jobs }, runLane));
  } finally {
    await cleanup.run();
  }
  return results.filter((r): r is CaseResult => r !== undefined);

  async function oneCase(c: Case, i: number, lane: Lane): Promise<CaseResult> {
    const id = typeof c.id === 'string' ? c.id : `#${i}`;
    const bad = problems(c);
    if (bad.length) return { id, verdict: { class: 'fail', why: 'broken-case' }, error: bad.join('; '), ms: 0, ops: 0 };
    if (skip) return { id, verdict: { class: 'skip', why: skip.tag }, ms: 0, ops: 0 };
    const cannot = target.skipCase?.(c) ?? null;
    if (cannot !== null) return { id, verdict: { class: 'skip', why: cannot }, ms: 0, ops: 0 };
    const caseDir = join(workspace, String(i).padStart(4, '0'));
    const layout = caseLayout(c, target, caseDir);
    const mountCleanup = cleanup.add(async () => {
      await target.abort(layout);
      await releaseUpperFs(target, layout, true);
    });
    const started = Date.now();
    try {
      const run = await runCase(c, target, lane.exec, layout, { timeoutMs: opts.caseTimeoutMs, lowers: lane.lowers, tickWaitMs: skip ? 0 : TICK_MS });
      const judged = judge(run.transcript, loadExpected(opts.goldenDir, id, c.accepts ?? []), { oracle: target.oracle, posix: c.posix });
      return { id, ...judged, transcript: render(run.transcript), ms: run.ms, ops: run.ops };
    } catch (e) {
      const ms = Date.now() - started;
      if (e instanceof UnsupportedFixture) return { id, verdict: { class: 'skip', why: e.message }, ms, ops: 0 };
      const timedOut = e instanceof CaseTimeout || (e instanceof Error && e.name === 'ExecutorTimeout');
      if (timedOut || (e instanceof Error && e.name === 'ExecutorGone')) {
        await lane.exec.kill();
        await target.abort(layout);
        await releaseUpperFs(target, layout, true);
        lane.lowers.clear();
        if (!cleanup.closing) lane.exec = await cleanup.executor(spawn);
      }
      const why = timedOut ? 'timeout' : e instanceof CaseSetupError ? 'setup' : 'error';
      return { id, verdict: { class: 'fail', why }, error: (e as Error).message, ms, ops: 0 };
    } finally {
      cleanup.remove(mountCleanup);
      try {
        await ws.removeCaseDir(caseDir);
      } catch (e) {
        process.stderr.write(`${id}: ${(e as Error).message}\n`);
      }
    }
  }
}

export const summaryCounts = (results: CaseResult[]) => {
  const counts: Record<string, number> = { pass: 0, deviation: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.verdict.class] = (counts[r.verdict.class] ?? 0) + 1;
  return counts;
};

export { verdictText };
export { SCRATCH_PREFIX } from './workspace.ts';
