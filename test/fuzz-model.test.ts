// The fuzzer's parts without a mount: the generator, the executable deviation model, the known-findings file.
import t from 'tap';
import { problems } from '../suite/dsl.ts';
import { merge, walk } from '../suite/fixture.ts';
import type { Tag } from '../suite/tags.ts';
import { compare, type Side } from '../harness/fuzz/compare.ts';
import { contextOf } from '../harness/fuzz/model.ts';
import { KnownError, parseKnown } from '../harness/fuzz/known.ts';
import { programCase, programsAt, shrinksOf } from '../harness/fuzz/program-case.ts';
import { goldenSections } from '../harness/classify.ts';
import { s } from '../suite/steps.ts';
import { dir, fifo, file, hardlink } from '../suite/fixture.ts';

t.test('generated programs are well-formed cases, the same for the same seed', async (t) => {
  const programs = programsAt(7, 0, 300);
  const cases = programs.map((p, i) => programCase(`p${i}`, p));
  t.same(cases.flatMap(problems), []);
  t.same(programsAt(7, 120, 5), programs.slice(120, 125), 'a path into the stream is the same program');
  t.ok(cases.every((c) => c.steps.length >= 1 && c.steps.length <= 30 && c.layers.lowers.length <= 3));
  const named = cases.flatMap((c) => c.steps.flatMap((st) => ('path' in st.op ? [st.op.path] : [])));
  const inTree = named.filter((p) => cases.some((c) => [...walk(merge(c.layers))].some(([q]) => q === p)));
  t.ok(inTree.length > named.length / 2, 'most steps name what the trees have');
  // The oracle writes the merged tree: a hard link in it names an object that shows as itself.
  for (const c of cases) {
    const m = new Map(walk(merge(c.layers)));
    for (const [, n] of m) if (n.kind === 'hardlink') t.not(m.get(n.to), undefined);
  }
  t.ok(shrinksOf(7, '3', 0, 4).length > 0, 'a program has shrinks');
});

const kase = programCase('t', { layers: { lowers: [{ d: dir({ x: file() }), f: file(), g: hardlink('f') }] }, steps: [s.rename('d', 'e'), s.chmod('f', 0o600), s.stat('g')] });
const side = (target: string, tags: Tag[], steps: string[], merged: string[], oracle = false): Side => ({
  target, oracle, tags: new Set(tags), sections: goldenSections(`# fuzz/t\n== steps\n${steps.join('\n')}\n== merged\n${merged.join('\n')}\n`),
});
const ctx = contextOf(kase, []);
const STEPS = ['rename d e = EXDEV', 'chmod f 0600 = 0', 'stat g = file 0644 0:0 size=6 nlink=2 ino#1 mtime=T0'];
const MERGED = ['f: file 0600 0:0 size=6 nlink=1 ino#2 mtime=T0 ctime=same'];

t.test('targets that answer alike agree', async (t) => {
  t.same(compare(side('a', [], STEPS, MERGED), side('b', [], STEPS, MERGED), ctx), { kind: 'agree' });
});

t.test('a lower directory renamed instead of EXDEV is explained by redirect-dir, only on the target that shows it', async (t) => {
  const renamed = ['rename d e = 0', ...STEPS.slice(1)];
  t.same(compare(side('a', [], STEPS, MERGED), side('b', ['redirect-dir'], renamed, []), ctx), { kind: 'explained', tags: ['redirect-dir'] });
  const j = compare(side('a', [], STEPS, MERGED), side('b', [], renamed, []), ctx);
  t.equal(j.kind, 'finding');
  t.match(j, { split: { section: 'steps', index: 0, a: 'rename d e = EXDEV', b: 'rename d e = 0' } });
});

t.test('copyup-new-ctime explains a changed ctime and nothing more on the same line', async (t) => {
  const changed = ['f: file 0600 0:0 size=6 nlink=1 ino#2 mtime=T0 ctime=changed'];
  t.same(compare(side('a', ['copyup-new-ctime'], STEPS, changed), side('b', [], STEPS, MERGED), ctx), { kind: 'explained', tags: ['copyup-new-ctime'] });
  const more = ['f: file 0644 0:0 size=6 nlink=1 ino#2 mtime=T0 ctime=changed'];
  t.equal(compare(side('a', ['copyup-new-ctime'], STEPS, more), side('b', [], STEPS, MERGED), ctx).kind, 'finding');
});

t.test('posix: the plain directory keeps the names of a copied-up lower file linked; the upper is not compared', async (t) => {
  const linked = [...STEPS.slice(0, 2), 'stat g = file 0600 0:0 size=6 nlink=2 ino#1 mtime=T0'];
  const a = side('overlayfs', [], STEPS, MERGED);
  a.sections.sections.upper = ['f: file 0600 0:0 size=6 mtime=T0'];
  const b = side('plain', ['posix'], linked, MERGED, true);
  t.same(compare(a, b, ctx), { kind: 'explained', tags: ['posix'] });
  t.equal(compare(a, side('plain', [], linked, MERGED, true), ctx).kind, 'finding');
});

t.test('the known-findings file: a reason on every line, a clear error otherwise', async (t) => {
  const k = parseKnown('# comment\noverlayfs plain 0123456789ab at=1:21,2:5 overlayfs bug: whiteouts show (issue #8)\n', 'k.txt');
  t.same(k, [{ a: 'overlayfs', b: 'plain', id: '0123456789ab', at: ['1:21', '2:5'], reason: 'overlayfs bug: whiteouts show (issue #8)' }]);
  t.throws(() => parseKnown('overlayfs plain 0123456789ab\n', 'k.txt'), new KnownError('k.txt:1: expected "<target a> <target b> <12-hex finding id> [at=seed:path,...] <reason>"'));
});

t.test('what POSIX leaves open is masked on any pair: a directory read after a name was added since opendir', async (t) => {
  const c = programCase('t', { layers: { lowers: [{ d: dir() }] }, steps: [s.opendir('d', 'd1'), s.mkdir('d/y'), s.readrest('d1')] });
  const steps = (seen: string) => ['opendir d d1 = 0', 'mkdir d/y 0755 = 0', `readrest d1 = [${seen}]`];
  t.same(compare(side('a', [], steps(''), []), side('b', [], steps('y:dir:ino#2'), []), contextOf(c, [])), { kind: 'explained', tags: ['readdir-after-change'] });
  const unchanged = programCase('t', { layers: { lowers: [{ d: dir() }] }, steps: [s.mkdir('d/y'), s.opendir('d', 'd1'), s.readrest('d1')] });
  t.equal(compare(side('a', [], steps(''), []), side('b', [], steps('y:dir:ino#2'), []), contextOf(unchanged, [])).kind, 'finding');
});

t.test('a same-size truncate() leaves the times open (masked on any pair); one that changes the size or an ftruncate() does not', async (t) => {
  const at = (len: number, ...more: Parameters<typeof s.stat>[0][]) =>
    contextOf(programCase('t', { layers: { lowers: [{}], upper: { a: file('') } }, steps: [s.truncate('a', len), ...more.map((p) => s.stat(p))] }), []);
  const steps = (len: number, mtime: string) => [`truncate a ${len} = 0`, `stat a = file 0644 0:0 size=${len} nlink=1 ino#1 mtime=${mtime}`];
  const upper = (target: string, len: number, mtime: string) => {
    const x = side(target, [], steps(len, mtime), [`a: file 0644 0:0 size=${len} nlink=1 ino#1 mtime=T0 ctime=same`]);
    x.sections.sections.upper = [`a: file 0644 0:0 size=${len} mtime=${mtime}`];
    return x;
  };
  t.same(compare(upper('overlayfs', 0, 'T0'), upper('fuse-overlayfs', 0, 'now'), at(0, 'a')), { kind: 'explained', tags: ['truncate-same-size'] });
  t.equal(compare(upper('overlayfs', 3, 'T0'), upper('fuse-overlayfs', 3, 'now'), at(3, 'a')).kind, 'finding', 'the size changed: the times must change');
  const ftruncate = contextOf(programCase('t', { layers: { lowers: [{}], upper: { a: file('') } }, steps: [s.open('a', 'O_WRONLY', 'fd1'), s.ftruncate('fd1', 0)] }), []);
  const fsteps = ['open a O_WRONLY fd1 = 0', 'ftruncate fd1 0 = 0'];
  t.equal(compare(side('a', [], fsteps, ['a: file 0644 0:0 size=0 nlink=1 ino#1 mtime=T0 ctime=same']), side('b', [], fsteps, ['a: file 0644 0:0 size=0 nlink=1 ino#1 mtime=now ctime=changed']), ftruncate).kind, 'finding', 'ftruncate() marks the times whatever the size');
  const written = contextOf(programCase('t', { layers: { lowers: [{}], upper: { a: file('') } }, steps: [s.truncate('a', 0), s.chmod('a', 0o600)] }), []);
  const wsteps = ['truncate a 0 = 0', 'chmod a 0600 = 0'];
  t.equal(compare(side('a', [], wsteps, ['a: file 0600 0:0 size=0 nlink=1 ino#1 mtime=T0 ctime=same']), side('b', [], wsteps, ['a: file 0600 0:0 size=0 nlink=1 ino#1 mtime=T0 ctime=changed']), written).kind, 'finding', 'a later change to the file shows again');
});

t.test('rename-whiteout-accepted: RENAME_WHITEOUT carried out where overlayfs says EINVAL, only on the target that shows it', async (t) => {
  const c = contextOf(programCase('t', { layers: { lowers: [{}], upper: { a: file() } }, steps: [s.renameat2('a', 'c', 'RENAME_WHITEOUT'), s.stat('a')] }), []);
  const refused = ['renameat2 a c RENAME_WHITEOUT = EINVAL', 'stat a = file 0644 0:0 size=6 nlink=1 ino#1 mtime=T0'];
  const done = ['renameat2 a c RENAME_WHITEOUT = 0', 'stat a = ENOENT'];
  t.same(compare(side('overlayfs', [], refused, []), side('fuse-overlayfs', ['rename-whiteout-accepted'], done, []), c), { kind: 'explained', tags: ['rename-whiteout-accepted'] });
  t.equal(compare(side('overlayfs', [], refused, []), side('fuse-overlayfs', [], done, []), c).kind, 'finding');
});

t.test('posix: a write to a fifo marks its times on a plain directory, not on a union; only there, only that fifo', async (t) => {
  const c = contextOf(programCase('t', { layers: { lowers: [{ p: fifo(), q: fifo() }] }, steps: [s.open('p', 'O_RDWR', 'fd1'), s.write('fd1', 'x\n'), s.close('fd1')] }), []);
  const steps = ['open p O_RDWR fd1 = 0', 'write fd1 "x\\n" = 2', 'close fd1 = 0'];
  const merged = (p: string, q: string) => [`p: fifo 0644 0:0 size=0 nlink=1 ino#1 ${p}`, `q: fifo 0644 0:0 size=0 nlink=1 ino#2 ${q}`];
  const union = side('overlayfs', [], steps, merged('mtime=T0 ctime=same', 'mtime=T0 ctime=same'));
  t.same(compare(union, side('plain', ['posix'], steps, merged('mtime=now ctime=changed', 'mtime=T0 ctime=same'), true), c), { kind: 'explained', tags: ['posix'] });
  t.equal(compare(union, side('plain', [], steps, merged('mtime=now ctime=changed', 'mtime=T0 ctime=same'), true), c).kind, 'finding', 'not without the tag');
  t.equal(compare(union, side('plain', ['posix'], steps, merged('mtime=T0 ctime=same', 'mtime=now ctime=changed'), true), c).kind, 'finding', 'not for the fifo nothing wrote to');
});
