// rename() and renameat2() on the reference: lower files are copied up and
// leave a whiteout, directories with a lower part give EXDEV, upper-only
// directories move, NOREPLACE and EXCHANGE work as on a plain filesystem.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT, renameat2 } from '../reference/src/sys/libc.ts';
import { exists, isOpaque, isWhiteout, makeLayers, mountUnion, removeLayers, writeTree, mountForTest } from './reference/harness.ts';

const L = makeLayers(2);
const [l1, l2] = [L.lowers[0]!, L.lowers[1]!];
writeTree(l1, {
  'f/lower': 'lower file',
  'f/over-src': 'src', 'f/over-dst': 'dst',
  'd/lowerdir/x': 'x',
  'd/merged/x': 'x',
  'd/target/x': 'hidden',
  'd/wh/y': 'hidden too',
  'x/a': 'A', 'x/b': 'B',
  'n/a': 'a', 'n/b': 'b',
  'e/file': 'f', 'e/dir/x': 'x', 'e/full/x': 'x',
});
writeTree(l2, { 'd/low2dir/z': 'z' });
writeTree(L.upper, { 'f/upperonly': 'u', 'd/merged/u': 'u', 'd/up/inner': 'i', 'd/up2/inner': 'i2', 'd/up3/inner': 'i3', 'e/updir/': null });

const { M, U } = await mountForTest(t, L);
const code = (fn: () => void): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

t.test('rename of a lower file: copyup, rename, whiteout at the source', async (t) => {
  const ino = fs.statSync(M('f/lower')).ino;
  fs.renameSync(M('f/lower'), M('f/moved'));
  t.equal(fs.readFileSync(M('f/moved'), 'utf8'), 'lower file');
  t.throws(() => fs.statSync(M('f/lower')), { code: 'ENOENT' });
  t.ok(isWhiteout(U('f/lower')), 'whiteout at the source');
  t.equal(fs.readFileSync(U('f/moved'), 'utf8'), 'lower file');
  t.equal(fs.statSync(M('f/moved')).ino, ino, 'inode number kept');
});

t.test('rename of an upper-only file leaves no whiteout', async (t) => {
  fs.renameSync(M('f/upperonly'), M('f/upperonly2'));
  t.notOk(exists(U('f/upperonly')));
});

t.test('rename of a lower file over another lower file', async (t) => {
  fs.renameSync(M('f/over-src'), M('f/over-dst'));
  t.equal(fs.readFileSync(M('f/over-dst'), 'utf8'), 'src');
  t.ok(isWhiteout(U('f/over-src')));
});

t.test('rename of a directory with a lower part: EXDEV', async (t) => {
  t.equal(code(() => fs.renameSync(M('d/lowerdir'), M('d/lowerdir2'))), 'EXDEV', 'lower-only directory');
  t.equal(code(() => fs.renameSync(M('d/merged'), M('d/merged2'))), 'EXDEV', 'merged directory');
  t.equal(code(() => fs.renameSync(M('d/low2dir'), M('d/low2dir2'))), 'EXDEV', 'directory of the second lower layer');
  t.ok(exists(M('d/lowerdir/x')));
});

t.test('rename of an upper-only directory succeeds', async (t) => {
  fs.renameSync(M('d/up'), M('d/up-moved'));
  t.equal(fs.readFileSync(M('d/up-moved/inner'), 'utf8'), 'i');
  t.notOk(exists(U('d/up')), 'no whiteout: nothing below');
  t.notOk(isOpaque(U('d/up-moved')));
});

t.test('an upper-only directory moved over an emptied lower directory becomes opaque', async (t) => {
  fs.unlinkSync(M('d/target/x'));
  fs.renameSync(M('d/up2'), M('d/target'));
  t.same(fs.readdirSync(M('d/target')), ['inner']);
  t.ok(isOpaque(U('d/target')));
});

t.test('an upper-only directory moved onto a whiteout becomes opaque', async (t) => {
  fs.unlinkSync(M('d/wh/y'));
  fs.rmdirSync(M('d/wh'));
  t.ok(isWhiteout(U('d/wh')));
  fs.renameSync(M('d/up3'), M('d/wh'));
  t.same(fs.readdirSync(M('d/wh')), ['inner']);
  t.ok(isOpaque(U('d/wh')));
  t.notOk(exists(U('d/up3')));
});

t.test('renameat2 RENAME_NOREPLACE', async (t) => {
  t.equal(code(() => renameat2(M('n/a'), M('n/b'), RENAME_NOREPLACE)), 'EEXIST');
  t.equal(code(() => renameat2(M('n/a'), M('n/c'), RENAME_NOREPLACE)), 'ok');
  t.equal(fs.readFileSync(M('n/c'), 'utf8'), 'a');
  t.ok(isWhiteout(U('n/a')));
});

t.test('renameat2 RENAME_EXCHANGE of two lower files', async (t) => {
  t.equal(code(() => renameat2(M('x/a'), M('x/b'), RENAME_EXCHANGE)), 'ok');
  t.equal(fs.readFileSync(M('x/a'), 'utf8'), 'B');
  t.equal(fs.readFileSync(M('x/b'), 'utf8'), 'A');
  t.equal(code(() => renameat2(M('x/a'), M('x/none'), RENAME_EXCHANGE)), 'ENOENT');
});

t.test('renameat2 RENAME_WHITEOUT is refused', async (t) => {
  t.equal(code(() => renameat2(M('e/file'), M('e/file2'), RENAME_WHITEOUT)), 'EINVAL');
});

t.test('type and emptiness errors', async (t) => {
  t.equal(code(() => fs.renameSync(M('e/file'), M('e/updir'))), 'EISDIR');
  t.equal(code(() => fs.renameSync(M('e/updir'), M('e/file'))), 'ENOTDIR');
  fs.mkdirSync(M('e/new'));
  t.equal(code(() => fs.renameSync(M('e/new'), M('e/full'))), 'ENOTEMPTY');
  t.equal(code(() => fs.renameSync(M('e/new'), M('e/new/sub'))), 'EINVAL');
});
