// make compare's recorded:TARGET column: a run recorded before, read back (not run again) and cut
// to this run's cases; a target with no recorded run is a one-line usage error.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareData } from '../harness/html/data.ts';
import { ROOT } from './fixtures/util.ts';

const CLI = join(ROOT, 'harness/bin/union-conformance');
const dir = mkdtempSync(join(tmpdir(), 'uc-recorded-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const compare = (...args: string[]) => spawnSync(CLI, ['--compare', '--results', dir, ...args], { encoding: 'utf8' });
const data = () => JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as CompareData;

t.test('a recorded column keeps the recorded verdicts of this run\'s cases', async (t) => {
  t.equal(compare('--filter', 'rename/', 'plain').status, 0, 'plain recorded');
  const recorded = Object.fromEntries(data().cases.map((c) => [c.id, c.results.plain?.verdict]));
  const r = compare('--filter', 'rename/lower', 'recorded:plain');
  t.equal(r.status, 0, r.stderr);
  const now = data();
  t.same(now.targets.map((c) => c.target), ['plain']);
  t.ok(now.cases.length > 0 && now.cases.length < Object.keys(recorded).length, 'cut to the cases of this run');
  for (const c of now.cases) t.equal(c.results.plain?.verdict, recorded[c.id], c.id);
  t.equal(now.targets[0]!.counts.pass + now.targets[0]!.counts.deviation + now.targets[0]!.counts.fail + now.targets[0]!.counts.skip, now.cases.length, 'counts of the cut');
});

t.test('no recorded run: one line, exit 2', async (t) => {
  const r = compare('recorded:overlayfs:nosuchoption');
  t.equal(r.status, 2);
  t.match(r.stderr, /^union-conformance: recorded:overlayfs:nosuchoption: no recorded run \(.*summary\.json is missing/);
});
