// make fuzz TARGETS="reference overlayfs" [SEED=n] [RUNS=n | TIME=s] [REPLAY=path]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeTarget } from '../targets/index.ts';
import { TargetError } from '../targets/target.ts';
import { runPrograms, judgeProgram, type FuzzTarget } from './batch.ts';
import { summary } from './found.ts';
import { fuzz, type FuzzReport } from './fuzz.ts';
import { KnownError, loadKnown } from './known.ts';
import { targetTags } from './model.ts';
import { programAtPath, programCase } from './program-case.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const USAGE = `usage: fuzz --targets "T1 T2 ..." [--seed N] [--runs N | --time S] [--replay PATH]
  --targets LIST    two or more targets, separated by spaces (as make conformance names them)
  --seed N          the generator's seed (default: a random one, printed)
  --runs N          run N programs (default 200 unless --time is given)
  --time S          run programs for S seconds
  --replay PATH     run the one program at PATH of the seed (from a finding's summary) and show its transcripts
  --known FILE      known findings (default results/fuzz-known.txt)
  --found DIR       where new findings are written (default suite/found; '' writes none)
  --batch N         programs per batch (default 128)
  --max-shrinks N   findings shrunk at most (default 20)
  --timeout MS      per-program time limit (default 20000)`;

class UsageError extends Error {}

function whole(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, got '${v}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        targets: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, time: { type: 'string' }, replay: { type: 'string' },
        known: { type: 'string', default: join(ROOT, 'results/fuzz-known.txt') }, found: { type: 'string', default: join(ROOT, 'suite/found') },
        batch: { type: 'string', default: '128' }, 'max-shrinks': { type: 'string', default: '20' }, timeout: { type: 'string', default: '20000' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const names = [...(v.targets ?? '').split(/\s+/), ...parsed.positionals].filter(Boolean);
  if (names.length < 2) throw new UsageError(`name two targets or more to compare, got ${names.length}`);
  if (v.runs !== undefined && v.time !== undefined) throw new UsageError('give --runs or --time, not both');
  if (v.replay !== undefined && !/^\d+(:\d+)*$/.test(v.replay)) throw new UsageError(`--replay takes a path like 12:0:3, got '${v.replay}'`);
  const seed = v.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : whole('seed', v.seed, 0)!;
  const targets: FuzzTarget[] = names.map((n) => {
    const target = makeTarget(n);
    return { target, tags: targetTags(join(ROOT, 'results'), target.name, target.oracle) };
  });
  for (const { target } of targets) {
    const missing = await target.check();
    if (missing) throw new TargetError(`target ${target.name} cannot run here: ${missing}`);
  }
  const caseTimeoutMs = whole('timeout', v.timeout, 1)!;
  if (v.replay !== undefined) return replay(targets, seed, v.replay, caseTimeoutMs);
  const known = loadKnown(v.known!);
  const limit = v.time !== undefined ? { seconds: whole('time', v.time, 1)! } : { runs: whole('runs', v.runs ?? '200', 1)! };
  const batch = whole('batch', v.batch, 1)!;
  const maxShrinks = whole('max-shrinks', v['max-shrinks'], 0)!;
  process.stdout.write(`seed ${seed}\n`);
  const r = await fuzz({
    targets, seed, known, caseTimeoutMs, batch, maxShrinks, ...limit,
    ...(v.found ? { foundDir: resolve(v.found) } : {}),
    progress: (line) => process.stderr.write(`fuzz: ${line}\n`),
  });
  process.stdout.write(report(r));
  return r.findings.some((f) => !f.known) || r.unshrunk.size ? 1 : 0;
}

function report(r: FuzzReport): string {
  const out = [`programs run: ${r.programs} in ${r.seconds.toFixed(1)} s (${(r.programs / r.seconds).toFixed(1)} programs/s)`];
  for (const [pair, t] of r.pairs) {
    const tags = Object.entries(t.explained).map(([tag, n]) => `${tag} ${n}`).join(', ');
    out.push(`${pair}: ${t.programs} programs: ${t.agree} agree, explained by tags: ${tags || 'none'}; ${t.findings} unexplained, ${t.skipped} skipped, ${t.failed} failed on both`);
  }
  const fresh = r.findings.filter((f) => !f.known);
  out.push(`findings: ${r.findings.length} (${fresh.length} new)`);
  for (const f of r.findings) {
    out.push(`  ${f.known ? 'known' : 'NEW  '} ${f.id} ${summary(f)}`);
    out.push(`        ${f.program.steps.length} steps, ${f.program.layers.lowers.length} lowers; ${f.alike} alike; seed ${f.seed} path ${f.path}${f.dir ? `; ${f.dir}` : ''}`);
    if (f.known) out.push(`        ${f.known.reason}`);
  }
  for (const [key, n] of r.unshrunk) out.push(`  unshrunk (over --max-shrinks): ${key} (${n} alike)`);
  return `${out.join('\n')}\n`;
}

async function replay(targets: FuzzTarget[], seed: number, path: string, caseTimeoutMs: number): Promise<number> {
  const c = programCase('replay', programAtPath(seed, path));
  const [outcomes] = await runPrograms([c], targets, caseTimeoutMs);
  process.stdout.write(`layers ${JSON.stringify(c.layers)}\n`);
  targets.forEach((t, i) => {
    const o = outcomes![i]!;
    process.stdout.write(`---- ${t.target.name}\n${o.kind === 'ran' ? o.transcript : `(${o.kind}: ${o.why})\n`}`);
  });
  let code = 0;
  for (const v of judgeProgram(c, outcomes!, targets)) {
    const j = v.judgement;
    const pair = { a: targets[v.a]!.target.name, b: targets[v.b]!.target.name };
    const text = j.kind === 'finding' ? `UNEXPLAINED ${summary({ ...pair, split: j.split })}` : j.kind === 'explained' ? `explained by ${j.tags.join(', ')}` : j.kind === 'agree' ? 'agree' : `${j.kind}: ${j.why}`;
    if (j.kind === 'finding') code = 1;
    process.stdout.write(`${pair.a} / ${pair.b}: ${text}\n`);
  }
  return code;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError || e instanceof TargetError || e instanceof KnownError)) throw e;
  process.stderr.write(`fuzz: ${e.message}\n`);
  if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}
