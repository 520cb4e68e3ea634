// The union called directly on temporary directories (no /dev/fuse, no
// mount, no root): lookup rules, whiteouts, rename bookkeeping, copyup.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { ctx, errnoCode, openDirect } from './reference/direct.ts';
import { isOpaque, isWhiteout, makeLayers, removeLayers, writeTree } from './reference/harness.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const L = makeLayers(2);
  writeTree(L.lowers[1]!, { 'd/a': 'a2', 'd/b': 'b2', 'f': 'f2', 'gone/x': 'x' });
  writeTree(L.lowers[0]!, { 'd/a': 'a1', 'd/c': 'c1' });
  const D = openDirect(L);
  t.teardown(() => {
    D.close();
    removeLayers(L);
  });
  return { L, D, U: (p: string) => path.join(L.upper, p) };
}

t.test('lookup merges layers top-down; missing names are ENOENT', async (t) => {
  const { D } = setup(t);
  t.same(D.list('d'), ['a', 'b', 'c']);
  t.equal(D.entry('d/a').attr.size, 2);
  t.equal(errnoCode(() => D.entry('d/nothing')), 'ENOENT');
  t.equal(errnoCode(() => D.entry('f/under-a-file')), 'ENOTDIR');
});

t.test('unlink of a lower name leaves a whiteout; the name is gone', async (t) => {
  const { D, U } = setup(t);
  const [parent, name] = D.at('d/a');
  D.fs.unlink(ctx, parent, name);
  t.ok(isWhiteout(U('d/a')));
  t.same(D.list('d'), ['b', 'c']);
  t.equal(errnoCode(() => D.fs.unlink(ctx, parent, name)), 'ENOENT');
});

t.test('rmdir of a merged directory, then mkdir: opaque', async (t) => {
  const { D, U } = setup(t);
  t.equal(errnoCode(() => D.fs.rmdir(ctx, ...D.at('gone'))), 'ENOTEMPTY');
  D.fs.unlink(ctx, ...D.at('gone/x'));
  D.fs.rmdir(ctx, ...D.at('gone'));
  t.ok(isWhiteout(U('gone')));
  D.fs.mkdir(ctx, D.node(''), 'gone', 0o755);
  t.ok(isOpaque(U('gone'), 'user.overlay.'));
  t.same(D.list('gone'), []);
});

t.test('rename moves the node: the old id answers for the new name', async (t) => {
  const { D, U } = setup(t);
  const before = D.entry('d/b');
  D.fs.rename(ctx, D.node('d'), 'b', D.node(''), 'moved', 0);
  t.ok(isWhiteout(U('d/b')), 'whiteout left at the lower source');
  t.equal(fs.readFileSync(U('moved'), 'utf8'), 'b2', 'copied up and moved');
  t.equal(D.fs.getattr(before.nodeid).attr.ino, before.attr.ino, 'same node, same inode number');
  t.equal(D.entry('moved').nodeid, before.nodeid);
  t.equal(errnoCode(() => D.entry('d/b')), 'ENOENT');
  t.equal(errnoCode(() => D.fs.rename(ctx, D.node(''), 'd', D.node(''), 'e', 0)), 'EXDEV', 'merged directory');
});

t.test('rename over an upper file: the replaced node loses its name', async (t) => {
  const { D } = setup(t);
  const root = D.node('');
  const made = D.fs.create(ctx, root, 'new', 0, 0o644);
  D.fs.release(made.opened.fh);
  D.fs.rename(ctx, root, 'f', root, 'new', 0);
  t.equal(errnoCode(() => D.fs.getattr(made.entry.nodeid)), 'ENOENT', 'the replaced node is an orphan');
  t.equal(D.entry('new').attr.size, 2);
});

t.test('write copies up; the lower file is unchanged', async (t) => {
  const { L, D, U } = setup(t);
  const o = D.fs.open(ctx, D.node('d/c'), fs.constants.O_WRONLY | fs.constants.O_APPEND);
  D.fs.write(o.fh, 2, Buffer.from('!'));
  D.fs.release(o.fh);
  t.equal(fs.readFileSync(U('d/c'), 'utf8'), 'c1!');
  t.equal(fs.readFileSync(path.join(L.lowers[0]!, 'd/c'), 'utf8'), 'c1');
});

const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

t.test('directory fds: bounded after each request, all released by close()', async (t) => {
  const L = makeLayers(1);
  t.teardown(() => removeLayers(L));
  const depth = 1100; // more directories than the cache keeps
  const rel = Array<string>(depth).fill('d').join('/');
  fs.mkdirSync(path.join(L.lowers[0]!, rel), { recursive: true });
  fs.writeFileSync(path.join(L.lowers[0]!, rel, 'f'), 'deep');
  const before = openFds();
  const D = openDirect(L);
  const e = D.entry(`${rel}/f`);
  t.equal(e.attr.size, 4);
  t.ok(D.fs.u.dirs.size >= depth - 1, 'the walk down opened a fd per directory');
  D.fs.settle();
  t.ok(D.fs.u.dirs.size <= 1024, `trimmed to the bound (${D.fs.u.dirs.size})`);
  const o = D.fs.open(ctx, e.nodeid, fs.constants.O_WRONLY); // copies up the whole chain
  D.fs.write(o.fh, 0, Buffer.from('DEEP'));
  t.equal(fs.readFileSync(path.join(L.upper, rel, 'f'), 'utf8'), 'DEEP');
  D.close(); // the union's close() and the layer roots
  t.equal(openFds(), before, 'no fd left open');
});
