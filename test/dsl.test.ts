import t from 'tap';
import { problems, SECTIONS, type Case } from '../suite/dsl.ts';
import { allCases } from '../suite/index.ts';
import { dir, file, hardlink, merge, opaque, whiteout } from '../suite/fixture.ts';
import { s } from '../suite/steps.ts';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './fixtures/util.ts';

const good: Case = { id: 'x/y', spec: 'File copyup', claim: 'c', tags: [], layers: { lowers: [{ f: file() }] }, steps: [s.stat('f')] };

t.test('a well-formed case has no problems', async (t) => {
  t.same(problems(good), []);
});

t.test('malformed cases are named with what is wrong', async (t) => {
  t.match(problems({ ...good, id: 'Bad Id' }), [/bad id/]);
  t.match(problems({ ...good, spec: 'Nope' as Case['spec'] }), [/unknown spec section/]);
  t.match(problems({ ...good, steps: [] }), [/no steps/]);
  t.match(problems({ ...good, layers: { lowers: [] } }), [/no lower layer/]);
  t.match(problems({ ...good, accepts: ['no-such-tag' as never] }), [/unknown deviation tag/]);
  t.match(problems({ ...good, layers: { lowers: [{ w: whiteout() }] } }), [/whiteout in a lower layer/]);
  t.match(problems({ ...good, layers: { lowers: [{ h: hardlink('missing') }] } }), [/hardlink h to missing/]);
});

t.test('every case of the suite is well formed, and ids are unique', async (t) => {
  const cases = allCases();
  t.ok(cases.length >= 80, `${cases.length} cases`);
  for (const c of cases) t.same(problems(c), [], c.id);
  t.equal(new Set(cases.map((c) => c.id)).size, cases.length);
});

// The spec's text is not part of the repository: SPEC= names it (make test: ../shared/spec/union-mounts.txt).
const SPEC = process.env.SPEC ? resolve(ROOT, process.env.SPEC) : undefined;
const noSpec = SPEC === undefined ? 'SPEC is not set (make test sets it)' : existsSync(SPEC) ? false : `the spec is not at SPEC=${SPEC}`;

t.test('cited sections are headings of the spec', { skip: noSpec }, async (t) => {
  const spec = readFileSync(SPEC!, 'utf8').split('\n');
  // A heading is a line of its own (some end in a colon), or an entry of the contents list.
  const headings = new Set(spec.flatMap((l) => [l.trim().replace(/:$/, ''), l.replace(/^ - /, '').trim()]));
  for (const section of SECTIONS) t.ok(headings.has(section), section);
});

t.test('merge() applies whiteouts, opaque dirs and top-down precedence', async (t) => {
  const merged = merge({
    lowers: [{ a: file('l0'), d: dir({ x: file(), y: file() }) }, { a: file('l1'), b: file(), d: dir({ z: file() }), o: dir({ gone: file() }) }],
    upper: { d: dir({ x: whiteout(), u: file() }), o: opaque({ kept: file() }), b: whiteout() },
  });
  t.same(Object.keys(merged).sort(), ['a', 'd', 'o']);
  t.same(merged.a, file('l0'));
  const d = merged.d!;
  t.equal(d.kind, 'dir');
  if (d.kind === 'dir') t.same(Object.keys(d.children).sort(), ['u', 'y', 'z']);
  const o = merged.o!;
  if (o.kind === 'dir') t.same(Object.keys(o.children), ['kept']);
});
