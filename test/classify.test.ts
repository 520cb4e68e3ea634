import t from 'tap';
import { judge, verdictText } from '../harness/classify.ts';

const golden = '# a/b\n== steps\nrename d e = EXDEV\n== merged\nd: dir\n== upper\n== lower\nlower0: unchanged\n';
const redirect = '# a/b\n== steps\nrename d e = 0\n== merged\ne: dir\n== upper\ne: dir redirect="d"\nd: whiteout\n== lower\nlower0: unchanged\n';
const expected = { main: golden, alternatives: new Map([['redirect-dir', redirect]]) };

t.test('equal to golden is pass', async (t) => {
  t.same(judge('a/b', golden, expected, { oracle: false }).verdict, { class: 'pass' });
});

t.test('equal to an accepted alternative is a deviation with its tag, and shows the diff', async (t) => {
  const j = judge('a/b', redirect, expected, { oracle: false });
  t.equal(verdictText(j.verdict), 'deviation:redirect-dir');
  t.match(j.diff, /-rename d e = EXDEV\n\+rename d e = 0/);
});

t.test('anything else fails, with a unified diff against the golden', async (t) => {
  const j = judge('a/b', golden.replace('EXDEV', 'EPERM'), expected, { oracle: false });
  t.equal(verdictText(j.verdict), 'fail');
  t.match(j.diff, /@@/);
});

t.test('a changed lower layer fails even when the rest matches', async (t) => {
  const j = judge('a/b', golden.replace('unchanged', 'CHANGED ~f'), { main: golden.replace('unchanged', 'CHANGED ~f'), alternatives: new Map() }, { oracle: false });
  t.equal(verdictText(j.verdict), 'fail:lower-changed');
});

t.test('no golden file is a failure that says so', async (t) => {
  t.equal(verdictText(judge('a/b', golden, { alternatives: new Map() }, { oracle: false }).verdict), 'fail:no-golden');
});

t.test('the oracle compares steps and merged view only; a cited difference is deviation:posix', async (t) => {
  const plainSame = '# a/b\n== steps\nrename d e = EXDEV\n== merged\nd: dir\n';
  t.equal(verdictText(judge('a/b', plainSame, expected, { oracle: true }).verdict), 'pass');
  const plainDiff = '# a/b\n== steps\nrename d e = 0\n== merged\ne: dir\n';
  t.equal(verdictText(judge('a/b', plainDiff, expected, { oracle: true, posix: 'cited' }).verdict), 'deviation:posix');
  t.equal(verdictText(judge('a/b', plainDiff, expected, { oracle: true }).verdict), 'fail');
});
