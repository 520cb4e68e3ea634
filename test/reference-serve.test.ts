// unionref --serve: many mounts in one process, driven by JSON lines on
// stdin. Mounts at once, unmount of one, error lines, busy mounts, EOF and
// SIGTERM, and a server thread stuck in a system call not holding up others.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import t from 'tap';
import { mount } from '../reference/src/sys/libc.ts';
import { BIN, forceUnmount, isMounted, type Layers, makeLayers, mountInfo, optionString, removeLayers, writeTree } from './reference/harness.ts';

type Reply = { id: unknown; ok: boolean; error?: string };

/** A `unionref --serve` child and its answers. */
class Serve {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  stderr = '';
  private next = 1;
  private readonly waiters = new Map<unknown, (r: Reply) => void>();

  constructor() {
    this.child = spawn(BIN, ['--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((r) => this.child.on('exit', (code) => r(code)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const r = JSON.parse(line) as Reply;
      this.waiters.get(r.id)?.(r);
      this.waiters.delete(r.id);
    });
  }

  /** Sends a line; the answer is the one carrying `id`. */
  raw(line: string, id: unknown): Promise<Reply> {
    const answer = new Promise<Reply>((r) => this.waiters.set(id, r));
    this.child.stdin!.write(`${line}\n`);
    return answer;
  }

  mount(l: Layers, extra = ''): Promise<Reply> {
    const id = this.next++;
    return this.raw(JSON.stringify({ id, op: 'mount', options: optionString(l, extra), mnt: l.mnt }), id);
  }

  unmount(mnt: string): Promise<Reply> {
    const id = this.next++;
    return this.raw(JSON.stringify({ id, op: 'unmount', mnt }), id);
  }

  /** SIGKILL if still running; frees whatever it left mounted. */
  kill(...mnts: string[]): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (const m of mnts) forceUnmount(m);
  }
}

/** Rejects if p has not settled within ms. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function layers(t: { teardown(fn: () => unknown): void }, tree: Record<string, string | null>): Layers {
  const l = makeLayers(1);
  writeTree(l.lowers[0]!, tree);
  t.teardown(() => removeLayers(l));
  return l;
}

/** The first line the command line prints for these options. */
function cliError(args: string[]): string {
  return spawnSync(BIN, args, { encoding: 'utf8' }).stderr.split('\n')[0]!;
}

t.test('two unions at once; unmounting one leaves the other', async (t) => {
  const a = layers(t, { 'a.txt': 'lower a\n', 'dir/x': 'x' });
  const b = layers(t, { 'b.txt': 'lower b\n' });
  const s = new Serve();
  t.teardown(() => s.kill(a.mnt, b.mnt));
  const [ra, rb] = await within(Promise.all([s.mount(a), s.mount(b)]), 20000, 'mount');
  t.same(ra, { id: 1, ok: true });
  t.same(rb, { id: 2, ok: true });
  t.equal(mountInfo(a.mnt)?.fsType, 'fuse.unionref');
  t.equal(mountInfo(b.mnt)?.fsType, 'fuse.unionref');

  fs.appendFileSync(path.join(a.mnt, 'a.txt'), 'more\n');
  fs.writeFileSync(path.join(b.mnt, 'new.txt'), 'new\n');
  t.equal(fs.readFileSync(path.join(a.upper, 'a.txt'), 'utf8'), 'lower a\nmore\n', 'copied up in a');
  t.equal(fs.readFileSync(path.join(a.lowers[0]!, 'a.txt'), 'utf8'), 'lower a\n', 'lower of a untouched');
  t.equal(fs.readFileSync(path.join(b.upper, 'new.txt'), 'utf8'), 'new\n', 'created in the upper of b');
  t.same(fs.readdirSync(a.mnt).sort(), ['a.txt', 'dir']);
  t.same(fs.readdirSync(b.mnt).sort(), ['b.txt', 'new.txt']);

  t.same(await within(s.unmount(a.mnt), 10000, 'unmount'), { id: 3, ok: true });
  t.notOk(isMounted(a.mnt), 'a unmounted');
  t.equal(fs.readFileSync(path.join(b.mnt, 'b.txt'), 'utf8'), 'lower b\n', 'b still served');
  t.same(await s.mount(a), { id: 4, ok: true }, 'a mounts again');
  t.equal(fs.readFileSync(path.join(a.mnt, 'a.txt'), 'utf8'), 'lower a\nmore\n');
  t.same(await s.unmount(a.mnt), { id: 5, ok: true });
  t.same(await s.unmount(b.mnt), { id: 6, ok: true });
  t.same(await s.unmount(b.mnt), { id: 7, ok: true }, 'nothing mounted there: nothing to do');
  s.child.stdin!.end();
  t.equal(await within(s.exit, 10000, 'exit'), 0);
});

t.test('refused requests answer with the line the command line prints', async (t) => {
  const a = layers(t, {});
  const s = new Serve();
  t.teardown(() => s.kill(a.mnt));
  const missing = `lowerdir=${a.dir}/nope,upperdir=${a.upper},workdir=${a.work}`;
  const r1 = await s.raw(JSON.stringify({ id: 'x', op: 'mount', options: missing, mnt: a.mnt }), 'x');
  t.same(r1, { id: 'x', ok: false, error: cliError(['-f', '-o', missing, a.mnt]) });
  t.match(r1.error, /^unionref: lowerdir ".*\/nope": No such file or directory \(ENOENT\)$/);
  const unknown = `lowerdir=${a.lowers[0]},frobnicate`;
  const r2 = await s.raw(JSON.stringify({ id: 2, op: 'mount', options: unknown, mnt: a.mnt }), 2);
  t.same(r2, { id: 2, ok: false, error: 'unionref: unknown option "frobnicate"' });
  t.equal(r2.error, cliError(['-f', '-o', unknown, a.mnt]));
  t.match(await s.raw('not json', null), { id: null, ok: false, error: /bad request/ });
  t.match(await s.raw(JSON.stringify({ id: 3, op: 'frob' }), 3), { id: 3, ok: false, error: /unknown op "frob"/ });
  t.notOk(isMounted(a.mnt));

  t.same(await s.mount(a), { id: 1, ok: true });
  const inside = makeLayers(1);
  t.teardown(() => removeLayers(inside));
  const r3 = await s.raw(JSON.stringify({ id: 4, op: 'mount', options: `lowerdir=${a.mnt}/sub`, mnt: inside.mnt }), 4);
  t.match(r3, { ok: false, error: /lowerdir ".*\/mnt\/sub" is inside a mount of this server/ }, 'its own mounts are never touched');
  const r4 = await s.raw(JSON.stringify({ id: 5, op: 'mount', options: optionString(inside), mnt: a.mnt }), 5);
  t.match(r4, { ok: false, error: /mount point ".*" is already a mount of this server/ });

  const fd = fs.openSync(path.join(a.mnt, '.'), 'r');
  const busy = await s.unmount(a.mnt);
  t.match(busy, { ok: false, error: /^unionref: umount .*: EBUSY$/ }, 'busy: refused');
  t.ok(isMounted(a.mnt), 'still mounted');
  fs.closeSync(fd);
  t.match(await s.unmount(a.mnt), { ok: true });
  t.notOk(isMounted(a.mnt));
  s.child.kill('SIGTERM');
  t.equal(await within(s.exit, 10000, 'exit'), 0);
});

t.test('an upperdir or workdir one of its mounts uses is refused; after the unmount it mounts', async (t) => {
  const a = layers(t, { f: 'a' });
  const b = layers(t, {});
  const s = new Serve();
  t.teardown(() => s.kill(a.mnt, b.mnt));
  t.match(await s.mount(a), { ok: true });
  const inProgress = path.join(a.work, 'work/#copyup-in-progress');
  fs.writeFileSync(inProgress, '');
  const upperInUse = { ...b, upper: a.upper };
  const r1 = await s.mount(upperInUse);
  t.match(r1, { ok: false, error: /^unionref: upperdir ".*" is in-use as upperdir\/workdir of another mount \(EBUSY\)$/ });
  t.match(await s.mount({ ...b, work: a.work }), { ok: false, error: /workdir ".*" is in-use as upperdir\/workdir/ });
  t.ok(fs.existsSync(inProgress), 'a\'s work/ was not emptied');
  t.notOk(isMounted(b.mnt));
  t.match(await s.unmount(a.mnt), { ok: true });
  t.match(await s.mount(upperInUse), { ok: true }, 'the unmount answered once the layers were let go');
  t.match(await s.unmount(b.mnt), { ok: true });
  s.child.stdin!.end();
  t.equal(await within(s.exit, 10000, 'exit'), 0);
});

t.test('EOF unmounts everything, a busy mount lazily, and exits 0', async (t) => {
  const a = layers(t, { f: 'a' });
  const b = layers(t, { f: 'b' });
  const s = new Serve();
  t.teardown(() => s.kill(a.mnt, b.mnt));
  t.match(await s.mount(a), { ok: true });
  t.match(await s.mount(b), { ok: true });
  const fd = fs.openSync(path.join(b.mnt, 'f'), 'r');
  s.child.stdin!.end();
  t.equal(await within(s.exit, 15000, 'exit'), 0);
  t.notOk(isMounted(a.mnt), 'a unmounted');
  t.notOk(isMounted(b.mnt), 'busy b detached');
  t.throws(() => fs.readSync(fd, Buffer.alloc(1)), { code: 'ENOTCONN' }, 'its last user sees the connection gone');
  // open O_RDONLY, so FOPEN_NOFLUSH: close(2) asks the gone server nothing
  t.doesNotThrow(() => fs.closeSync(fd));
});

t.test('SIGTERM unmounts everything and exits 0', async (t) => {
  const a = layers(t, {});
  const s = new Serve();
  t.teardown(() => s.kill(a.mnt));
  t.match(await s.mount(a), { ok: true });
  s.child.kill('SIGTERM');
  t.equal(await within(s.exit, 10000, 'exit'), 0);
  t.notOk(isMounted(a.mnt));
});

/**
 * A FUSE mount nobody serves: /dev/fuse opened and mounted by this process,
 * never read. Whatever touches it waits (this process never does).
 */
function hangingFuse(dir: string): { abort: () => void } {
  const fd = fs.openSync('/dev/fuse', 'r+');
  mount('hang', dir, 'fuse.hang', 0, `fd=${fd},rootmode=40000,user_id=0,group_id=0`);
  return {
    abort: () => {
      forceUnmount(dir);
      fs.closeSync(fd);
    },
  };
}

t.test('a server thread stuck in a system call holds up no other mount', async (t) => {
  const a = layers(t, { sub: null });
  const b = layers(t, { f: 'b\n' });
  const s = new Serve();
  t.teardown(() => s.kill(a.mnt, b.mnt));
  t.match(await s.mount(a), { ok: true });
  // After the checks, a lower directory of a becomes an unserved FUSE mount:
  // a's server thread blocks in lstat() there as soon as someone looks it up.
  const hang = hangingFuse(path.join(a.lowers[0]!, 'sub'));
  let freed = false;
  t.teardown(() => {
    if (!freed) hang.abort();
  });
  const looker = spawn('stat', [path.join(a.mnt, 'sub')], { stdio: 'ignore' });
  const lookerDone = new Promise((r) => looker.on('exit', r));
  t.teardown(() => looker.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 300));
  t.equal(looker.exitCode, null, 'the lookup in a hangs');

  const t0 = Date.now();
  t.match(await within(s.mount(b), 5000, 'mount b'), { ok: true }, 'b mounts');
  fs.writeFileSync(path.join(b.mnt, 'g'), 'g\n');
  t.equal(fs.readFileSync(path.join(b.upper, 'g'), 'utf8'), 'g\n', 'b works');
  t.match(await within(s.unmount(b.mnt), 5000, 'unmount b'), { ok: true }, 'b unmounts');
  t.ok(Date.now() - t0 < 5000, `b came and went in ${Date.now() - t0} ms`);
  const stuck = await within(s.unmount(a.mnt), 8000, 'unmount a');
  t.equal(stuck.ok, false, `unmounting the stuck mount fails: ${stuck.error}`);

  // What the harness does with a hung mount: abort its connection, detach it.
  forceUnmount(a.mnt);
  await within(lookerDone, 5000, 'the lookup in a ends');
  hang.abort(); // the server thread's lstat() returns, it finds its connection gone and ends
  freed = true;
  t.same(await within(s.unmount(a.mnt), 8000, 'unmount a'), { id: 5, ok: true }, 'a is gone and its thread ended');
  s.child.stdin!.end();
  t.equal(await within(s.exit, 10000, 'exit'), 0);
});
