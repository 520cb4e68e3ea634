// union-conformance [--target T] [--tap] [--junit FILE] [--baseline FILE] [--filter S] [--record DIR] [--html FILE]
//   [--compare [--results DIR] T...] [--explain CASE] [--list]
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Case } from '../suite/dsl.ts';
import { CaseFileError, loadSuite } from './suite-load.ts';
import { stopCode, trapSignals } from './cleanup.ts';
import { makeTarget, targetNames } from './targets/index.ts';
import { TargetError, type Target } from './targets/target.ts';
import { runSuite, type CaseResult } from './run.ts';
import { caseReport, Progress, totals } from './report.ts';
import { tapReport } from './tap-report.ts';
import { junit } from './junit.ts';
import { BaselineError, gate, gateFails, gateReport, loadBaseline, type Baseline } from './baseline.ts';
import { clearRecord, recordedSummary, RecordError, recordSummary, recordTranscript, summarize, targetSlug, type RunSummary } from './record.ts';
import { writeCompare, writePage } from './compare.ts';
import { explainCase } from './explain.ts';
import { specFile } from './explain/spec-text.ts';
import { toolVersions } from './versions.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: union-conformance [options]
  --target NAME     the filesystem under test:
                      reference (default)    the bundled FUSE reference, unionref
                      plain                  a plain directory: the POSIX oracle
                      overlayfs[:OPTS]       kernel overlayfs; OPTS e.g. redirect_dir=on,index=on
                      fuse-overlayfs
                      unionfs-fuse
                      aufs[:OPTS]            kernel aufs (TARGET=uml:aufs where this kernel has none); OPTS e.g. udba=notify,dirperm1
                      custom:FILE            your own, described by FILE (harness/targets/custom.ts)
                      ssh://[user@]host[:port][/base]?fs=overlayfs|fuse-overlayfs|aufs[,OPTS]
                      uml[:overlayfs[:OPTS]|:fuse-overlayfs[:OPTS]|:aufs[:OPTS]|:reference]
  --tap             print TAP instead of the text report
  --junit FILE      also write JUnit XML to FILE
  --baseline FILE   known failures ("<target> <case id>" lines): only new failures and fixed ones fail the run
  --filter TEXT     run only cases whose id contains TEXT (repeatable)
  --record DIR      write the verdicts to DIR/summary.json and each transcript that differs from
                    its golden to DIR/<id>.out (summary.json lists the ones equal to golden)
  --html FILE       also write the comparison page (as results/compare.html) for this run to FILE
  --compare         run every target named after the options, record each under results/<target>/,
                    and write results/compare.md, compare.json and compare.html; recorded:TARGET
                    takes the run recorded under results/TARGET/ before, without running it again
  --results DIR     with --compare: record under DIR/<target>/ and write DIR/compare.* (default results/)
  --explain CASE    print the case (spec section, claim, layers, steps, golden transcript) and a bash
                    script that reproduces it on --target without the harness; SPEC=FILE adds the spec's words
  --timeout MS      per-case time limit (default 20000)
  --jobs N          cases run at once, each with its own executor and mount (default: one per core, at most 4;
                    1 on a remote host)
  --list            list case ids and exit
exit status: 0 no case failed, 1 a case failed, 2 bad usage or case file, 3 the target cannot run here,
  128+N on signal N (130 Ctrl-C, 143 SIGTERM), 141 stdout closed (as SIGPIPE would)`;

class UsageError extends Error {}

const RECORDED = 'recorded:';

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    // Whatever fails once the run is stopping fails because it is stopping.
    const stopping = stopCode();
    if (stopping !== null) return stopping;
    if (e instanceof UsageError || e instanceof TargetError || e instanceof BaselineError || e instanceof CaseFileError || e instanceof RecordError) {
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
      args: joinNegativeNumbers(argv),
      allowPositionals: true,
      options: {
        target: { type: 'string', default: process.env.TARGET || 'reference' },
        tap: { type: 'boolean', default: process.env.FORMAT === 'tap' },
        junit: { type: 'string' },
        baseline: { type: 'string' },
        filter: { type: 'string', multiple: true },
        record: { type: 'string' },
        compare: { type: 'boolean', default: false },
        results: { type: 'string', default: join(ROOT, 'results') },
        html: { type: 'string' },
        explain: { type: 'string' },
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
  if (args.html !== undefined && args.compare) throw new UsageError('--html is for a single run: --compare writes compare.html itself');
  if (parsed.positionals.length && !args.compare) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const filters = args.filter ?? [];
  const all = await loadSuite();
  if (args.explain !== undefined) {
    if (args.explain === '') throw new UsageError('--explain needs a case id (make explain CASE=...)');
    const c = all.find((x) => x.id === args.explain);
    if (!c) throw new UsageError(`--explain: no case '${args.explain}' (--list shows them)`);
    process.stdout.write(explainCase(c, makeTarget(args.target!), args.golden!, specFile()));
    return 0;
  }
  for (const f of filters) if (!all.some((c) => String(c.id).includes(f))) throw new UsageError(`--filter '${f}' matches no case id (--list shows them)`);
  const cases = all.filter((c) => filters.length === 0 || filters.some((f) => String(c.id).includes(f)));
  if (args.list) {
    for (const c of cases) process.stdout.write(`${c.id}\n`);
    return 0;
  }
  const timeoutMs = wholeNumber('--timeout', args.timeout!, 1, MAX_TIMEOUT_MS);
  const jobs = args.jobs === undefined ? undefined : wholeNumber('--jobs', args.jobs, 1, 64);
  const baseline = args.baseline ? loadBaseline(args.baseline) : undefined;
  const opts = { cases, timeoutMs, golden: args.golden!, tap: args.tap!, baseline, ...(jobs ? { jobs } : {}) };

  if (args.compare) {
    const names = parsed.positionals.length ? parsed.positionals : targetNames();
    // recorded:T is the run recorded under results/T/ earlier, not run again
    const columns = names.map((n) => (n.startsWith(RECORDED) ? recordedSummary(args.results!, n.slice(RECORDED.length)) : makeTarget(n)));
    const runs: { summary: RunSummary; results?: CaseResult[] }[] = [];
    for (const column of columns) {
      if (stopCode() !== null) break;
      if ('verdicts' in column) {
        runs.push({ summary: onlyCases(column, cases) });
        continue;
      }
      const r = await runTarget(column, { ...opts, record: join(args.results!, targetSlug(column.name)) });
      if (r.summary) runs.push({ summary: r.summary, results: r.results });
    }
    const stopping = stopCode();
    if (stopping !== null) return stopping;
    process.stdout.write(`wrote ${writeCompare(args.results!, runs, cases, specFile()).join(' ')}\n`);
    return 0;
  }

  const target = makeTarget(args.target!);
  const r = await runTarget(target, { ...opts, record: args.record });
  if (args.junit && stopCode() === null) writeFileSync(args.junit, junit(target.name, r.results, r.ms));
  if (args.html && stopCode() === null && r.code !== 3) {
    const summary = r.summary ?? summarize(target.name, r.results, r.ms, opts.golden, r.versions);
    writePage(args.html, { summary, results: r.results }, cases, specFile());
  }
  return r.code;
}

interface TargetRun {
  results: CaseResult[];
  ms: number;
  code: number;
  summary?: RunSummary;
  versions?: Record<string, string>;
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
  const versions = await toolVersions(target);
  const progress = new Progress(process.stderr);
  const started = Date.now();
  const results = await runSuite(o.cases, target, {
    goldenDir: o.golden,
    caseTimeoutMs: o.timeoutMs,
    ...(o.jobs ? { jobs: o.jobs } : {}),
    onStart: (id, done, total) => progress.start(id, done, total),
    onResult: (r) => {
      if (stopCode() !== null) return;
      progress.result(r);
      if (o.record) recordTranscript(o.record, r, o.golden);
      if (!o.tap) process.stdout.write(`${caseReport(r)}\n`);
    },
  });
  const ms = Date.now() - started;
  const stopping = stopCode();
  if (stopping !== null) return { results, ms, code: stopping, versions };
  const summary = o.record ? recordSummary(o.record, target.name, results, ms, o.golden, versions) : undefined;
  if (o.tap) await tapReport(results);
  else process.stdout.write(`${totals(target.name, results, ms)}\n`);
  let code = results.some((r) => r.verdict.class === 'fail') ? 1 : 0;
  if (o.baseline) {
    const g = gate(target.name, results, o.baseline);
    process.stderr.write(`${gateReport(g)}\n`);
    code = gateFails(g) ? 1 : 0;
  }
  return { results, ms, code, versions, ...(summary ? { summary } : {}) };
}

/** A recorded summary cut to the cases of this run (--filter), its counts with it. */
function onlyCases(summary: RunSummary, cases: Case[]): RunSummary {
  const verdicts = Object.fromEntries(cases.flatMap((c) => (summary.verdicts[String(c.id)] ? [[String(c.id), summary.verdicts[String(c.id)]!]] : [])));
  const counts: Record<string, number> = { pass: 0, deviation: 0, fail: 0, skip: 0 };
  for (const v of Object.values(verdicts)) counts[v.split(':')[0]!] = (counts[v.split(':')[0]!] ?? 0) + 1;
  return { ...summary, verdicts, counts };
}

/** Longer than a day is a mistake (and past 2^31 ms a timer fires at once). */
const MAX_TIMEOUT_MS = 86_400_000;

function wholeNumber(option: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

/** `--timeout -1` is a bad number, not a missing one: passed on as `--timeout=-1`, for wholeNumber to say so. */
function joinNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if ((argv[i] === '--timeout' || argv[i] === '--jobs') && next !== undefined && /^-\d/.test(next)) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

trapSignals();
process.exitCode = await main(process.argv.slice(2));
