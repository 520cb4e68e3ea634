// SIGINT or SIGTERM at a random moment of a run, or a reader that closes the pipe, leaves no
// mount, no process and no scratch directory behind, and the run exits as the signal says.
// The moments come from a seed, printed: SIGNAL_SEED=<seed> gives the same ones again.
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRATCH_PREFIX } from '../harness/run.ts';
import { ROOT, runMounts } from './fixtures/util.ts';
import { descendants, running, withCmdline, type Proc } from './fixtures/procs.ts';

const CLI = join(ROOT, 'harness/bin/union-conformance');
/** 54 cases: a run of a few seconds. */
const SLICE = 'copyup/chmod';
const SLICE_CASES = 54;
const TRIES = 20;

const seed = Number(process.env.SIGNAL_SEED ?? Date.now() % 1_000_000);
t.comment(`seed ${seed} (SIGNAL_SEED=${seed} gives these moments again)`);

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function generator(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(seed);
const below = (n: number) => Math.floor(random() * n);

interface Moment {
  signal: 'SIGINT' | 'SIGTERM';
  /** To the whole process group, as a terminal's Ctrl-C; else to the harness alone. */
  group: boolean;
  /** After this many case lines on stdout (then `ms` more), or `ms` after the start. */
  lines?: number;
  ms: number;
}

function moment(): Moment {
  const signal = random() < 0.5 ? 'SIGINT' : 'SIGTERM';
  const group = random() < 0.25;
  return random() < 0.5 ? { signal, group, ms: below(1800) } : { signal, group, lines: below(SLICE_CASES), ms: below(30) };
}

const describe = (m: Moment) => `${m.signal}${m.group ? ' to the group' : ''} ${m.lines === undefined ? `${m.ms} ms in` : `after ${m.lines} cases and ${m.ms} ms`}`;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Every process seen below the harness while it ran. */
  seen: Proc[];
}

/** Starts the harness on a slice; `act` gets its stdout as it comes and decides when to act. */
async function runHarness(target: string, detached: boolean, act: (child: ChildProcess, stdout: () => string) => void): Promise<Ended> {
  const child = spawn(CLI, ['--target', target, '--filter', SLICE], { stdio: ['ignore', 'pipe', 'pipe'], detached });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const seen = new Map<string, Proc>();
  const watch = setInterval(() => {
    for (const p of descendants(child.pid!)) seen.set(`${p.pid}:${p.start}`, p);
  }, 20);
  act(child, () => stdout);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
  clearInterval(watch);
  return { code, signal, stderr, seen: [...seen.values()] };
}

/** Nothing of the run with this pid is left: mounts, scratch directory, processes. */
function leavesNothing(t: Test, pid: number, ended: Ended): void {
  t.same(runMounts(pid), [], 'no mount left');
  t.same(readdirSync(tmpdir()).filter((n) => n.startsWith(`${SCRATCH_PREFIX}${pid}-`)), [], 'no scratch directory left');
  t.same(ended.seen.filter(running).map((p) => `${p.pid} ${p.cmd}`), [], 'no process of the run left');
  t.same(withCmdline(`${SCRATCH_PREFIX}${pid}-`).map((p) => `${p.pid} ${p.cmd}`), [], 'no process working in its scratch directory');
}

async function interrupt(t: Test, target: string, m: Moment): Promise<void> {
  let delivered = false;
  let pid = 0;
  const ended = await runHarness(target, m.group, (child, stdout) => {
    pid = child.pid!;
    const send = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      delivered = true;
      if (m.group) process.kill(-pid, m.signal);
      else child.kill(m.signal);
    };
    if (m.lines === undefined) setTimeout(send, m.ms);
    else {
      const wait = setInterval(() => {
        if (child.exitCode !== null || stdout().split('\n').length > m.lines!) {
          clearInterval(wait);
          setTimeout(send, m.ms);
        }
      }, 5);
    }
  });
  if (delivered) {
    // A signal before the harness has hooked it (node still starting) ends it the default way.
    const conventional = ended.code === 128 + constants.signals[m.signal] || (ended.code === null && ended.signal === m.signal);
    t.ok(conventional, `exits ${128 + constants.signals[m.signal]} (got ${ended.code ?? ended.signal})`);
    t.notMatch(ended.stderr, /^\s+at /m, 'no stack trace');
  } else t.comment('the run ended before the signal');
  leavesNothing(t, pid, ended);
}

const classes: [string, (i: number) => string][] = [
  ['kernel', () => 'overlayfs'],
  ['FUSE', (i) => (i % 2 ? 'fuse-overlayfs' : 'reference')],
];

for (const [name, target] of classes) {
  t.test(`${name} targets: ${TRIES} signals at random moments`, async (t) => {
    for (let i = 0; i < TRIES; i++) {
      const m = moment();
      await t.test(`${target(i)}: ${describe(m)}`, (t) => interrupt(t, target(i), m));
    }
  });
}

for (const target of ['overlayfs', 'reference']) {
  t.test(`${target}: a reader that closes the pipe after one line (| head -1) ends the run quietly with 141`, async (t) => {
    let pid = 0;
    const ended = await runHarness(target, false, (child, stdout) => {
      pid = child.pid!;
      const wait = setInterval(() => {
        if (!stdout().includes('\n')) return;
        clearInterval(wait);
        child.stdout!.destroy();
      }, 5);
    });
    t.equal(ended.code, 141, 'exit code as of SIGPIPE');
    t.equal(ended.stderr, '', 'nothing said');
    leavesNothing(t, pid, ended);
  });
}
