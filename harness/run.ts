// Runs a list of cases on one target: one executor, a fresh layer set and mount per case.
import { join } from 'node:path';
import type { Case } from '../suite/dsl.ts';
import { problems } from '../suite/dsl.ts';
import { judge, verdictText, type Judged } from './classify.ts';
import { loadExpected } from './golden.ts';
import { caseLayout, CaseSetupError, CaseTimeout, releaseUpperFs, runCase, type Executor } from './run-case.ts';
import type { Target } from './targets/target.ts';
import { Cleanup } from './cleanup.ts';
import { UnsupportedFixture } from './layer-writer.ts';

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
}

export async function runSuite(cases: Case[], target: Target, opts: RunOptions): Promise<CaseResult[]> {
  const skip = target.skipReason?.() ?? null;
  const ws = await target.host.workspace();
  const workspace = ws.dir;
  const cleanup = new Cleanup();
  cleanup.add(() => ws.dispose());
  cleanup.add(() => target.close?.());
  let exec = await cleanup.executor(() => ws.spawnExecutor());
  const results: CaseResult[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      if (cleanup.closing) break; // interrupted
      opts.onStart?.(c.id ?? `#${i}`, i, cases.length);
      const r = await oneCase(c, i);
      results.push(r);
      opts.onResult?.(r, i + 1, cases.length);
    }
  } finally {
    await cleanup.run();
  }
  return results;

  async function oneCase(c: Case, i: number): Promise<CaseResult> {
    const id = typeof c.id === 'string' ? c.id : `#${i}`;
    const bad = problems(c);
    if (bad.length) return { id, verdict: { class: 'fail', why: 'broken-case' }, error: bad.join('; '), ms: 0, ops: 0 };
    if (skip) return { id, verdict: { class: 'skip', why: skip.tag }, ms: 0, ops: 0 };
    const caseDir = join(workspace, String(i).padStart(4, '0'));
    const layout = caseLayout(c, target, caseDir);
    const mountCleanup = cleanup.add(async () => {
      await target.abort(layout);
      await releaseUpperFs(target, layout, true);
    });
    const started = Date.now();
    try {
      await mustOk(exec, { op: 'root', path: workspace });
      await mustOk(exec, { op: 'mkdir', path: caseDir.slice(workspace.length + 1), mode: 0o755 });
      const run = await runCase(c, target, exec, caseDir, opts.caseTimeoutMs);
      const judged = judge(id, run.transcript, loadExpected(opts.goldenDir, id, c.accepts ?? []), { oracle: target.oracle, posix: c.posix });
      return { id, ...judged, transcript: run.transcript, ms: run.ms, ops: run.ops };
    } catch (e) {
      const ms = Date.now() - started;
      if (e instanceof UnsupportedFixture) return { id, verdict: { class: 'skip', why: e.message }, ms, ops: 0 };
      const timedOut = e instanceof CaseTimeout || (e instanceof Error && e.name === 'ExecutorTimeout');
      if (timedOut || (e instanceof Error && e.name === 'ExecutorGone')) {
        await exec.kill();
        await target.abort(layout);
        await releaseUpperFs(target, layout, true);
        if (!cleanup.closing) exec = await cleanup.executor(() => ws.spawnExecutor());
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

async function mustOk(exec: Executor, op: Parameters<Executor['call']>[0]): Promise<void> {
  const r = await exec.call(op, 10_000);
  if (!r.ok) throw new CaseSetupError(`${op.op}: ${'errno' in r ? r.errno : r.refused}`);
}

export const summaryCounts = (results: CaseResult[]) => {
  const counts: Record<string, number> = { pass: 0, deviation: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.verdict.class] = (counts[r.verdict.class] ?? 0) + 1;
  return counts;
};

export { verdictText };
export { SCRATCH_PREFIX } from './workspace.ts';
