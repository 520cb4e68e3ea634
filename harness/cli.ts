// union-conformance [--target T] [--tap] [--filter S] [--record DIR] [--list]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { allCases } from '../suite/index.ts';
import { makeTarget } from './targets/index.ts';
import { TargetError } from './targets/target.ts';
import { runSuite } from './run.ts';
import { caseReport, Progress, totals } from './report.ts';
import { tapReport } from './tap-report.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: union-conformance [--target NAME[:opts]] [--tap] [--filter TEXT] [--record DIR] [--timeout MS] [--list]
  --target   reference (default), plain, overlayfs[:redirect_dir=on,index=on,...], fuse-overlayfs
  --tap      print TAP instead of the text report
  --filter   run only cases whose id contains TEXT (repeatable)
  --record   also write each case's transcript to DIR/<id>.out
  --timeout  per-case time limit in ms (default 20000)
  --list     list case ids and exit`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        target: { type: 'string', default: process.env.TARGET || 'reference' },
        tap: { type: 'boolean', default: process.env.FORMAT === 'tap' },
        filter: { type: 'string', multiple: true },
        record: { type: 'string' },
        golden: { type: 'string', default: join(ROOT, 'results/golden') },
        timeout: { type: 'string', default: '20000' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const filters = args.filter ?? [];
  const cases = allCases().filter((c) => filters.length === 0 || filters.some((f) => String(c.id).includes(f)));
  if (args.list) {
    for (const c of cases) process.stdout.write(`${c.id}\n`);
    return 0;
  }
  const timeout = Number(args.timeout);
  if (!Number.isInteger(timeout) || timeout <= 0) {
    process.stderr.write(`--timeout must be a positive number of ms, got '${args.timeout}'\n`);
    return 2;
  }
  let target;
  try {
    target = makeTarget(args.target!);
  } catch (e) {
    if (e instanceof TargetError) {
      process.stderr.write(`union-conformance: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const missing = await target.check();
  if (missing) {
    process.stderr.write(`union-conformance: target ${target.name} cannot run here: ${missing}\n`);
    return 3;
  }
  const progress = new Progress(process.stderr);
  const started = Date.now();
  const results = await runSuite(cases, target, {
    goldenDir: args.golden!,
    caseTimeoutMs: timeout,
    onStart: (id, done, total) => progress.start(id, done, total),
    onResult: (r) => {
      progress.result(r);
      if (args.record && r.transcript) {
        const file = join(args.record, `${r.id}.out`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, r.transcript);
      }
      if (!args.tap) process.stdout.write(`${caseReport(r)}\n`);
    },
  });
  const ms = Date.now() - started;
  if (args.tap) await tapReport(results);
  else process.stdout.write(`${totals(target.name, results, ms)}\n`);
  return results.some((r) => r.verdict.class === 'fail') ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
