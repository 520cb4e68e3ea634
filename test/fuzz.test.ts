// The fixed-seed fuzzing run of `make test`: reference, overlayfs and plain on the
// same 128 programs (about 30 s on a quiet machine); it fails only on a finding that
// results/fuzz-known.txt does not list.
import t from 'tap';
import { join } from 'node:path';
import { makeTarget } from '../harness/targets/index.ts';
import { SCRATCH_PREFIX } from '../harness/run.ts';
import { fuzz } from '../harness/fuzz/fuzz.ts';
import { loadKnown } from '../harness/fuzz/known.ts';
import { targetTags } from '../harness/fuzz/model.ts';
import { summary } from '../harness/fuzz/found.ts';
import { leftMounts, ROOT } from './fixtures/util.ts';

const SEED = 11;
const RUNS = 128;

t.test(`fuzzing reference, overlayfs and plain (seed ${SEED}, ${RUNS} programs) finds nothing new`, async (t) => {
  const targets = ['reference', 'overlayfs', 'plain'].map((n) => {
    const target = makeTarget(n);
    return { target, tags: targetTags(join(ROOT, 'results'), n, target.oracle) };
  });
  const r = await fuzz({
    targets, seed: SEED, runs: RUNS, batch: 128, maxShrinks: 5, caseTimeoutMs: 20_000,
    known: loadKnown(join(ROOT, 'results/fuzz-known.txt')),
  });
  t.equal(r.programs, RUNS);
  t.same(r.findings.filter((f) => !f.known).map((f) => `${f.id} ${summary(f)} (seed ${f.seed} path ${f.path})`), [], 'no new finding');
  t.same([...r.unshrunk.keys()], [], 'every kind of difference shrunk');
  for (const [pair, tally] of r.pairs) t.equal(tally.failed + tally.skipped, 0, `${pair}: every program ran on both`);
  // Only this process's: other runs on the machine have scratch mounts of their own.
  t.same(leftMounts().filter((l) => l.includes(`/${SCRATCH_PREFIX}${process.pid}-`)), [], 'no mount left behind');
});
