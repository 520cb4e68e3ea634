// make bench-suite: the whole suite per target, timed. Goals (issue 4): overlayfs
// at >= 2,000 checked operations/s and within 20 s; the reference within 60 s.
import { allCases } from '../suite/index.ts';
import { runSuite, summaryCounts } from './run.ts';
import { makeTarget } from './targets/index.ts';
import { fileURLToPath } from 'node:url';

const GOALS: Record<string, { seconds: number; opsPerSecond?: number }> = {
  overlayfs: { seconds: 20, opsPerSecond: 2000 },
  reference: { seconds: 60 },
};

const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['overlayfs', 'reference', 'fuse-overlayfs'];
const cases = allCases();
const golden = fileURLToPath(new URL('../results/golden', import.meta.url));
process.stdout.write(`${'target'.padEnd(40)} cases   ops   wall s   ops/s   ms/case  goal\n`);
for (const name of targets) {
  const target = makeTarget(name);
  const missing = await target.check();
  if (missing) {
    process.stdout.write(`${name.padEnd(40)} cannot run here: ${missing}\n`);
    continue;
  }
  const started = process.hrtime.bigint();
  const rs = await runSuite(cases, target, { goldenDir: golden, caseTimeoutMs: 20_000 });
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  const ops = rs.reduce((n, r) => n + r.ops, 0);
  const goal = GOALS[name];
  const verdict = goal
    ? `${s <= goal.seconds ? 'met' : 'MISSED'} (<= ${goal.seconds} s${goal.opsPerSecond ? `, >= ${goal.opsPerSecond} ops/s: ${ops / s >= goal.opsPerSecond ? 'met' : 'MISSED'}` : ''})`
    : '';
  const c = summaryCounts(rs);
  process.stdout.write(
    `${name.padEnd(40)} ${String(rs.length).padStart(5)} ${String(ops).padStart(5)} ${s.toFixed(1).padStart(8)} ${(ops / s).toFixed(0).padStart(7)} ${((s * 1000) / rs.length).toFixed(1).padStart(9)}  ${verdict}   [${c.pass} pass, ${c.deviation} deviation, ${c.fail} fail]\n`,
  );
}
