// union-conformance [--target T] [--tap] [--junit FILE] [--baseline FILE] [--filter S] [--record DIR] [--compare T...] [--list]
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Case } from '../suite/dsl.ts';
import { allCases } from '../suite/index.ts';
import { makeTarget, targetNames } from './targets/index.ts';
import { TargetError, type Target } from './targets/target.ts';
import { runSuite, type CaseResult } from './run.ts';
import { caseReport, Progress, totals } from './report.ts';
import { tapReport } from './tap-report.ts';
import { junit } from './junit.ts';
import { BaselineError, gate, gateFails, gateReport, loadBaseline, type Baseline } from './baseline.ts';
import { clearRecord, recordSummary, recordTranscript, targetSlug, type RunSummary } from './record.ts';
import { writeCompare } from './compare.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: union-conformance [options]
  --target NAME     reference (default), plain, overlayfs[:redirect_dir=on,index=on,...], fuse-overlayfs
  --tap             print TAP instead of the text report
  --junit FILE      also write JUnit XML to FILE
  --baseline FILE   known failures ("<target> <case id>" lines): only new failures and fixed ones fail the run
  --filter TEXT     run only cases whose id contains TEXT (repeatable)
  --record DIR      write the verdicts to DIR/summary.json and each transcript that differs from
                    its golden to DIR/<id>.out (summary.json lists the ones equal to golden)
  --compare         run every target named after the options, record each under results/<target>/,
                    and write results/compare.md
  --timeout MS      per-case time limit (default 20000)
  --jobs N          cases run at once, each with its own executor and mount (default: one per core, at most 4;
                    1 on a remote host)
  --list            list case ids and exit`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof TargetError || e instanceof BaselineError) {
      process.stderr.write(`union-conformance: ${e.message}\n`);
      if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        target: { type: 'string', default: process.env.TARGET || 'reference' },
        tap: { type: 'boolean', default: process.env.FORMAT === 'tap' },
        junit: { type: 'string' },
        baseline: { type: 'string' },
        filter: { type: 'string', multiple: true },
        record: { type: 'string' },
        compare: { type: 'boolean', default: false },
        golden: { type: 'string', default: join(ROOT, 'results/golden') },
        timeout: { type: 'string', default: '20000' },
        jobs: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const args = parsed.values;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length && !args.compare) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const filters = args.filter ?? [];
  const cases = allCases().filter((c) => filters.length === 0 || filters.some((f) => String(c.id).includes(f)));
  if (args.list) {
    for (const c of cases) process.stdout.write(`${c.id}\n`);
    return 0;
  }
  const timeoutMs = Number(args.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of ms, got '${args.timeout}'`);
  const jobs = args.jobs === undefined ? undefined : Number(args.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) throw new UsageError(`--jobs must be a whole number from 1 to 64, got '${args.jobs}'`);
  const baseline = args.baseline ? loadBaseline(args.baseline) : undefined;
  const opts = { cases, timeoutMs, golden: args.golden!, tap: args.tap!, baseline, ...(jobs ? { jobs } : {}) };

  if (args.compare) {
    const names = parsed.positionals.length ? parsed.positionals : targetNames();
    const targets = names.map((n) => makeTarget(n));
    const runs: RunSummary[] = [];
    for (const target of targets) {
      const dir = join(ROOT, 'results', targetSlug(target.name));
      const r = await runTarget(target, { ...opts, record: dir });
      if (r.summary) runs.push(r.summary);
    }
    process.stdout.write(`wrote ${writeCompare(join(ROOT, 'results'), runs)}\n`);
    return 0;
  }

  const target = makeTarget(args.target!);
  const r = await runTarget(target, { ...opts, record: args.record });
  if (args.junit) writeFileSync(args.junit, junit(target.name, r.results, r.ms));
  return r.code;
}

interface TargetRun {
  results: CaseResult[];
  ms: number;
  code: number;
  summary?: RunSummary;
}

async function runTarget(
  target: Target,
  o: { cases: Case[]; timeoutMs: number; golden: string; tap: boolean; baseline?: Baseline; record?: string; jobs?: number },
): Promise<TargetRun> {
  const missing = await target.check();
  if (missing) {
    process.stderr.write(`union-conformance: target ${target.name} cannot run here: ${missing}\n`);
    return { results: [], ms: 0, code: 3 };
  }
  const skip = target.skipReason?.();
  if (skip) process.stderr.write(`union-conformance: target ${target.name}: every case is skipped: ${skip.why}\n`);
  if (o.record) clearRecord(o.record);
  const progress = new Progress(process.stderr);
  const started = Date.now();
  const results = await runSuite(o.cases, target, {
    goldenDir: o.golden,
    caseTimeoutMs: o.timeoutMs,
    ...(o.jobs ? { jobs: o.jobs } : {}),
    onStart: (id, done, total) => progress.start(id, done, total),
    onResult: (r) => {
      progress.result(r);
      if (o.record) recordTranscript(o.record, r, o.golden);
      if (!o.tap) process.stdout.write(`${caseReport(r)}\n`);
    },
  });
  const ms = Date.now() - started;
  const summary = o.record ? recordSummary(o.record, target.name, results, ms, o.golden) : undefined;
  if (o.tap) await tapReport(results);
  else process.stdout.write(`${totals(target.name, results, ms)}\n`);
  let code = results.some((r) => r.verdict.class === 'fail') ? 1 : 0;
  if (o.baseline) {
    const g = gate(target.name, results, o.baseline);
    process.stderr.write(`${gateReport(g)}\n`);
    code = gateFails(g) ? 1 : 0;
  }
  return { results, ms, code, ...(summary ? { summary } : {}) };
}

process.exitCode = await main(process.argv.slice(2));
