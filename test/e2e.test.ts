// The whole suite on plain and on kernel overlayfs: what must hold on any kernel (fixtures/invariants.ts).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { allCases } from '../suite/index.ts';
import { runSuite, type CaseResult } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { verdictText } from '../harness/classify.ts';
import { GOLDEN, ROOT, runMounts } from './fixtures/util.ts';
import { assertInvariants } from './fixtures/invariants.ts';

const run = (target: string) => runSuite(allCases(), makeTarget(target), { goldenDir: GOLDEN, caseTimeoutMs: 20_000 });
const classes = (rs: CaseResult[]) => Object.fromEntries(rs.filter((r) => r.verdict.class !== 'pass').map((r) => [r.id, verdictText(r.verdict)]));

t.test('plain: the oracle differs from golden exactly where a case cites the spec for it', async (t) => {
  const rs = await run('plain');
  const cited = allCases().filter((c) => c.posix).map((c) => c.id).sort();
  t.same(Object.keys(classes(rs)).sort(), cited);
  assertInvariants(t, 'plain', true, allCases(), rs);
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('overlayfs: every case passes or deviates in a documented way', async (t) => {
  const rs = await run('overlayfs');
  assertInvariants(t, 'overlayfs', false, allCases(), rs);
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('overlayfs:redirect_dir=on,index=on: the option deviations appear under their tags', async (t) => {
  const target = 'overlayfs:redirect_dir=on,index=on';
  const rs = await run(target);
  const c = classes(rs);
  // What the options do, whatever else the kernel adds to these cases' tags.
  for (const id of ['rename/dir/lower', 'what-happens/rename-olddir']) t.match(c[id], /^deviation:(.*\+)?redirect-dir(\+|$)/, id);
  for (const id of ['link/lower-multiply-linked', 'copyup/chmod/lower-hardlinked', 'copyup/open-wronly/lower-hardlinked']) t.match(c[id], /^deviation:(.*\+)?index-keeps-links(\+|$)/, id);
  assertInvariants(t, target, false, allCases(), rs);
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('golden transcripts exist for every case and name their case', async (t) => {
  for (const c of allCases()) t.match(readFileSync(`${GOLDEN}/${c.id}.out`, 'utf8'), new RegExp(`^# ${c.id}\\n`), c.id);
});

t.test('a custom target described by a config file behaves as the built-in adapter it describes', async (t) => {
  const slice = allCases().filter((c) => /^(mkdir|rmdir|link|copyup\/chmod)\//.test(c.id));
  const opts = { goldenDir: GOLDEN, caseTimeoutMs: 20_000 };
  const builtIn = await runSuite(slice, makeTarget('fuse-overlayfs'), opts);
  const custom = await runSuite(slice, makeTarget(`custom:${ROOT}harness/targets/examples/fuse-overlayfs.conf`), opts);
  t.same(custom.map((r) => [r.id, verdictText(r.verdict), r.transcript]), builtIn.map((r) => [r.id, verdictText(r.verdict), r.transcript]));
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('aufs where the kernel has none: every case is skipped with the reason, nothing fails', async (t) => {
  const rs = await runSuite(allCases().slice(0, 5), makeTarget('aufs'), { goldenDir: GOLDEN, caseTimeoutMs: 1000 });
  t.same(rs.map((r) => verdictText(r.verdict)), Array(5).fill('skip:no-aufs-in-kernel'));
});
