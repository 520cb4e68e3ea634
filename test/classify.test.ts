import t from 'tap';
import { goldenSections, judge, verdictText } from '../harness/classify.ts';
import type { Transcript } from '../harness/transcript/transcript.ts';
import { render } from '../harness/transcript/transcript.ts';

const golden: Transcript = { id: 'a/b', steps: [{ call: 'rename d e', answer: 'EXDEV' }], merged: ['d: dir'], upper: [], lower: [{ index: 0, changes: [] }] };
const redirect: Transcript = {
  id: 'a/b', steps: [{ call: 'rename d e', answer: '0' }], merged: ['e: dir'], upper: ['e: dir redirect="d"', 'd: whiteout'], lower: [{ index: 0, changes: [] }],
};
const expected = { main: render(golden), alternatives: new Map([['redirect-dir', render(redirect)]]) };
const failing = (over: Partial<Transcript>): Transcript => ({ ...golden, ...over });

t.test('a golden file reads back into the sections it was rendered from', async (t) => {
  t.same(goldenSections(render(redirect)), { header: '# a/b', sections: { steps: ['rename d e = 0'], merged: ['e: dir'], upper: ['e: dir redirect="d"', 'd: whiteout'], lower: ['lower0: unchanged'] } });
  t.same(goldenSections('# x\n== steps\n== merged\n'), { header: '# x', sections: { steps: [], merged: [] } });
});

t.test('equal to golden is pass', async (t) => {
  t.same(judge(golden, expected, { oracle: false }).verdict, { class: 'pass' });
});

t.test('equal to an accepted alternative is a deviation with its tag, and shows the diff', async (t) => {
  const j = judge(redirect, expected, { oracle: false });
  t.equal(verdictText(j.verdict), 'deviation:redirect-dir');
  t.match(j.diff, /-rename d e = EXDEV\n\+rename d e = 0/);
});

t.test('anything else fails, with a unified diff against the golden', async (t) => {
  const j = judge(failing({ steps: [{ call: 'rename d e', answer: 'EPERM' }] }), expected, { oracle: false });
  t.equal(verdictText(j.verdict), 'fail');
  t.match(j.diff, /^--- golden\/[^\n]+\n\+\+\+ actual\/[^\n]+\n@@/, 'the diff names both sides, golden first');
  t.equal(verdictText(judge(failing({ upper: ['d: whiteout'] }), expected, { oracle: false }).verdict), 'fail', 'a difference in one section is enough');
});

t.test('a changed lower layer fails even when the rest matches its golden', async (t) => {
  const changed = failing({ lower: [{ index: 0, changes: ['~f'] }] });
  const j = judge(changed, { main: render(changed), alternatives: new Map() }, { oracle: false });
  t.equal(verdictText(j.verdict), 'fail:lower-changed');
});

t.test('no golden file is a failure that says so', async (t) => {
  t.equal(verdictText(judge(golden, { alternatives: new Map() }, { oracle: false }).verdict), 'fail:no-golden');
});

t.test('the oracle compares steps and merged view only; a cited difference is deviation:posix', async (t) => {
  const { upper: _u, lower: _l, ...plainSame } = golden;
  t.equal(verdictText(judge(plainSame, expected, { oracle: true }).verdict), 'pass');
  const { upper: _u2, lower: _l2, ...plainDiff } = redirect;
  t.equal(verdictText(judge(plainDiff, expected, { oracle: true, posix: 'cited' }).verdict), 'deviation:posix');
  t.equal(verdictText(judge(plainDiff, expected, { oracle: true }).verdict), 'fail');
  t.notMatch(judge(plainDiff, expected, { oracle: true }).diff, /== upper/, 'the diff leaves out what the oracle cannot show');
});
