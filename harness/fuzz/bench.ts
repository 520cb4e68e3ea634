// make bench-fuzz: in one run, the suite's cases per second and the fuzzer's
// programs per second on the same targets (BENCH_TARGETS, default "reference
// overlayfs"), alternating, BENCH_RUNS rounds (default 2), the medians compared.
// Goal (issue 11): a program of ~15 steps costs at most 2x a suite case.
import { fileURLToPath } from 'node:url';
import { allCases } from '../../suite/index.ts';
import { runSuite } from '../run.ts';
import { makeTarget } from '../targets/index.ts';
import { runPrograms, judgeProgram, type FuzzTarget } from './batch.ts';
import { targetTags } from './model.ts';
import { programCase, programsAt } from './program-case.ts';

const GOAL = 2;
const names = process.argv.slice(2).length ? process.argv.slice(2) : ['reference', 'overlayfs'];
const rounds = Number(process.env.BENCH_RUNS ?? 2);
const count = Number(process.env.BENCH_PROGRAMS ?? 256);
for (const [name, v] of [['BENCH_RUNS', rounds], ['BENCH_PROGRAMS', count]] as const) {
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`bench-fuzz: ${name} must be a whole number of at least 1\n`);
    process.exit(2);
  }
}
const results = fileURLToPath(new URL('../../results', import.meta.url));
const targets: FuzzTarget[] = names.map((n) => {
  const target = makeTarget(n);
  return { target, tags: targetTags(results, target.name, target.oracle) };
});
for (const { target } of targets) {
  const missing = await target.check();
  if (missing) {
    process.stderr.write(`bench-fuzz: target ${target.name} cannot run here: ${missing}\n`);
    process.exit(3);
  }
}
const cases = allCases();
const programs = programsAt(1, 0, count).map((p, i) => programCase(`p${i}`, p));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = async (f: () => Promise<unknown>) => {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

const suite: number[] = [];
const fuzz: number[] = [];
for (let r = 0; r < rounds; r++) {
  suite.push(await seconds(async () => {
    for (const { target } of targets) await runSuite(cases, target, { goldenDir: fileURLToPath(new URL('../../results/golden', import.meta.url)), caseTimeoutMs: 20_000 });
  }));
  fuzz.push(await seconds(async () => {
    const outcomes = await runPrograms(programs, targets, 20_000);
    programs.forEach((c, i) => judgeProgram(c, outcomes[i]!, targets));
  }));
}
const caseRate = cases.length / median(suite);
const programRate = programs.length / median(fuzz);
const ratio = caseRate / programRate;
process.stdout.write(`targets: ${names.join(' ')}; ${rounds} round(s), medians\n`);
process.stdout.write(`suite:  ${cases.length} cases, ${mean(cases.map((c) => c.steps.length)).toFixed(1)} steps each, ${median(suite).toFixed(2)} s: ${caseRate.toFixed(1)} cases/s\n`);
process.stdout.write(`fuzzer: ${programs.length} programs, ${mean(programs.map((c) => c.steps.length)).toFixed(1)} steps each, ${median(fuzz).toFixed(2)} s: ${programRate.toFixed(1)} programs/s\n`);
process.stdout.write(`a program costs ${ratio.toFixed(2)}x a suite case (goal: at most ${GOAL}x): ${ratio <= GOAL ? 'met' : 'MISSED'}\n`);
