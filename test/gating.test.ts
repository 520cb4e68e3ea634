import t from 'tap';
import { gate, gateFails, parseBaseline, BaselineError } from '../harness/baseline.ts';
import { junit } from '../harness/junit.ts';
import { compareMarkdown } from '../harness/compare.ts';
import type { CaseResult } from '../harness/run.ts';

const r = (id: string, verdict: CaseResult['verdict'], extra: Partial<CaseResult> = {}): CaseResult => ({ id, verdict, ms: 12, ops: 3, ...extra });

t.test('a baseline names known failures per target; bad lines are errors naming the line', async (t) => {
  const b = parseBaseline('# known\nfuse-overlayfs mkdir/over-whiteout\nfuse-overlayfs link/x # comment\n\noverlayfs a/b\n');
  t.same([...b.get('fuse-overlayfs')!], ['mkdir/over-whiteout', 'link/x']);
  t.throws(() => parseBaseline('only-one-word\n', 'base.txt'), new BaselineError('base.txt:1: expected "<target> <case id>", got "only-one-word"'));
});

t.test('only new failures and fixed known failures fail the gate', async (t) => {
  const b = parseBaseline('fo known/fail\nfo known/fixed\n');
  const rs = [r('known/fail', { class: 'fail' }), r('known/fixed', { class: 'pass' }), r('ok/case', { class: 'deviation', tag: 'posix' })];
  const g = gate('fo', rs, b);
  t.same(g, { newFailures: [], fixed: ['known/fixed'], known: ['known/fail'] });
  t.ok(gateFails(g));
  t.notOk(gateFails(gate('fo', rs.slice(0, 1), b)), 'a known failure alone passes the gate');
  t.same(gate('other', rs, b).newFailures, ['known/fail'], 'baselines are per target');
});

t.test('JUnit XML has a testcase per case, failures with the diff, escaped', async (t) => {
  const xml = junit('overlayfs', [
    r('a/b', { class: 'pass' }),
    r('a/c', { class: 'fail', why: 'timeout' }, { diff: '-x <y> & "z"\n' }),
    r('a/d', { class: 'skip', why: 'no aufs' }),
    r('a/e', { class: 'deviation', tag: 'posix' }),
  ], 1234);
  t.match(xml, /<testsuite name="overlayfs" tests="4" failures="1" skipped="1" time="1.234">/);
  t.match(xml, /<testcase classname="overlayfs.a" name="a\/b" time="0.012"\/>/);
  t.match(xml, /<failure message="fail:timeout" type="fail:timeout">-x &lt;y&gt; &amp; &quot;z&quot;/);
  t.match(xml, /<skipped message="no aufs"\/>/);
  t.match(xml, /<system-out>deviation:posix: posix: a plain POSIX directory/);
});

t.test('the comparison lists totals, then disagreements with failures first', async (t) => {
  const run = (target: string, verdicts: Record<string, string>) => ({ target, kernel: 'k', wallMs: 1000, ops: 5, counts: { pass: 1 }, verdicts });
  const md = compareMarkdown([run('A', { x: 'pass', y: 'pass', z: 'deviation:posix' }), run('B', { x: 'pass', y: 'fail', z: 'pass' })]);
  t.match(md, /\| `A` \| k \| 3 \| 1 \|/);
  const disagree = md.split('## Cases where targets disagree (2)')[1]!.split('## Every case')[0]!;
  t.ok(disagree.indexOf('| y |') < disagree.indexOf('| z |'), 'failing case first');
  t.notMatch(disagree, /\| x \|/);
});
