import t from 'tap';
import { Aliases, bytesText, timeText } from '../harness/transcript/format.ts';
import { answerText, stepText, type Ids } from '../harness/transcript/steps.ts';
import { mergedLines } from '../harness/transcript/merged.ts';
import { lowerCheck, lowerText } from '../harness/transcript/lower.ts';
import { render, renderSections, sectionsOf } from '../harness/transcript/transcript.ts';
import { upperLines } from '../harness/formats/vocabulary.ts';
import { overlayReader } from '../harness/formats/overlayfs.ts';
import type { ScanEntry, StatValue } from '../harness/protocol.ts';
import { s } from '../suite/steps.ts';

const stat = (over: Partial<StatValue> = {}): StatValue => ({
  kind: 'file', mode: 0o644, uid: 0, gid: 0, size: 6, nlink: 1, ino: '1234', dev: '2049', rdev: '0:0',
  atime: '1234567890500000000', mtime: '1234567890500000000', ctime: '1700000000000000000', ...over,
});
const ids = (): Ids => ({ ino: new Aliases('ino'), pos: new Aliases('pos') });

t.test('inode numbers become aliases in order of first appearance', async (t) => {
  const a = new Aliases('ino');
  t.equal(a.of('99'), 'ino#1');
  t.equal(a.of('5'), 'ino#2');
  t.equal(a.of('99'), 'ino#1');
  t.equal(a.raw(2), '5');
});

t.test('times print as T0, an explicit value, or now', async (t) => {
  t.equal(timeText('1234567890500000000'), 'T0');
  t.equal(timeText('1300000000123456789'), '1300000000.123456789');
  t.equal(timeText(String(BigInt(Date.now()) * 1_000_000n)), 'now');
});

t.test('bytes print as text when short and printable, else as length and digest', async (t) => {
  t.equal(bytesText(Buffer.from('hi\n')), '"hi\\n"');
  t.match(bytesText(Buffer.alloc(100, 0x41), 'abcdef0123456789ff'), /^<100 bytes sha256:abcdef0123456789>$/);
  t.match(bytesText(Buffer.from([0, 1, 2])), /^<3 bytes/);
});

t.test('steps print like pjdfstest lines, with credentials and errno names', async (t) => {
  t.equal(stepText(s.open('a', 'O_WRONLY|O_TRUNC', 'fd1')), 'open a O_WRONLY|O_TRUNC fd1');
  t.equal(stepText(s.chmod('a b', 0o600)), 'chmod "a b" 0600');
  t.equal(stepText(s.as(s.USER, s.unlink('x'))[0]!), '[1000:1000] unlink x');
  t.equal(stepText(s.utimens('f', s.T1, 'UTIME_OMIT')), 'utimensat f 1300000000.123456789 UTIME_OMIT');
  const i = ids();
  t.equal(stepText(s.open('a', 'O_CREAT', 'fd1', 0o600)), 'open a O_CREAT fd1 0600', 'arguments in the table\'s order');
  t.equal(answerText('int', { id: 1, ok: false, errno: 'EXDEV' }, i), 'EXDEV');
  t.equal(answerText('stat', { id: 1, ok: true, value: stat() }, i), 'file 0644 0:0 size=6 nlink=1 ino#1 mtime=T0');
  t.equal(answerText('entries', { id: 1, ok: true, value: [{ name: 'x', ino: '1234', type: 'file' }] }, i), '[x:file:ino#1]');
  t.equal(answerText('entry', { id: 1, ok: true, value: null }, i), 'end');
  t.equal(answerText('handle', { id: 1, ok: true, value: 'fd1' }, i), '0');
  t.equal(answerText('int', { id: 1, ok: false, refused: 'unknown fd fd9' }, i), 'EBADF');
});

t.test('the merged view relates ctime and identity to the state before the steps', async (t) => {
  const i = ids();
  const before = [{ path: 'f', view: { path: 'f', stat: stat(), xattrs: {} } }];
  i.ino.of('1234');
  const after = [
    { path: 'f', view: { path: 'f', stat: stat({ ctime: '1700000000000000001', ino: '777' }), xattrs: { 'user.a': Buffer.from('v').toString('base64'), 'trusted.x': 'AA==' }, data: { b64: Buffer.from('hello\n').toString('base64') } } },
    { path: 'g', errno: 'ENOENT' },
  ];
  t.same(mergedLines(before, after, i), [
    'f: file 0644 0:0 size=6 nlink=1 ino#2 mtime=T0 ctime=changed data="hello\\n" user.a="v"',
    'g: ENOENT',
  ]);
});

t.test('a lower layer that changed in any way but atime is reported', async (t) => {
  const e = (over: Partial<StatValue> = {}): ScanEntry => ({ path: 'a', stat: stat(over), xattrs: {}, sha256: 'x' });
  t.same(lowerCheck(0, [e()], [e({ atime: '1' })]), { index: 0, changes: [] });
  t.equal(lowerText(lowerCheck(0, [e()], [e({ atime: '1' })])), 'lower0: unchanged');
  t.equal(lowerText(lowerCheck(0, [e()], [e({ mode: 0o600 })])), 'lower0: CHANGED ~a');
  t.equal(lowerText(lowerCheck(1, [e()], [])), 'lower1: CHANGED -a');
  t.equal(lowerText(lowerCheck(0, [], [e()])), 'lower0: CHANGED +a');
});

t.test('the overlayfs reader turns its objects into the vocabulary', async (t) => {
  const b64 = (x: string) => Buffer.from(x).toString('base64');
  const scan: ScanEntry[] = [
    { path: 'd', stat: stat({ kind: 'dir' }), xattrs: { 'trusted.overlay.opaque': b64('y') } },
    { path: 'lowerdir', stat: stat({ kind: 'dir' }), xattrs: { 'trusted.overlay.origin': 'AA==' } },
    { path: 'lowerdir/f', stat: stat(), xattrs: { 'trusted.overlay.origin': 'AA==' }, data: { b64: b64('x') } },
    { path: 'moved', stat: stat({ kind: 'dir' }), xattrs: { 'trusted.overlay.redirect': b64('old') } },
    { path: 'w', stat: stat({ kind: 'chr', rdev: '0:0' }), xattrs: {} },
    { path: 'xw', stat: stat({ size: 0 }), xattrs: { 'trusted.overlay.whiteout': '' } },
  ];
  const lines = upperLines(overlayReader().read(scan), { all: new Set(['d', 'lowerdir', 'lowerdir/f', 'moved']), dirs: new Map([['lowerdir', '0644 0:0'], ['moved', '0644 0:0']]) });
  t.same(lines, [
    'd: dir 0644 0:0 opaque',
    'lowerdir/f: file 0644 0:0 size=6 mtime=T0 data="x"',
    'moved: dir 0644 0:0 redirect="old"',
    'w: whiteout',
    'xw: whiteout',
  ]);
});

t.test('sections a target cannot show are dropped before comparing', async (t) => {
  const tr = { id: 'a/b', steps: [{ call: 'x', answer: '0' }], merged: ['f: ENOENT'], upper: ['f: whiteout'], lower: [{ index: 0, changes: [] }] };
  t.equal(render(tr), '# a/b\n== steps\nx = 0\n== merged\nf: ENOENT\n== upper\nf: whiteout\n== lower\nlower0: unchanged\n');
  t.equal(renderSections(sectionsOf(tr), ['steps', 'merged']), '# a/b\n== steps\nx = 0\n== merged\nf: ENOENT\n');
});
