// unionref's command line: bad input is refused before anything is mounted
// (clear message, non-zero exit), daemon mode returns once mounted, SIGTERM
// unmounts cleanly.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { BIN, isMounted, makeLayers, mountInfo, mountUnion, optionString, removeLayers } from './reference/harness.ts';

const L = makeLayers(2);
t.teardown(() => removeLayers(L));
fs.chmodSync(L.dir, 0o755);

function run(args: string[], uid?: number): { status: number | null; stderr: string } {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 30000, ...(uid === undefined ? {} : { uid, gid: uid }) });
  return { status: r.status, stderr: r.stderr };
}

const o = (opts: string): string[] => ['-f', '-o', opts, L.mnt];
const base = { l: L.lowers.join(':'), u: L.upper, w: L.work };

const cases: Array<[string, string[], number, RegExp]> = [
  ['missing lowerdir', o(`upperdir=${base.u},workdir=${base.w}`), 2, /missing lowerdir/],
  ['lowerdir does not exist', o(`lowerdir=${L.dir}/nope`), 1, /lowerdir ".*nope": No such file or directory \(ENOENT\)/],
  ['second lowerdir does not exist', o(`lowerdir=${L.lowers[0]}:${L.dir}/nope2`), 1, /lowerdir #2 .*ENOENT/],
  ['lowerdir is a file', o(`lowerdir=${L.dir}/file`), 1, /ENOTDIR/],
  ['upperdir does not exist', o(`lowerdir=${base.l},upperdir=${L.dir}/nope,workdir=${base.w}`), 1, /upperdir .*ENOENT/],
  ['upperdir without workdir', o(`lowerdir=${base.l},upperdir=${base.u}`), 2, /upperdir= given without workdir=/],
  ['workdir without upperdir', o(`lowerdir=${base.l},workdir=${base.w}`), 2, /workdir= given without upperdir=/],
  ['upper equal to a lower', o(`lowerdir=${base.l},upperdir=${L.lowers[1]},workdir=${base.w}`), 1, /is the same directory as lowerdir #2/],
  ['upper inside a lower', o(`lowerdir=${base.l},upperdir=${L.lowers[0]}/sub,workdir=${base.w}`), 1, /upperdir .* is inside lowerdir #1/],
  ['lower inside upper', o(`lowerdir=${base.u}/sub,upperdir=${base.u},workdir=${base.w}`), 1, /lowerdir .* is inside upperdir/],
  ['workdir inside upper', o(`lowerdir=${base.l},upperdir=${base.u},workdir=${base.u}/sub`), 1, /separate subtrees/],
  ['workdir on another filesystem', o(`lowerdir=${base.l},upperdir=${base.u},workdir=/dev/shm`), 1, /another filesystem than upperdir/],
  ['non-empty workdir', o(`lowerdir=${base.l},upperdir=${base.u},workdir=${L.dir}/dirtywork`), 1, /workdir .* is not empty \(found "junk"\)/],
  ['the same lowerdir twice', o(`lowerdir=${base.l}:${L.lowers[0]}`), 1, /lowerdir #3 ".*lower1" is the same directory as lowerdir #1 ".*lower1"/],
  ['a lowerdir inside another', o(`lowerdir=${L.lowers[0]}:${L.lowers[0]}/sub`), 1, /lowerdir #2 ".*lower1\/sub" is inside lowerdir #1 ".*lower1"/],
  ['unknown option', o(`lowerdir=${base.l},frobnicate`), 2, /unknown option "frobnicate"/],
  ['unsupported overlayfs option value', o(`lowerdir=${base.l},index=on`), 2, /supports only index=off/],
  ['mount point missing', ['-f', '-o', `lowerdir=${base.l}`, `${L.dir}/nomnt`], 1, /mount point .*ENOENT/],
  ['mount point inside a layer', ['-f', '-o', `lowerdir=${base.l}`, `${L.lowers[0]}/sub`], 1, /mount point .* is inside lowerdir/],
  ['unknown flag', ['-x', '-o', `lowerdir=${base.l}`, L.mnt], 2, /unknown flag "-x"/],
  ['no mount point', ['-o', `lowerdir=${base.l}`], 2, /missing mount point/],
];
fs.writeFileSync(path.join(L.dir, 'file'), '');
fs.mkdirSync(path.join(L.lowers[0]!, 'sub'));
fs.mkdirSync(path.join(L.upper, 'sub'));
fs.mkdirSync(path.join(L.dir, 'dirtywork'));
fs.writeFileSync(path.join(L.dir, 'dirtywork/junk'), '');

for (const [name, args, status, msg] of cases) {
  t.test(`refused: ${name}`, async (t) => {
    const r = run(args);
    t.equal(r.status, status, `exit ${status}`);
    t.match(r.stderr, msg);
    t.notOk(isMounted(L.mnt), 'nothing mounted');
  });
}

t.test('refused: a layer the caller cannot read', async (t) => {
  const secret = path.join(L.dir, 'secret');
  fs.mkdirSync(secret, { mode: 0o700 });
  const r = run(o(`lowerdir=${secret}`), 1000);
  t.not(r.status, 0);
  t.match(r.stderr, /lowerdir ".*secret": Permission denied \(EACCES\)/);
  t.notOk(isMounted(L.mnt));
});

t.test('a workdir left by kernel overlayfs (only work/) is accepted and emptied', async (t) => {
  fs.mkdirSync(path.join(L.work, 'work/leftover'), { recursive: true });
  const m = await mountUnion(L);
  t.teardown(() => m.stop());
  t.same(fs.readdirSync(L.work), ['work']);
  t.same(fs.readdirSync(path.join(L.work, 'work')), []);
  await m.stop();
});

t.test('an upperdir or workdir a live mount uses is refused; its work/ is left alone', async (t) => {
  const m = await mountUnion(L);
  t.teardown(() => m.stop());
  const inProgress = path.join(L.work, 'work/#copyup-in-progress');
  fs.writeFileSync(inProgress, '');
  const other = makeLayers(1);
  t.teardown(() => removeLayers(other));
  const upperInUse = run(o(`lowerdir=${other.lowers[0]},upperdir=${L.upper},workdir=${other.work}`));
  t.equal(upperInUse.status, 1);
  t.match(upperInUse.stderr, /^unionref: upperdir ".*upper" is in-use as upperdir\/workdir of another mount \(EBUSY\)$/m);
  const workInUse = run(o(`lowerdir=${other.lowers[0]},upperdir=${other.upper},workdir=${L.work}`));
  t.equal(workInUse.status, 1);
  t.match(workInUse.stderr, /^unionref: workdir ".*work" is in-use as upperdir\/workdir of another mount \(EBUSY\)$/m);
  const workAsUpper = run(o(`lowerdir=${other.lowers[0]},upperdir=${L.work},workdir=${other.work}`));
  t.match(workAsUpper.stderr, /upperdir ".*work" is in-use as upperdir\/workdir of another mount/);
  t.ok(fs.existsSync(inProgress), 'the live mount\'s work/ was not emptied');
  t.equal(mountInfo(L.mnt)?.fsType, 'fuse.unionref', 'the first mount is still there');
  await m.stop();
  const again = await mountUnion({ ...other, upper: L.upper, work: L.work });
  t.teardown(() => again.stop());
  t.same(fs.readdirSync(path.join(L.work, 'work')), [], 'once it is unmounted, the layers mount again');
  await again.stop();
});

t.test('daemon mode returns once mounted; umount ends the server', async (t) => {
  const r = run(['-o', optionString(L), L.mnt]);
  t.equal(r.status, 0, r.stderr);
  const info = mountInfo(L.mnt);
  t.equal(info?.fsType, 'fuse.unionref');
  t.same(fs.readdirSync(L.mnt).sort(), ['sub']);
  const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(L.mnt) && /main\.(ts|mjs)/.test(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
  t.equal(pids.length, 1, 'one server process');
  spawnSync('umount', [L.mnt]);
  t.notOk(isMounted(L.mnt));
  let gone = false;
  for (let i = 0; i < 100 && !gone; i++) {
    gone = !fs.existsSync(`/proc/${pids[0]}`);
    if (!gone) await new Promise((res) => setTimeout(res, 50));
  }
  t.ok(gone, 'the server exited');
});

t.test('SIGTERM unmounts and exits 0', async (t) => {
  const m = await mountUnion(L);
  t.teardown(() => m.stop());
  const exited = new Promise<number | null>((res) => m.child.on('exit', (c) => res(c)));
  m.child.kill('SIGTERM');
  t.equal(await exited, 0);
  t.notOk(isMounted(L.mnt));
});
