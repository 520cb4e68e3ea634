// Hard links, open descriptors across copyup, inode numbers, unlinked open
// files, symlinks, fifos, sockets and device nodes on the reference.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { mknod } from '../reference/src/sys/libc.ts';
import { exists, makeLayers, mountUnion, removeLayers, writeTree, mountForTest } from './reference/harness.ts';

const L = makeLayers(1);
const low = L.lowers[0]!;
writeTree(low, {
  'ln/a': 'A',
  'hl/h1': 'shared',
  'fd/f': 'old lower data',
  'ino/f': 'f', 'ino/d/x': 'x', 'ino/deep/e/f': 'deep',
  'sym/l': { symlink: 'target' },
  'dev/': null,
});
fs.linkSync(path.join(low, 'hl/h1'), path.join(low, 'hl/h2'));
mknod(path.join(low, 'dev/null'), fs.constants.S_IFCHR | 0o666, (1 << 8) | 3);

const { M, U } = await mountForTest(t, L);

t.test('link() copies the source up and links the copy', async (t) => {
  const ino = fs.statSync(M('ln/a')).ino;
  fs.linkSync(M('ln/a'), M('ln/b'));
  t.ok(exists(U('ln/a')) && exists(U('ln/b')));
  t.equal(fs.statSync(U('ln/a')).ino, fs.statSync(U('ln/b')).ino);
  t.equal(fs.statSync(M('ln/a')).nlink, 2);
  t.equal(fs.statSync(M('ln/b')).nlink, 2);
  t.equal(fs.statSync(M('ln/b')).ino, ino, 'both names report the inode number of the original');
  fs.appendFileSync(M('ln/b'), '+');
  t.equal(fs.readFileSync(M('ln/a'), 'utf8'), 'A+', 'one file behind both names');
});

t.test('other names of a multiply-linked lower file keep their old link count', async (t) => {
  t.equal(fs.statSync(M('hl/h1')).nlink, 2);
  t.equal(fs.statSync(M('hl/h1')).ino, fs.statSync(M('hl/h2')).ino);
  fs.writeFileSync(M('hl/h1'), 'changed');
  t.equal(fs.readFileSync(M('hl/h1'), 'utf8'), 'changed');
  t.equal(fs.readFileSync(M('hl/h2'), 'utf8'), 'shared', 'the other name still shows the lower file');
  t.equal(fs.statSync(M('hl/h2')).nlink, 2, 'and its old link count');
  t.equal(fs.statSync(M('hl/h1')).nlink, 1, 'the copy is a file of its own');
  t.not(fs.statSync(M('hl/h1')).ino, fs.statSync(M('hl/h2')).ino, 'two different files, two inode numbers');
});

t.test('an fd opened O_RDONLY before a copyup keeps reading the lower data', async (t) => {
  const fd = fs.openSync(M('fd/f'), 'r');
  const buf = Buffer.alloc(3);
  fs.readSync(fd, buf, 0, 3, 0);
  t.equal(buf.toString(), 'old');
  fs.writeFileSync(M('fd/f'), 'NEW UPPER DATA');
  t.equal(fs.readFileSync(M('fd/f'), 'utf8'), 'NEW UPPER DATA', 'new opens see the copy');
  const all = Buffer.alloc(64);
  const n = fs.readSync(fd, all, 0, 64, 0);
  t.equal(all.subarray(0, n).toString(), 'old lower data', 'the old fd sees the lower file');
  fs.closeSync(fd);
});

t.test('inode numbers are stable across copyup of files and directories', async (t) => {
  const f = fs.statSync(M('ino/f')).ino;
  const d = fs.statSync(M('ino/d')).ino;
  const e = fs.statSync(M('ino/deep/e')).ino;
  fs.chmodSync(M('ino/f'), 0o600);
  fs.writeFileSync(M('ino/d/new'), '');
  fs.appendFileSync(M('ino/deep/e/f'), '!');
  t.ok(exists(U('ino/f')) && exists(U('ino/d')) && exists(U('ino/deep/e')));
  t.equal(fs.statSync(M('ino/f')).ino, f);
  t.equal(fs.statSync(M('ino/d')).ino, d);
  t.equal(fs.statSync(M('ino/deep/e')).ino, e);
});

t.test('an unlinked open file has link count 0 and stays readable', async (t) => {
  fs.writeFileSync(M('fd/tmp'), 'still here');
  const fd = fs.openSync(M('fd/tmp'), 'r+');
  fs.unlinkSync(M('fd/tmp'));
  t.equal(fs.fstatSync(fd).nlink, 0);
  t.equal(fs.readFileSync(fd, 'utf8'), 'still here');
  fs.closeSync(fd);
});

t.test('symlinks: lower readlink, new symlink goes to upper', async (t) => {
  t.equal(fs.readlinkSync(M('sym/l')), 'target');
  fs.symlinkSync('some/where', M('sym/new'));
  t.equal(fs.readlinkSync(M('sym/new')), 'some/where');
  t.ok(fs.lstatSync(U('sym/new')).isSymbolicLink());
  t.equal(fs.readlinkSync(U('sym/new')), 'some/where');
});

t.test('fifos, sockets and device nodes', async (t) => {
  mknod(M('dev/fifo'), fs.constants.S_IFIFO | 0o644, 0);
  t.ok(fs.lstatSync(U('dev/fifo')).isFIFO());
  mknod(M('dev/sock'), fs.constants.S_IFSOCK | 0o644, 0);
  t.ok(fs.lstatSync(M('dev/sock')).isSocket());
  mknod(M('dev/zero'), fs.constants.S_IFCHR | 0o644, (1 << 8) | 5);
  const st = fs.lstatSync(M('dev/zero'));
  t.ok(st.isCharacterDevice());
  t.equal(st.rdev, (1 << 8) | 5);
  const z = Buffer.alloc(4, 1);
  const fd = fs.openSync(M('dev/zero'), 'r');
  fs.readSync(fd, z, 0, 4, null);
  fs.closeSync(fd);
  t.same([...z], [0, 0, 0, 0], 'the device works through the mount');
  fs.writeFileSync(M('dev/null'), 'discarded');
  t.notOk(exists(U('dev/null')), 'writing to a lower device node copies nothing up');
  t.throws(() => mknod(M('dev/wh'), fs.constants.S_IFCHR, 0), { code: 'EPERM' }, 'a 0/0 device would be a whiteout');
});
