// The reference target mounts through one `unionref --serve` per run: a hung
// case is freed through fusectl, a server that dies or stops answering is
// replaced, and the end of the run leaves no server and no mount.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Case } from '../suite/dsl.ts';
import { fifo } from '../suite/fixture.ts';
import { allCases } from '../suite/index.ts';
import { s } from '../suite/steps.ts';
import { runSuite } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { verdictText } from '../harness/classify.ts';
import { caseMounts, GOLDEN, ROOT, runMounts } from './fixtures/util.ts';

const hang: Case = {
  id: 'robust/hang', spec: 'File copyup', claim: 'opening a fifo with no writer blocks forever', tags: [],
  layers: { lowers: [{ p: fifo() }] }, steps: [s.open('p', 'O_RDONLY', 'fd1')],
};
const fine = allCases().find((c) => c.id === 'copyup/chmod/lower-file')!;

/** The `unionref --serve` children of `parent` (the wrapper script execs node, so the pid stays). */
function servers(parent = process.pid): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent), '-f', String.raw`main\.(mjs|ts) --serve`], { encoding: 'utf8' })
      .split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep: none
  }
}

t.test('one server for the run; a hung case is freed and the run goes on', async (t) => {
  const seen = new Set<number>();
  const rs = await runSuite([fine, hang, fine, hang, fine], makeTarget('reference'), {
    goldenDir: GOLDEN, caseTimeoutMs: 4000,
    onResult: () => servers().forEach((p) => seen.add(p)),
  });
  t.same(rs.map((r) => verdictText(r.verdict)), ['pass', 'fail:timeout', 'pass', 'fail:timeout', 'pass']);
  t.equal(seen.size, 1, 'the same server throughout');
  t.same(runMounts(), [], 'no mount left behind');
  t.same(servers(), [], 'the server ended with the run');
});

t.test('a server that dies is replaced for the next case', async (t) => {
  const rs = await runSuite([fine, fine, fine], makeTarget('reference'), {
    goldenDir: GOLDEN, caseTimeoutMs: 5000, jobs: 1, // case 1 starts after case 0 has ended
    onStart: (_id, i) => {
      if (i === 1) for (const p of servers()) process.kill(p, 'SIGKILL');
    },
  });
  t.same(rs.map((r) => verdictText(r.verdict)), ['pass', 'pass', 'pass']);
  t.same(runMounts(), []);
  t.same(servers(), []);
});

t.test('a server that stops answering is killed, and the next case gets a new one', async (t) => {
  const stopped: number[] = [];
  const rs = await runSuite([fine, fine, fine], makeTarget('reference'), {
    goldenDir: GOLDEN, caseTimeoutMs: 30_000, jobs: 1,
    onStart: (_id, i) => {
      if (i === 1) for (const p of servers()) (process.kill(p, 'SIGSTOP'), stopped.push(p));
    },
  });
  t.same(rs.map((r) => verdictText(r.verdict)), ['pass', 'fail:error', 'pass']);
  t.match(rs[1]!.error, /did not answer mount .* within 15000 ms/);
  t.equal(stopped.length, 1);
  t.same(runMounts(), []);
  t.same(servers(), [], 'the stopped server was killed, its successor ended with the run');
});

t.test('Ctrl-C in the middle of a case leaves no mount and no server', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/hang-run.ts'), 'reference'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 20_000;
  while (caseMounts(child.pid).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const pids = servers(child.pid);
  t.equal(pids.length, 1, `one server while the case runs ${out}`);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.equal(code, 130, `exit code of an interrupted run: ${out}`);
  t.same(runMounts(child.pid), [], 'no mount left behind');
  const running = (p: number): boolean => {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${p}/status`, 'utf8')); // a zombie is gone, only not reaped yet
    } catch {
      return false;
    }
  };
  const gone = () => !pids.some(running);
  for (let i = 0; i < 50 && !gone(); i++) await new Promise((r) => setTimeout(r, 100));
  t.ok(gone(), 'the server is gone');
});
