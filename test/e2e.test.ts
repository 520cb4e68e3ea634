// The whole suite on plain and on kernel overlayfs, with the per-class counts asserted.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { allCases } from '../suite/index.ts';
import { runSuite, summaryCounts, type CaseResult } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { verdictText } from '../harness/classify.ts';
import { GOLDEN, leftMounts, ROOT } from './fixtures/util.ts';

const run = (target: string) => runSuite(allCases(), makeTarget(target), { goldenDir: GOLDEN, caseTimeoutMs: 20_000 });
const classes = (rs: CaseResult[]) => Object.fromEntries(rs.filter((r) => r.verdict.class !== 'pass').map((r) => [r.id, verdictText(r.verdict)]));

t.test('plain: the oracle differs from golden exactly where a case cites the spec for it', async (t) => {
  const rs = await run('plain');
  const cited = allCases().filter((c) => c.posix).map((c) => c.id).sort();
  t.same(Object.keys(classes(rs)).sort(), cited);
  t.same(summaryCounts(rs), { pass: rs.length - cited.length, deviation: cited.length, fail: 0, skip: 0 });
  t.same(leftMounts(), [], 'no mount left behind');
});

t.test('overlayfs: every case passes or deviates in a documented way', async (t) => {
  const rs = await run('overlayfs');
  const c = classes(rs);
  t.same(summaryCounts(rs), { pass: 790, deviation: 50, fail: 0, skip: 1 });
  const tags = Object.values(c).reduce<Record<string, number>>((n, v) => ({ ...n, [v]: (n[v] ?? 0) + 1 }), {});
  t.same(tags, {
    'deviation:in-memory-readdir': 1,
    'deviation:ro-fd-metadata-succeeds': 4,
    'deviation:fresh-fd-after-copyup': 3,
    'deviation:copyup-new-ctime': 40,
    'deviation:merged-dir-nlink': 2,
    'skip:format-has-no-fallthru': 1,
  });
  t.equal(c['ro-fd/read-after-copyup/write'], 'deviation:fresh-fd-after-copyup');
  t.equal(c['copyup/open-wronly/lower-deep3-big'], 'deviation:copyup-new-ctime');
  t.same(leftMounts(), [], 'no mount left behind');
});

t.test('overlayfs:redirect_dir=on,index=on: the option deviations appear under their tags', async (t) => {
  const rs = await run('overlayfs:redirect_dir=on,index=on');
  const c = classes(rs);
  t.equal(c['rename/dir/lower'], 'deviation:redirect-dir');
  t.equal(c['what-happens/rename-olddir'], 'deviation:redirect-dir');
  t.equal(c['link/lower-multiply-linked'], 'deviation:index-keeps-links');
  t.equal(c['copyup/chmod/lower-hardlinked'], 'deviation:index-keeps-links');
  t.equal(c['copyup/open-wronly/lower-hardlinked'], 'deviation:copyup-new-ctime+index-keeps-links');
  t.same(summaryCounts(rs), { pass: 722, deviation: 118, fail: 0, skip: 1 });
  t.same(leftMounts(), [], 'no mount left behind');
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
  t.same(leftMounts(), [], 'no mount left behind');
});

t.test('aufs where the kernel has none: every case is skipped with the reason, nothing fails', async (t) => {
  const rs = await runSuite(allCases().slice(0, 5), makeTarget('aufs'), { goldenDir: GOLDEN, caseTimeoutMs: 1000 });
  t.same(rs.map((r) => verdictText(r.verdict)), Array(5).fill('skip:no-aufs-in-kernel'));
});
