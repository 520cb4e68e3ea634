// The daemon launcher (reference/bin/unionref without -f) under load: every
// core runs a busy loop, and each of UNIONREF_LAUNCH_COUNT mounts (default
// below) must return 0 within LAUNCH_BOUND_MS with the mount in place. A
// launcher that loses the server's readiness message hangs although the
// mount is up.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { BIN, forceUnmount, isMounted, makeLayers, mountInfo, removeLayers } from './reference/harness.ts';
import { countFromEnv, loadEveryCore } from './reference/load.ts';

const COUNT = countFromEnv('UNIONREF_LAUNCH_COUNT', 100);
const LAUNCH_BOUND_MS = 30_000;

interface Launch { status: number | null; ms: number; stderr: string }

/** Runs the launcher; kills it (and reports status null) after the bound. */
function launch(args: string[]): Promise<Launch> {
  const start = Date.now();
  const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), LAUNCH_BOUND_MS);
  return new Promise((resolve) => child.on('exit', (code) => {
    clearTimeout(timer);
    resolve({ status: code, ms: Date.now() - start, stderr });
  }));
}

t.test(`${COUNT} daemon mounts with every core busy each return within ${LAUNCH_BOUND_MS / 1000} s`, async (t) => {
  const l = makeLayers(1);
  fs.writeFileSync(path.join(l.lowers[0]!, 'f'), 'x');
  const load = loadEveryCore();
  t.teardown(() => {
    load.stop();
    forceUnmount(l.mnt);
    removeLayers(l);
  });
  let max = 0;
  let total = 0;
  let done = 0;
  for (; done < COUNT; done++) {
    const r = await launch(['-o', `lowerdir=${l.lowers[0]}`, l.mnt]);
    const mounted = mountInfo(l.mnt)?.fsType === 'fuse.unionref';
    max = Math.max(max, r.ms);
    total += r.ms;
    if (r.status !== 0 || !mounted) {
      t.fail(`mount ${done + 1}: status ${r.status} after ${r.ms} ms, mounted: ${mounted}: ${r.stderr.trim()}`);
      break;
    }
    if ((done + 1) % 100 === 0) process.stderr.write(`# launcher: ${done + 1}/${COUNT} mounts, slowest ${max} ms\n`);
    const u = spawnSync('umount', [l.mnt], { encoding: 'utf8', timeout: LAUNCH_BOUND_MS });
    if (u.status !== 0 || isMounted(l.mnt)) {
      t.fail(`umount ${done + 1}: status ${u.status}: ${u.stderr.trim()}`);
      break;
    }
  }
  t.equal(done, COUNT, `${done} mounts returned; slowest ${max} ms, mean ${Math.round(total / Math.max(done, 1))} ms`);
});

t.test('a launcher whose server fails reports its exit status', async (t) => {
  const l = makeLayers(1);
  t.teardown(() => removeLayers(l));
  const r = await launch(['-o', `lowerdir=${l.dir}/missing`, l.mnt]);
  t.equal(r.status, 1);
  t.match(r.stderr, /lowerdir ".*missing": No such file or directory \(ENOENT\)/);
  const usage = await launch(['-o', `lowerdir=${l.lowers[0]},frobnicate`, l.mnt]);
  t.equal(usage.status, 2);
  t.match(usage.stderr, /unknown option "frobnicate"/);
});

t.test('a launcher whose server is killed before the mount answers returns', async (t) => {
  const l = makeLayers(1);
  t.teardown(() => {
    forceUnmount(l.mnt);
    removeLayers(l);
  });
  const start = Date.now();
  const child = spawn(BIN, ['-o', `lowerdir=${l.lowers[0]}`, l.mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // The server is the launcher's child running main.mjs/main.ts with our mount point.
  let server: number | undefined;
  while (server === undefined && Date.now() - start < LAUNCH_BOUND_MS) {
    server = serverPids(l.mnt)[0];
    if (server === undefined) await new Promise((r) => setTimeout(r, 5));
  }
  t.ok(server !== undefined, 'server started');
  if (server !== undefined) process.kill(server, 'SIGKILL');
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.not(status, 0, 'not reported as mounted');
  t.match(stderr, /the server exited \(status 137\) before the mount was ready/);
});

/** Pids of unionref servers (main.mjs or main.ts) whose command line names mnt. */
function serverPids(mnt: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return cmd.includes(mnt) && cmd.some((a) => /main\.(ts|mjs)$/.test(a));
    } catch {
      return false;
    }
  }).map(Number);
}
