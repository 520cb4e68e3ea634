// The reference union filesystem, mounted in a child process: mounting,
// lookup, and the spec's copyup triggers ("File copyup") and non-triggers.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { lgetxattr, lsetxattr, lutimens } from '../reference/src/sys/libc.ts';
import { exists, makeLayers, mountInfo, mountUnion, removeLayers, writeTree, mountForTest } from './reference/harness.ts';

const L = makeLayers(1);
const low = L.lowers[0]!;
const TRIGGERS = ['open-wronly', 'open-rdwr', 'open-append', 'open-trunc', 'truncate', 'link', 'rename', 'chmod', 'chown', 'utimes', 'setxattr', 'removexattr'];
writeTree(low, {
  plain: 'lower data\n',
  'ro/file': 'read only\n',
  'deep/a/b/f': 'deep\n',
  'meta/f': 'meta\n',
  'meta/link': { symlink: 'f' },
  'meta/fifo': { fifo: true },
  ...Object.fromEntries(TRIGGERS.map((tr) => [`cu/${tr}/f`, `data of ${tr}\n`])),
  'cu/lchown/l': { symlink: 'nowhere' },
});
fs.chmodSync(path.join(low, 'meta/f'), 0o640);
fs.chownSync(path.join(low, 'meta/f'), 1234, 2345);
lsetxattr(path.join(low, 'meta/f'), 'user.k', Buffer.from('v'), 0);
lsetxattr(path.join(low, 'cu/removexattr/f'), 'user.gone', Buffer.from('1'), 0);
lutimens(path.join(low, 'meta/f'), { sec: 1000000000, nsec: 123456789 }, { sec: 1100000000, nsec: 987654321 });
fs.chmodSync(path.join(low, 'deep/a'), 0o751);
fs.chownSync(path.join(low, 'deep/a'), 4321, 5432);
lutimens(path.join(low, 'deep/a'), { sec: 1200000000, nsec: 1 }, { sec: 1300000000, nsec: 2 });
const lowerBefore = JSON.stringify(fs.readdirSync(low, { recursive: true }).sort());

const { M, U } = await mountForTest(t, L);

t.test('mount type and source', async (t) => {
  const info = mountInfo(L.mnt);
  t.equal(info?.fsType, 'fuse.unionref');
  t.equal(info?.source, 'unionref');
  const line = fs.readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.includes(` ${L.mnt} `)) ?? '';
  t.match(line, /default_permissions/);
  t.match(line, /allow_other/);
});

t.test('lower files are visible and reading them copies nothing up', async (t) => {
  t.equal(fs.readFileSync(M('plain'), 'utf8'), 'lower data\n');
  fs.statSync(M('ro/file'));
  const fd = fs.openSync(M('ro/file'), 'r');
  t.equal(fs.readFileSync(fd, 'utf8'), 'read only\n');
  fs.closeSync(fd);
  t.notOk(exists(U('plain')), 'no copyup on read');
  t.notOk(exists(U('ro')), 'no copyup of the parent on a read-only open');
  t.same(fs.readdirSync(M('ro')), ['file']);
  t.notOk(exists(U('ro')), 'readdir copies nothing up');
});

const trigger: Record<string, (p: string) => void> = {
  'open-wronly': (p) => fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY)),
  'open-rdwr': (p) => fs.closeSync(fs.openSync(p, fs.constants.O_RDWR)),
  'open-append': (p) => fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_APPEND)),
  'open-trunc': (p) => fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_TRUNC)),
  truncate: (p) => fs.truncateSync(p, 3),
  link: (p) => fs.linkSync(p, `${p}.link`),
  rename: (p) => fs.renameSync(p, `${p}.renamed`),
  chmod: (p) => fs.chmodSync(p, 0o600),
  chown: (p) => fs.chownSync(p, 77, 88),
  utimes: (p) => fs.utimesSync(p, 5, 6),
  setxattr: (p) => lsetxattr(p, 'user.new', Buffer.from('x'), 0),
  removexattr: (p) => {
    if (spawnSync('setfattr', ['-x', 'user.gone', p]).status !== 0) throw new Error('setfattr -x failed');
  },
};

for (const tr of TRIGGERS) {
  t.test(`copyup trigger: ${tr}`, async (t) => {
    const f = `cu/${tr}/f`;
    t.notOk(exists(U(f)), 'not in upper before');
    trigger[tr]!(M(f));
    const up = tr === 'rename' ? U(`${f}.renamed`) : U(f);
    t.ok(exists(up), 'in upper after');
    const content = fs.readFileSync(up, 'utf8');
    if (tr === 'open-trunc') t.equal(content, '', 'O_TRUNC copies no data');
    else if (tr === 'truncate') t.equal(content, 'dat', 'truncate(3) keeps 3 bytes');
    else t.equal(content, `data of ${tr}\n`, 'data carried over');
    if (tr === 'rename') t.ok(fs.lstatSync(U(f)).isCharacterDevice(), 'whiteout left at the source');
    if (tr === 'link') t.equal(fs.statSync(U(f)).ino, fs.statSync(U(`${f}.link`)).ino, 'new name links the upper copy');
  });
}

t.test('lchown copies up a symlink with its target', async (t) => {
  fs.lchownSync(M('cu/lchown/l'), 99, 98);
  const st = fs.lstatSync(U('cu/lchown/l'));
  t.ok(st.isSymbolicLink());
  t.equal(fs.readlinkSync(U('cu/lchown/l')), 'nowhere');
  t.equal(st.uid, 99);
  t.equal(st.gid, 98);
});

t.test('metadata carried over by copyup: mode, owner, ns times, xattrs', async (t) => {
  const before = fs.statSync(M('meta/f'), { bigint: true });
  fs.closeSync(fs.openSync(M('meta/f'), 'r+'));
  const st = fs.statSync(U('meta/f'), { bigint: true });
  t.equal(st.mode & 0o7777n, 0o640n);
  t.equal(st.uid, 1234n);
  t.equal(st.gid, 2345n);
  t.equal(st.mtimeNs, 1100000000987654321n, 'mtime with nanoseconds');
  t.equal(st.atimeNs, 1000000000123456789n, 'atime with nanoseconds');
  t.equal(lgetxattr(U('meta/f'), 'user.k')?.toString(), 'v');
  const after = fs.statSync(M('meta/f'), { bigint: true });
  t.equal(after.ino, before.ino, 'inode number unchanged by copyup');
  t.equal(after.mtimeNs, before.mtimeNs);
});

t.test('parents are created in upper with the lower directory metadata', async (t) => {
  fs.appendFileSync(M('deep/a/b/f'), 'more\n');
  t.equal(fs.readFileSync(U('deep/a/b/f'), 'utf8'), 'deep\nmore\n');
  const st = fs.statSync(U('deep/a'), { bigint: true });
  t.equal(st.mode & 0o7777n, 0o751n);
  t.equal(st.uid, 4321n);
  t.equal(st.gid, 5432n);
  t.equal(st.mtimeNs, 1300000000000000002n, 'parent mtime kept through the copyup of its child');
  t.notOk(exists(U('deep/a/b/other')));
});

t.test('special files: fifo is served from lower, copied up by chmod', async (t) => {
  t.ok(fs.lstatSync(M('meta/fifo')).isFIFO());
  fs.chmodSync(M('meta/fifo'), 0o600);
  t.ok(fs.lstatSync(U('meta/fifo')).isFIFO());
});

t.test('the lower layer was never written', async (t) => {
  t.equal(JSON.stringify(fs.readdirSync(low, { recursive: true }).sort()), lowerBefore);
  t.equal(fs.readFileSync(path.join(low, 'cu/open-trunc/f'), 'utf8'), 'data of open-trunc\n');
  t.equal(fs.statSync(path.join(low, 'cu/chmod/f')).mode & 0o777, 0o644);
});
