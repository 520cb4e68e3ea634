// Layers let go at unmount: UNIONREF_UNMOUNT_COUNT times (default below),
// with every core busy, a union on layers that live on their own tmpfs
// mounts is mounted with mount(8), made to hold fds on both layers, and
// `umount MNT && umount LOWERFS && umount UPPERFS` must succeed (no "target
// is busy"). umount(8) runs umount.fuse.unionref, installed in a private
// mount namespace only (test/reference/unmount-loop.sh).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import t from 'tap';
import { ROOT } from './reference/harness.ts';
import { countFromEnv, loadEveryCore } from './reference/load.ts';

const COUNT = countFromEnv('UNIONREF_UNMOUNT_COUNT', 100);
/** Per round (mount, a write, three unmounts); the script bounds each command at 30 s. */
const ROUND_BOUND_MS = 60_000;

/** Pids of processes whose command line mentions dir (servers left in the namespace). */
function pidsMentioning(dir: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid).filter((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  }).map(Number);
}

t.test(`${COUNT} rounds of umount MNT && umount LAYERFS with every core busy: never busy`, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unionref-unmount-'));
  const load = loadEveryCore();
  t.teardown(() => {
    load.stop();
    for (const pid of pidsMentioning(dir)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const script = path.join(ROOT, 'test/reference/unmount-loop.sh');
  const child = spawn('unshare', ['-m', '--propagation', 'private', script, dir, String(COUNT)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const round = /^ok (\d*00) /m.exec(d.toString());
    if (round !== null) process.stderr.write(`# unmount: ${round[1]}/${COUNT} rounds\n`);
  });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGTERM'), COUNT * ROUND_BOUND_MS);
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const lines = out.trim().split('\n').filter((l) => l !== '');
  const rounds = lines.filter((l) => l.startsWith('ok ')).map((l) => Number(l.split(' ')[2]));
  const failure = lines.find((l) => l.startsWith('FAIL'));
  t.equal(failure, undefined, 'no round failed');
  t.equal(status, 0, `the loop ended cleanly ${err.trim()}`);
  t.equal(rounds.length, COUNT,
    `${rounds.length} rounds; slowest ${Math.max(0, ...rounds)} ms, mean ${Math.round(rounds.reduce((a, b) => a + b, 0) / Math.max(rounds.length, 1))} ms`);
});
