// Robustness of the reference: ENOSPC during copyup leaves nothing half
// copied, kill -9 during a large copyup leaves the old or the complete new
// file after a remount, and an 8-way concurrent workload ends in the tree
// the workload says it made.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { exists, forceUnmount, isMounted, makeLayers, type Mounted, mountUnion, removeLayers, ROOT, writeTree } from './reference/harness.ts';

const sha = (p: string): string => createHash('sha1').update(fs.readFileSync(p)).digest('hex');

t.test('ENOSPC during copyup: the caller gets ENOSPC and upper holds no partial copy', async (t) => {
  const L = makeLayers(1);
  let m: Mounted | undefined;
  const small = path.join(L.dir, 'small');
  fs.mkdirSync(small);
  t.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small]).status, 0);
  t.teardown(async () => {
    await m?.stop();
    spawnSync('umount', [small]);
    removeLayers(L);
  });
  L.upper = path.join(small, 'upper');
  L.work = path.join(small, 'work');
  fs.mkdirSync(L.upper);
  fs.mkdirSync(L.work);
  writeTree(L.lowers[0]!, { 'd/small': 'fits', 'd/other': 'o' });
  fs.writeFileSync(path.join(L.lowers[0]!, 'd/big'), Buffer.alloc(8 << 20, 7));
  const lowerSum = sha(path.join(L.lowers[0]!, 'd/big'));
  m = await mountUnion(L);
  t.throws(() => fs.appendFileSync(path.join(L.mnt, 'd/big'), 'x'), { code: 'ENOSPC' });
  t.notOk(exists(path.join(L.upper, 'd/big')), 'no partial file in upper');
  t.same(fs.readdirSync(path.join(L.work, 'work')), [], 'the temp copy was removed');
  t.equal(sha(path.join(L.mnt, 'd/big')), lowerSum, 'the union still shows the lower file');
  t.equal(sha(path.join(L.lowers[0]!, 'd/big')), lowerSum, 'the lower file is untouched');
  fs.appendFileSync(path.join(L.mnt, 'd/small'), '!');
  t.equal(fs.readFileSync(path.join(L.mnt, 'd/small'), 'utf8'), 'fits!', 'later copyups work');
});

t.test('EIO while reading the lower file during copyup: the caller gets EIO, upper holds nothing', async (t) => {
  const L = makeLayers(1);
  let m: Mounted | undefined;
  const lowerMnt = L.lowers[0]!;
  const errfs = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/reference/errfs.ts'), lowerMnt], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const errfsExit = new Promise<void>((res) => errfs.on('exit', () => res()));
  t.teardown(async () => {
    await m?.stop();
    spawnSync('umount', [lowerMnt]);
    if (isMounted(lowerMnt)) forceUnmount(lowerMnt);
    errfs.kill('SIGKILL');
    await errfsExit;
    removeLayers(L);
  });
  await new Promise<void>((res) => errfs.stdout!.once('data', () => res()));
  m = await mountUnion(L);
  t.equal(fs.readFileSync(path.join(L.mnt, 'good'), 'utf8'), 'aaaa', 'the FUSE lower layer is visible');
  t.throws(() => fs.appendFileSync(path.join(L.mnt, 'bad'), 'x'), { code: 'EIO' });
  t.notOk(exists(path.join(L.upper, 'bad')), 'no partial copy in upper');
  t.same(fs.readdirSync(path.join(L.work, 'work')), [], 'the temp copy was removed');
  fs.appendFileSync(path.join(L.mnt, 'good'), '!');
  t.equal(fs.readFileSync(path.join(L.upper, 'good'), 'utf8'), 'aaaa!', 'other copyups still work');
});

t.test('kill -9 during a large copyup, then remount: old file or complete new file', async (t) => {
  const L = makeLayers(1);
  let m: Mounted | undefined;
  t.teardown(async () => {
    await m?.stop();
    removeLayers(L);
  });
  const big = Buffer.alloc(256 << 20);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
  fs.mkdirSync(path.join(L.lowers[0]!, 'd'));
  fs.writeFileSync(path.join(L.lowers[0]!, 'd/large'), big);
  const lowerSum = createHash('sha1').update(big).digest('hex');
  m = await mountUnion(L);
  const writer = spawn(process.execPath, ['-e', `require('fs').appendFileSync(${JSON.stringify(path.join(L.mnt, 'd/large'))}, 'tail')`], { stdio: 'ignore' });
  const writerDone = new Promise<void>((res) => writer.on('exit', () => res()));
  const work = path.join(L.work, 'work');
  let sawTemp = false;
  for (let i = 0; i < 2000 && !sawTemp; i++) {
    const temps = fs.readdirSync(work);
    sawTemp = temps.some((n) => (fs.statSync(path.join(work, n), { throwIfNoEntry: false })?.size ?? 0) > 0);
    if (!sawTemp) await new Promise((res) => setTimeout(res, 2));
  }
  t.ok(sawTemp, 'the copy was being built in workdir/work');
  const server = m.child;
  const serverExit = new Promise((res) => server.on('exit', res));
  server.kill('SIGKILL');
  await serverExit;
  forceUnmount(L.mnt);
  await writerDone;
  t.notOk(isMounted(L.mnt));
  const up = path.join(L.upper, 'd/large');
  if (exists(up)) t.equal(fs.statSync(up).size, big.length + (sha(up) === lowerSum ? 0 : 4), 'a copy in upper is complete');
  m = await mountUnion(L);
  const sum = sha(path.join(L.mnt, 'd/large'));
  const size = fs.statSync(path.join(L.mnt, 'd/large')).size;
  t.ok(sum === lowerSum || size === big.length || size === big.length + 4, 'old or complete new content');
  t.equal(sum, lowerSum, 'here the kill came before the rename: the old file');
  t.same(fs.readdirSync(work), [], 'the remount emptied workdir/work');
  t.equal(sha(path.join(L.lowers[0]!, 'd/large')), lowerSum, 'lower untouched');
});

t.test('8-way concurrent workload ends in the tree the workload describes', async (t) => {
  const L = makeLayers(1);
  let m: Mounted | undefined;
  const low = L.lowers[0]!;
  t.teardown(async () => {
    await m?.stop();
    removeLayers(L);
  });
  const N = 8;
  for (let w = 0; w < N; w++) {
    for (let k = 0; k < 20; k++) writeTree(low, { [`w${w}/l${k}`]: `lower ${w} ${k}\n` });
  }
  writeTree(low, { 'shared/s0': 's0', 'shared/s1': 's1' });
  m = await mountUnion(L);
  const script = path.join(ROOT, 'test/reference/workload.ts');
  const runs = Array.from({ length: N }, (_, w) => new Promise<{ code: number | null; out: string; err: string }>((res) => {
    const c = spawn(process.execPath, ['--import', 'tsx', script, L.mnt, String(w), '300'], { cwd: ROOT });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    c.on('exit', (code) => res({ code, out, err }));
  }));
  const results = await Promise.all(runs);
  const models = results.map((r, w) => {
    t.equal(r.code, 0, `worker ${w} ${r.err}`);
    return JSON.parse(r.out || '{"files":{},"dirs":[],"shared":[]}') as { files: Record<string, string>; dirs: string[]; shared: string[] };
  });
  const check = (label: string): void => {
    for (const [w, model] of models.entries()) {
      const d = path.join(L.mnt, `w${w}`);
      t.same(fs.readdirSync(d).sort(), [...Object.keys(model.files), ...model.dirs].sort(), `${label}: w${w} listing`);
      let same = true;
      for (const [n, c] of Object.entries(model.files)) if (fs.readFileSync(path.join(d, n), 'utf8') !== c) same = false;
      t.ok(same, `${label}: w${w} contents`);
    }
    const want = ['s0', 's1', ...models.flatMap((x) => x.shared)].sort();
    t.same(fs.readdirSync(path.join(L.mnt, 'shared')).sort(), want, `${label}: shared listing`);
  };
  check('live');
  await m.stop();
  m = await mountUnion(L);
  check('after remount');
  t.same(fs.readdirSync(path.join(L.work, 'work')), [], 'no temps left');
});
