// POSIX behaviour the spec does not change: credentials of the caller,
// permission checks for other users, sticky and set-group-ID directories,
// nanosecond timestamps with UTIME_NOW/UTIME_OMIT, ctime, NAME_MAX and
// PATH_MAX, link counts of directories.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { lutimens, NOW, OMIT } from '../reference/src/sys/libc.ts';
import { exists, makeLayers, mountUnion, removeLayers, runAs, writeTree, mountForTest } from './reference/harness.ts';

const L = makeLayers(1);
const low = L.lowers[0]!;
writeTree(low, {
  'pub/': null,
  'priv/secret': 'root only',
  'priv/readable': 'everyone reads',
  'sticky/theirs': 'owned by 1001',
  'sticky/mine': 'owned by 1000',
  'sgid/': null,
  'times/f': 't',
  'nl/a/': null, 'nl/b/': null, 'nl/f': '',
});
fs.chmodSync(L.dir, 0o755);
fs.chmodSync(path.join(low, 'pub'), 0o777);
fs.chmodSync(path.join(low, 'priv/secret'), 0o600);
fs.chmodSync(path.join(low, 'sticky'), 0o1777);
fs.chownSync(path.join(low, 'sticky/theirs'), 1001, 1001);
fs.chownSync(path.join(low, 'sticky/mine'), 1000, 1000);
fs.chmodSync(path.join(low, 'sgid'), 0o2777);
fs.chownSync(path.join(low, 'sgid'), 0, 500);

const { M, U } = await mountForTest(t, L);
const js = JSON.stringify;

t.test('files and directories are created with the caller\'s uid and gid', async (t) => {
  const r = runAs(1000, 1000, `import fs from 'fs'; fs.writeFileSync(${js(M('pub/f'))}, 'x'); fs.mkdirSync(${js(M('pub/d'))}); fs.symlinkSync('f', ${js(M('pub/l'))});`);
  t.ok(r.ok, r.code);
  for (const n of ['f', 'd', 'l']) {
    const st = fs.lstatSync(M(`pub/${n}`));
    t.equal(`${st.uid}:${st.gid}`, '1000:1000', `pub/${n} through the mount`);
    const su = fs.lstatSync(U(`pub/${n}`));
    t.equal(`${su.uid}:${su.gid}`, '1000:1000', `pub/${n} in upper`);
  }
  t.equal(fs.statSync(M('pub/f')).mode & 0o777, 0o644, 'mode with the caller\'s umask (022)');
});

t.test('the kernel checks permissions for other users (default_permissions)', async (t) => {
  const r1 = runAs(1000, 1000, `import fs from 'fs'; try { fs.readFileSync(${js(M('priv/secret'))}); } catch (e) { console.log('ERR:' + e.code); }`);
  t.equal(r1.code, 'EACCES');
  const r2 = runAs(1000, 1000, `import fs from 'fs'; try { fs.writeFileSync(${js(M('priv/readable'))}, 'x'); } catch (e) { console.log('ERR:' + e.code); }`);
  t.equal(r2.code, 'EACCES');
  t.notOk(exists(U('priv/readable')), 'a refused open copies nothing up');
  const r3 = runAs(1000, 1000, `import fs from 'fs'; console.log(fs.readFileSync(${js(M('priv/readable'))}, 'utf8'));`);
  t.equal(r3.out, 'everyone reads');
  const r4 = runAs(1000, 1000, `import fs from 'fs'; try { fs.chownSync(${js(M('priv/readable'))}, 1000, 1000); } catch (e) { console.log('ERR:' + e.code); }`);
  t.equal(r4.code, 'EPERM');
});

t.test('sticky directories: only the owner may remove', async (t) => {
  const r1 = runAs(1000, 1000, `import fs from 'fs'; try { fs.unlinkSync(${js(M('sticky/theirs'))}); } catch (e) { console.log('ERR:' + e.code); }`);
  t.equal(r1.code, 'EPERM');
  t.ok(exists(M('sticky/theirs')));
  const r2 = runAs(1000, 1000, `import fs from 'fs'; fs.unlinkSync(${js(M('sticky/mine'))});`);
  t.ok(r2.ok, r2.code);
  t.notOk(exists(M('sticky/mine')));
});

t.test('set-group-ID directories pass their group on', async (t) => {
  const r = runAs(1000, 1000, `import fs from 'fs'; fs.writeFileSync(${js(M('sgid/f'))}, ''); fs.mkdirSync(${js(M('sgid/d'))});`);
  t.ok(r.ok, r.code);
  t.equal(fs.statSync(M('sgid/f')).gid, 500);
  const d = fs.statSync(M('sgid/d'));
  t.equal(d.gid, 500);
  t.ok((d.mode & 0o2000) !== 0, 'a new directory inherits S_ISGID');
});

t.test('timestamps: nanoseconds, UTIME_NOW, UTIME_OMIT, ctime', async (t) => {
  const f = M('times/f');
  lutimens(f, { sec: 1500000000, nsec: 111222333 }, { sec: 1600000000, nsec: 444555666 });
  let st = fs.statSync(f, { bigint: true });
  t.equal(st.atimeNs, 1500000000111222333n);
  t.equal(st.mtimeNs, 1600000000444555666n);
  lutimens(f, { sec: 1700000000, nsec: 1 }, OMIT);
  st = fs.statSync(f, { bigint: true });
  t.equal(st.atimeNs, 1700000000000000001n, 'atime set');
  t.equal(st.mtimeNs, 1600000000444555666n, 'UTIME_OMIT keeps mtime');
  const before = BigInt(Date.now()) * 1000000n - 2000000000n;
  lutimens(f, OMIT, NOW);
  st = fs.statSync(f, { bigint: true });
  t.ok(st.mtimeNs > before, 'UTIME_NOW sets the current time');
  t.equal(st.atimeNs, 1700000000000000001n);
  const c0 = st.ctimeNs;
  await new Promise((r) => setTimeout(r, 20));
  fs.chmodSync(f, 0o600);
  t.ok(fs.statSync(f, { bigint: true }).ctimeNs > c0, 'chmod updates ctime');
  const m0 = fs.statSync(M('times'), { bigint: true }).mtimeNs;
  await new Promise((r) => setTimeout(r, 20));
  fs.writeFileSync(M('times/new'), '');
  t.ok(fs.statSync(M('times'), { bigint: true }).mtimeNs > m0, 'creating an entry updates the directory mtime');
});

t.test('NAME_MAX and PATH_MAX', async (t) => {
  t.throws(() => fs.writeFileSync(M(`pub/${'n'.repeat(256)}`), ''), { code: 'ENAMETOOLONG' });
  fs.writeFileSync(M(`pub/${'n'.repeat(255)}`), '');
  t.ok(exists(M(`pub/${'n'.repeat(255)}`)));
  t.throws(() => fs.statSync(M(`pub/${'n'.repeat(256)}`)), { code: 'ENAMETOOLONG' });
  const long = M(`${'d/'.repeat(2100)}f`);
  t.throws(() => fs.statSync(long), { code: 'ENAMETOOLONG' });
});

t.test('directory link counts follow their visible subdirectories', async (t) => {
  t.equal(fs.statSync(M('nl')).nlink, 4, 'two lower subdirectories');
  fs.mkdirSync(M('nl/c'));
  t.equal(fs.statSync(M('nl')).nlink, 5, 'merged: a new upper subdirectory counts');
  fs.rmdirSync(M('nl/a'));
  t.equal(fs.statSync(M('nl')).nlink, 4, 'a whited-out subdirectory does not');
  t.equal(fs.statSync(M('nl/c')).nlink, 2);
});
