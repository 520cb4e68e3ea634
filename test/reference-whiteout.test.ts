// Whiteouts, opaque directories, rmdir of merged directories and the merged
// readdir, checked through the mount and on the upper layer's disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { lsetxattr, mknod } from '../reference/src/sys/libc.ts';
import { DirStream } from './reference/dirstream.ts';
import { exists, isOpaque, isWhiteout, makeLayers, mountUnion, removeLayers, writeTree, mountForTest } from './reference/harness.ts';

const L = makeLayers(2);
const [l1, l2] = [L.lowers[0]!, L.lowers[1]!];
writeTree(l2, {
  'unl/lower': 'l2',
  'rmd/lowerdir/': null,
  'rmd/merged/a': 'a',
  'rmd/merged/b': 'b',
  'rmd/full/x': 'x',
  'mk/gone/inner': 'hidden after mkdir',
  'rd/dup': 'from l2',
  'rd/only2': '2',
  'rd/sub/': null,
  'rd/hidden': 'whited out in l1',
  'op/d/l2file': 'hidden by l1 opaque',
  'cr/f': 'old',
});
writeTree(l1, {
  'rd/dup': 'from l1',
  'rd/only1': '1',
  'rd/link': { symlink: 'only1' },
  'op/d/l1file': 'visible',
});
mknod(path.join(l1, 'rd/hidden'), fs.constants.S_IFCHR, 0);
lsetxattr(path.join(l1, 'op/d'), 'trusted.overlay.opaque', Buffer.from('y'), 0);
writeTree(L.upper, { 'unl/upperonly': 'u', 'unl/shadow': 'u', 'rmd/upperdir/': null });
writeTree(l2, { 'unl/shadow': 'l' });

const { M, U } = await mountForTest(t, L);

t.test('unlink of a lower file leaves a whiteout (character device 0/0)', async (t) => {
  fs.unlinkSync(M('unl/lower'));
  t.ok(isWhiteout(U('unl/lower')));
  t.throws(() => fs.statSync(M('unl/lower')), { code: 'ENOENT' });
  t.notOk(fs.readdirSync(M('unl')).includes('lower'));
});

t.test('unlink of an upper-only file leaves nothing', async (t) => {
  fs.unlinkSync(M('unl/upperonly'));
  t.notOk(exists(U('unl/upperonly')));
});

t.test('unlink of an upper file over a lower one leaves a whiteout', async (t) => {
  t.equal(fs.readFileSync(M('unl/shadow'), 'utf8'), 'u');
  fs.unlinkSync(M('unl/shadow'));
  t.ok(isWhiteout(U('unl/shadow')));
  t.throws(() => fs.statSync(M('unl/shadow')), { code: 'ENOENT' });
});

t.test('rmdir of a lower-only empty directory leaves a whiteout', async (t) => {
  fs.rmdirSync(M('rmd/lowerdir'));
  t.ok(isWhiteout(U('rmd/lowerdir')));
});

t.test('rmdir of a merged directory whose entries are all removed succeeds', async (t) => {
  fs.mkdirSync(M('rmd/merged/new'));
  fs.unlinkSync(M('rmd/merged/a'));
  t.throws(() => fs.rmdirSync(M('rmd/merged')), { code: 'ENOTEMPTY' });
  fs.unlinkSync(M('rmd/merged/b'));
  fs.rmdirSync(M('rmd/merged/new'));
  t.ok(isWhiteout(U('rmd/merged/a')), 'whiteouts inside before rmdir');
  fs.rmdirSync(M('rmd/merged'));
  t.ok(isWhiteout(U('rmd/merged')), 'the directory became a whiteout');
  t.throws(() => fs.statSync(M('rmd/merged')), { code: 'ENOENT' });
});

t.test('rmdir of a non-empty directory: ENOTEMPTY; of an upper-only one: no whiteout', async (t) => {
  t.throws(() => fs.rmdirSync(M('rmd/full')), { code: 'ENOTEMPTY' });
  fs.rmdirSync(M('rmd/upperdir'));
  t.notOk(exists(U('rmd/upperdir')));
});

t.test('mkdir over a whiteout makes an opaque directory', async (t) => {
  fs.unlinkSync(M('mk/gone/inner'));
  fs.rmdirSync(M('mk/gone'));
  t.ok(isWhiteout(U('mk/gone')));
  fs.mkdirSync(M('mk/gone'));
  t.ok(fs.lstatSync(U('mk/gone')).isDirectory());
  t.ok(isOpaque(U('mk/gone')), 'trusted.overlay.opaque=y');
  t.same(fs.readdirSync(M('mk/gone')), [], 'the lower contents stay hidden');
});

t.test('create over a whiteout makes a plain file', async (t) => {
  fs.unlinkSync(M('cr/f'));
  fs.writeFileSync(M('cr/f'), 'new');
  t.ok(fs.lstatSync(U('cr/f')).isFile());
  t.equal(fs.readFileSync(M('cr/f'), 'utf8'), 'new');
});

t.test('readdir merges layers, drops duplicates and whiteouts, gives d_type and d_ino', async (t) => {
  const ents = fs.readdirSync(M('rd'), { withFileTypes: true });
  const names = ents.map((e) => e.name).sort();
  t.same(names, ['dup', 'link', 'only1', 'only2', 'sub']);
  t.equal(fs.readFileSync(M('rd/dup'), 'utf8'), 'from l1', 'upper-most layer wins');
  const types = Object.fromEntries(ents.map((e) => [e.name, e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : e.isFile() ? 'f' : '?']));
  t.same(types, { dup: 'f', link: 'l', only1: 'f', only2: 'f', sub: 'd' });
  const ds = new DirStream(M('rd'));
  const all = ds.all();
  ds.close();
  t.same(all.map((e) => e.name).sort(), ['.', '..', ...names].sort());
  for (const e of all) {
    if (e.name === '..') continue;
    t.equal(e.ino, fs.lstatSync(M(path.join('rd', e.name)), { bigint: true }).ino, `d_ino of ${e.name} is its st_ino`);
  }
});

t.test('an opaque directory in a lower layer hides the layers below it', async (t) => {
  t.same(fs.readdirSync(M('op/d')), ['l1file']);
  t.throws(() => fs.statSync(M('op/d/l2file')), { code: 'ENOENT' });
});

t.test('telldir/seekdir positions stay valid while the directory changes', async (t) => {
  for (let i = 0; i < 50; i++) fs.writeFileSync(M(`rd/sub/f${i}`), '');
  const ds = new DirStream(M('rd/sub'));
  const first: string[] = [];
  for (let i = 0; i < 10; i++) first.push(ds.read()!.name);
  const pos = ds.tell();
  const next = ds.read()!.name;
  fs.unlinkSync(M('rd/sub/f0'));
  fs.writeFileSync(M('rd/sub/zz-new'), '');
  for (let i = 0; i < 5; i++) ds.read();
  ds.seek(pos);
  t.equal(ds.read()!.name, next, 'seekdir returns to the same entry');
  ds.rewind();
  const again = ds.all().map((e) => e.name);
  t.ok(again.includes('zz-new') && !again.includes('f0'), 'rewinddir sees the current contents');
  ds.close();
});
