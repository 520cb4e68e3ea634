// Reference bugs the fuzzer found (suite/found/, results/fuzz-known.txt),
// checked on the union called directly: each now does what overlayfs does.
// (The stale link count after link(), 8582090693b3, was the kernel's attr
// cache and needs a mount: its found case covers it.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import koffi from 'koffi';
import t from 'tap';
import { RENAME_WHITEOUT, XATTR_REPLACE } from '../reference/src/sys/libc.ts';
import { ctx, errnoCode, openDirect } from './reference/direct.ts';
import { makeLayers, removeLayers, writeTree } from './reference/harness.ts';

function setup(t: { teardown(fn: () => void): void }) {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { lowfile: 'lower' });
  writeTree(L.upper, { upfile: 'upper' });
  const past = new Date('2001-01-01T00:00:00Z');
  for (const p of [path.join(L.lowers[0]!, 'lowfile'), path.join(L.upper, 'upfile')]) fs.utimesSync(p, past, past);
  const D = openDirect(L);
  t.teardown(() => {
    D.close();
    removeLayers(L);
  });
  return { D, U: (p: string) => path.join(L.upper, p), past: past.getTime() };
}

// tmpfs keeps the times of an empty file truncated to 0 (ext4 sets them
// anyway): the union must leave them to the upper filesystem, as truncate(2).
const SHM = '/dev/shm';
const truncate2 = koffi.load('libc.so.6').func('int truncate(const char *path, int64_t length)');

t.test('truncate of an empty file to 0 keeps its times, as on the upper tmpfs (836e2ba160c8)', { skip: !fs.existsSync(SHM) && 'no /dev/shm' }, async (t) => {
  const L = makeLayers(1, SHM);
  writeTree(L.lowers[0]!, { lowfile: '' });
  writeTree(L.upper, { upfile: '', control: '' });
  const past = new Date('2001-01-01T00:00:00Z');
  for (const p of [path.join(L.lowers[0]!, 'lowfile'), path.join(L.upper, 'upfile'), path.join(L.upper, 'control')]) fs.utimesSync(p, past, past);
  const D = openDirect(L);
  t.teardown(() => {
    D.close();
    removeLayers(L);
  });
  const mtime = (p: string): number => fs.statSync(path.join(L.upper, p)).mtimeMs;
  t.equal(truncate2(path.join(L.upper, 'control'), 0), 0);
  if (mtime('control') !== past.getTime()) {
    t.comment('this tmpfs sets the times itself: nothing to compare');
    return;
  }
  D.fs.setattr(ctx, D.node('upfile'), { size: 0 });
  t.equal(mtime('upfile'), past.getTime(), 'upper file');
  D.fs.setattr(ctx, D.node('lowfile'), { size: 0 });
  t.equal(mtime('lowfile'), past.getTime(), 'lower file, copied up');
});

t.test('RENAME_WHITEOUT between two names of one file does nothing; else EINVAL (35e2a2ddc0d5)', async (t) => {
  const { D, U } = setup(t);
  const root = D.node('');
  D.fs.link(ctx, D.node('lowfile'), root, 'second');
  D.fs.rename(ctx, root, 'lowfile', root, 'second', RENAME_WHITEOUT);
  t.same(D.list(''), ['lowfile', 'second', 'upfile']);
  t.equal(fs.statSync(U('second')).nlink, 2);
  t.equal(errnoCode(() => D.fs.rename(ctx, root, 'upfile', root, 'second', RENAME_WHITEOUT)), 'EINVAL');
});

t.test('open(O_RDONLY|O_APPEND) of a lower file does not copy it up (933910375ddd)', async (t) => {
  const { D, U } = setup(t);
  const o = D.fs.open(ctx, D.node('lowfile'), fs.constants.O_RDONLY | fs.constants.O_APPEND);
  D.fs.release(o.fh);
  t.notOk(fs.existsSync(U('lowfile')));
  const w = D.fs.open(ctx, D.node('lowfile'), fs.constants.O_WRONLY | fs.constants.O_APPEND);
  D.fs.release(w.fh);
  t.ok(fs.existsSync(U('lowfile')), 'opened for writing, it is copied up');
});

t.test('setxattr/removexattr on an open file whose name is gone go through its fd (665288415558)', async (t) => {
  const { D } = setup(t);
  const made = D.fs.create(ctx, D.node(''), 'new', fs.constants.O_RDWR, 0o644);
  D.fs.unlink(ctx, D.node(''), 'new');
  const node = made.entry.nodeid;
  t.equal(errnoCode(() => D.fs.setxattr(ctx, node, 'user.a', Buffer.from('w'), XATTR_REPLACE)), 'ENODATA');
  D.fs.setxattr(ctx, node, 'user.a', Buffer.from('w'), 0);
  D.fs.removexattr(ctx, node, 'user.a');
  t.equal(errnoCode(() => D.fs.removexattr(ctx, node, 'user.a')), 'ENODATA');
  D.fs.release(made.opened.fh);
});
