// -o volatile, as overlayfs's: a copyup is renamed into upper without an
// fsync of the copy (the default syncs it first), fsync(2) is left out, and
// the mount marks its workdir (work/incompat/volatile/dirty) so that no
// later mount, the reference's or the kernel's, uses layers a crash may
// have left incomplete. Layers a kernel volatile mount used are refused too.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { BIN, makeLayers, mountUnion, optionString, removeLayers, writeTree, type Layers } from './reference/harness.ts';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const marker = (L: Layers): string => path.join(L.work, 'work/incompat/volatile/dirty');
const REFUSED = 'unionref: workdir: overlay with incompat feature "volatile" cannot be mounted';

/** The fsync and fdatasync calls the server process makes while fn runs. */
async function syncCalls(pid: number, fn: () => void): Promise<number> {
  const out = path.join(fs.mkdtempSync('/tmp/unionref-strace-'), 'log');
  const st = spawn('strace', ['-f', '-p', String(pid), '-e', 'trace=fsync,fdatasync', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    st.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('attached')) resolve();
    });
    st.on('exit', () => reject(new Error(`strace: ${err}`)));
  });
  fn();
  const exited = new Promise((r) => st.on('exit', r));
  st.kill('SIGINT');
  await exited;
  const calls = fs.readFileSync(out, 'utf8').split('\n').filter((l) => /\b(fsync|fdatasync)\(/.test(l)).length;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return calls;
}

function copyupAndFsync(mnt: string): void {
  const fd = fs.openSync(path.join(mnt, 'f'), 'r+'); // copies f up
  fs.writeSync(fd, 'more');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

function mountAgain(L: Layers): { status: number | null; stderr: string } {
  return spawnSync(BIN, ['-o', optionString(L), L.mnt], { encoding: 'utf8', timeout: 30000 });
}

t.test('volatile: no fsync, the workdir marked, later mounts refused', { skip: hasStrace ? false : 'no strace' }, async (t) => {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { f: 'x'.repeat(1 << 20) });
  const m = await mountUnion(L, 'volatile');
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  t.ok(fs.existsSync(marker(L)), 'work/incompat/volatile/dirty while mounted');
  t.equal(await syncCalls(m.child.pid!, () => copyupAndFsync(m.mnt)), 0, 'a copyup and an fsync(2): no fsync by the server');
  t.equal(fs.statSync(path.join(L.upper, 'f')).size, 1 << 20, 'the copy is in upper');
  await m.stop();
  t.ok(fs.existsSync(marker(L)), 'the mark stays after the unmount, as overlayfs leaves it');
  const r = mountAgain(L);
  t.equal(r.status, 1, 'a later mount is refused');
  t.equal(r.stderr.split('\n')[0]!.slice(0, REFUSED.length), REFUSED);
  const k = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', optionString(L), L.mnt], { encoding: 'utf8' });
  t.not(k.status, 0, 'kernel overlayfs refuses the layers too');
  if (k.status === 0) spawnSync('umount', [L.mnt]);
});

t.test('default: the copy is synced before its rename, and no mark', { skip: hasStrace ? false : 'no strace' }, async (t) => {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { f: 'x'.repeat(1 << 20) });
  const m = await mountUnion(L);
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  t.ok(await syncCalls(m.child.pid!, () => copyupAndFsync(m.mnt)) >= 2, 'the copy and the fsync(2) are synced');
  t.notOk(fs.existsSync(path.join(L.work, 'work/incompat')), 'no work/incompat');
});

t.test('layers a kernel volatile mount used are refused', async (t) => {
  const L = makeLayers(1);
  t.teardown(() => removeLayers(L));
  t.equal(spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `${optionString(L)},volatile`, L.mnt]).status, 0, 'kernel volatile mount');
  t.equal(spawnSync('umount', [L.mnt]).status, 0);
  const r = mountAgain(L);
  t.equal(r.status, 1);
  t.equal(r.stderr.split('\n')[0]!.slice(0, REFUSED.length), REFUSED);
});

t.test('volatile without an upper layer is ignored, as by overlayfs', async (t) => {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { f: 'lower' });
  t.teardown(() => removeLayers(L));
  const r = spawnSync(BIN, ['-o', `lowerdir=${L.lowers[0]!},volatile`, L.mnt], { encoding: 'utf8', timeout: 30000 });
  t.equal(r.status, 0, r.stderr);
  t.equal(fs.readFileSync(path.join(L.mnt, 'f'), 'utf8'), 'lower');
  spawnSync('umount', [L.mnt]);
});
