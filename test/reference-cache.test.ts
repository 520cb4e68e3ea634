// The kernel caches names and attributes for a day and keeps directory
// listings between opens (FOPEN_CACHE_DIR); what the server changes behind
// its back must show at once: a copyup's ctime, link count and inode number,
// the parent's ctime, a listing's d_ino, a moved directory's '..'. A
// directory's listing is taken at its first read, not at its open.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { makeLayers, mountUnion, removeLayers, writeTree, type Layers, type Mounted } from './reference/harness.ts';
import { DirStream, type Ent } from './reference/dirstream.ts';
import { RENAME_EXCHANGE, renameat2 } from '../reference/src/sys/libc.ts';

const ctimeNs = (p: string): bigint => fs.lstatSync(p, { bigint: true }).ctimeNs;
const list = (dir: string): Ent[] => {
  const d = new DirStream(dir);
  try {
    return d.all();
  } finally {
    d.close();
  }
};
const inoOf = (dir: string, name: string): bigint | undefined => list(dir).find((e) => e.name === name)?.ino;
const touchUp = (p: string): void => fs.closeSync(fs.openSync(p, 'r+')); // copies a lower file up, writes nothing

async function mounted(t: { teardown(fn: () => unknown): void }, lower: Parameters<typeof writeTree>[1], upper: Parameters<typeof writeTree>[1] = {}, args: string[] = []): Promise<{ L: Layers; m: Mounted }> {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, lower);
  writeTree(L.upper, upper);
  const m = await mountUnion(L, '', args);
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  return { L, m };
}

t.test('after a copyup, stat shows the copy, not the cached lower file', async (t) => {
  const { L, m } = await mounted(t, { f: 'lower' });
  const f = path.join(m.mnt, 'f');
  t.equal(ctimeNs(f), ctimeNs(path.join(L.lowers[0]!, 'f')), 'the lower file before');
  touchUp(f);
  t.not(ctimeNs(path.join(L.upper, 'f')), ctimeNs(path.join(L.lowers[0]!, 'f')), 'the copy has its own ctime');
  t.equal(ctimeNs(f), ctimeNs(path.join(L.upper, 'f')), "the copy's ctime after");
});

t.test("after a copyup, the lower file's other name is no longer counted", async (t) => {
  const { L, m } = await mounted(t, { f: 'lower' });
  fs.linkSync(path.join(L.lowers[0]!, 'f'), path.join(L.lowers[0]!, 'g'));
  const f = path.join(m.mnt, 'f');
  t.equal(fs.statSync(f).nlink, 2, 'the lower link count before');
  touchUp(f);
  t.equal(fs.statSync(f).nlink, 1, "the copy's link count after");
});

t.test("a child's copyup shows in its merged directory's ctime", async (t) => {
  const { L, m } = await mounted(t, { 'd/f': 'lower' }, { d: null });
  const d = path.join(m.mnt, 'd');
  const before = ctimeNs(d);
  touchUp(path.join(d, 'f'));
  t.not(ctimeNs(path.join(L.upper, 'd')), before, 'the upper directory changed');
  t.equal(ctimeNs(d), ctimeNs(path.join(L.upper, 'd')), 'and stat shows it');
});

t.test('a cached listing shows the inode number a copyup changed', async (t) => {
  const { L, m } = await mounted(t, { f: 'lower' });
  fs.linkSync(path.join(L.lowers[0]!, 'f'), path.join(L.lowers[0]!, 'g')); // a multiply-linked lower file gets a new number
  const before = inoOf(m.mnt, 'f');
  t.equal(before, BigInt(fs.statSync(path.join(m.mnt, 'f')).ino), 'd_ino = st_ino before');
  touchUp(path.join(m.mnt, 'f'));
  const after = BigInt(fs.statSync(path.join(m.mnt, 'f')).ino);
  t.not(after, before, 'the copy has another number');
  t.equal(inoOf(m.mnt, 'f'), after, 'the listing shows it');
});

t.test("a moved directory's listing shows its new parent as '..'", async (t) => {
  const { m } = await mounted(t, {});
  for (const d of ['a', 'b', 'a/c', 'x', 'x/y']) fs.mkdirSync(path.join(m.mnt, d));
  const ino = (rel: string): bigint => BigInt(fs.statSync(path.join(m.mnt, rel)).ino);
  t.equal(inoOf(path.join(m.mnt, 'a/c'), '..'), ino('a'), 'before the rename');
  t.equal(inoOf(path.join(m.mnt, 'x/y'), '..'), ino('x'), 'before the exchange');
  fs.renameSync(path.join(m.mnt, 'a/c'), path.join(m.mnt, 'b/c'));
  t.equal(inoOf(path.join(m.mnt, 'b/c'), '..'), ino('b'), 'after rename()');
  renameat2(path.join(m.mnt, 'b/c'), path.join(m.mnt, 'x/y'), RENAME_EXCHANGE);
  t.equal(inoOf(path.join(m.mnt, 'x/y'), '..'), ino('x'), 'after RENAME_EXCHANGE: the directory now at x/y');
  t.equal(inoOf(path.join(m.mnt, 'b/c'), '..'), ino('b'), 'and the one now at b/c');
});

t.test('a directory stream lists what its directory holds at its first read, not at its open', async (t) => {
  const { m } = await mounted(t, { a: '1' });
  const d = new DirStream(m.mnt);
  try {
    fs.writeFileSync(path.join(m.mnt, 'b'), '2');
    t.same(d.all().map((e) => e.name).sort(), ['.', '..', 'a', 'b']);
  } finally {
    d.close();
  }
});

t.test('a second listing of an unchanged directory comes from the kernel', async (t) => {
  const readdirs = async (times: number): Promise<number> => {
    const { m } = await mounted(t, { a: '1', b: '2', 'd/c': '3' }, {}, ['-d']);
    for (let i = 0; i < times; i++) t.same(list(m.mnt).map((e) => e.name).sort(), ['.', '..', 'a', 'b', 'd']);
    await m.stop(); // the server thread's log lines come out when its loop ends
    return m.stderr().split('\n').filter((l) => l.startsWith('unionref: READDIR ')).length;
  };
  const once = await readdirs(1);
  t.ok(once > 0, 'the first listing is read from the server');
  t.equal(await readdirs(3), once, 'the next ones are not');
});
