// A hung case, a broken case, a changed lower layer, Ctrl-C, bad input: the run goes on and leaves nothing.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Case } from '../suite/dsl.ts';
import { fifo } from '../suite/fixture.ts';
import { allCases } from '../suite/index.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { s } from '../suite/steps.ts';
import { runSuite } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { verdictText } from '../harness/classify.ts';
import { localHost } from '../harness/host.ts';
import type { Action } from '../harness/plan/plan.ts';
import type { Layout } from '../harness/targets/target.ts';
import { caseMounts, GOLDEN, ROOT, runMounts } from './fixtures/util.ts';

const hang: Case = {
  id: 'robust/hang', spec: 'File copyup', claim: 'opening a fifo with no writer blocks forever', tags: [],
  layers: { lowers: [{ p: fifo() }] }, steps: [s.open('p', 'O_RDONLY', 'fd1')],
};
const fine = allCases().find((c) => c.id === 'copyup/chmod/lower-file')!;

/** Writes into the case's lower layer, as a misbehaving filesystem might. */
const tamper = async (l: Layout) => void (await localHost.run(['sh', '-c', `echo tampered > ${l.lowers[0]}/f`]));

t.test('a hung case is killed as fail:timeout, its mount freed, and the next case runs', async (t) => {
  const rs = await runSuite([hang, fine, hang], makeTarget('overlayfs'), { goldenDir: GOLDEN, caseTimeoutMs: 1500 });
  t.same(rs.map((r) => verdictText(r.verdict)), ['fail:timeout', 'pass', 'fail:timeout']);
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('on a FUSE target a hung case is aborted through fusectl and the daemon is ended', async (t) => {
  const rs = await runSuite([hang, fine], makeTarget('fuse-overlayfs'), { goldenDir: GOLDEN, caseTimeoutMs: 1500 });
  t.same(rs.map((r) => verdictText(r.verdict)), ['fail:timeout', 'pass']);
  t.same(runMounts(), [], 'no mount left behind');
  t.same(execFileSync('sh', ['-c', 'pgrep -x fuse-overlayfs -P $PPID || true'], { encoding: 'utf8' }).trim(), '', 'no daemon left');
});

t.test('a broken case definition is reported with its id and the run goes on', async (t) => {
  const broken = { ...fine, id: 'robust/broken', steps: [] } as Case;
  const rs = await runSuite([broken, { ...fine, id: 'robust/ok' }], makeTarget('plain'), { goldenDir: GOLDEN, caseTimeoutMs: 5000 });
  t.equal(verdictText(rs[0]!.verdict), 'fail:broken-case');
  t.match(rs[0]!.error, /no steps/);
  t.equal(rs[1]!.verdict.class, 'fail'); // ran (no golden for robust/ok)
  t.equal(verdictText(rs[1]!.verdict), 'fail:no-golden');
});

t.test('a target that writes to a lower layer fails the case as lower-changed', async (t) => {
  const ovl = makeTarget('overlayfs');
  const evil = { ...ovl, mount: (l: Layout): Action[] => [{ what: 'tamper', run: () => tamper(l) }, ...ovl.mount(l)] };
  const rs = await runSuite([fine], evil, { goldenDir: GOLDEN, caseTimeoutMs: 5000 });
  t.equal(verdictText(rs[0]!.verdict), 'fail:lower-changed');
  t.match(rs[0]!.transcript, /lower0: CHANGED ~f/);
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('a lower layer shared between cases is not mounted again once a case changed it', async (t) => {
  const ovl = makeTarget('overlayfs');
  const lowers: string[] = [];
  let mounts = 0;
  const evil = { ...ovl, mount: (l: Layout): Action[] => [{
    what: 'the second mount tampers',
    run: async () => {
      lowers.push(l.lowers[0]!);
      if (mounts++ === 1) await tamper(l);
    },
  }, ...ovl.mount(l)] };
  const same = (n: string) => ({ ...fine, id: `robust/shared-${n}` });
  const rs = await runSuite([same('a'), same('b'), same('c')], evil, { goldenDir: GOLDEN, caseTimeoutMs: 5000, jobs: 1 });
  const body = (r: (typeof rs)[number]) => r.transcript!.split('\n').slice(1).join('\n'); // the first line names the case
  t.same(rs.map((r) => body(r) === body(rs[0]!)), [true, false, true], 'only the tampered case differs');
  t.match(rs[1]!.transcript, /lower0: CHANGED ~f/);
  t.equal(lowers[1], lowers[0], 'the second case mounted the first one\'s layer');
  t.not(lowers[2], lowers[1], 'the third got a freshly written one');
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('a mount that fails inside a case sent in one piece is fail:setup, and the run goes on', async (t) => {
  const ovl = makeTarget('overlayfs');
  const flaky = { ...ovl, mount: (l: Layout): Action[] =>
    // The first case's mount names a lower layer that does not exist.
    l.caseDir.endsWith('/0000') ? [{ send: { op: 'mount', source: 'overlay', target: l.mnt, fstype: 'overlay', data: `lowerdir=${l.caseDir}/none,upperdir=${l.upper},workdir=${l.work}` } }] : ovl.mount(l) };
  const rs = await runSuite([fine, fine], flaky, { goldenDir: GOLDEN, caseTimeoutMs: 5000, jobs: 1 });
  t.same(rs.map((r) => verdictText(r.verdict)), ['fail:setup', 'pass']);
  t.match(rs[0]!.error, /^mount: ENOENT/);
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('lanes: two at a time give the transcripts of one at a time, reported in case order', async (t) => {
  const slice = allCases().filter((c) => /^(copyup\/chmod|rename|readdir)\//.test(String(c.id)));
  const order: string[] = [];
  const one = await runSuite(slice, makeTarget('overlayfs'), { goldenDir: GOLDEN, caseTimeoutMs: 20_000, jobs: 1 });
  const two = await runSuite(slice, makeTarget('overlayfs'), { goldenDir: GOLDEN, caseTimeoutMs: 20_000, jobs: 2, onResult: (r) => order.push(r.id) });
  t.same(two.map((r) => r.transcript), one.map((r) => r.transcript));
  t.same(order, slice.map((c) => c.id));
  t.same(runMounts(), [], 'no mount left behind');
});

t.test('Ctrl-C in the middle of a case leaves no mount and no process', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/hang-run.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 20_000;
  while (caseMounts(child.pid).length === 0) {
    if (Date.now() > deadline) t.fail(`the run never mounted: ${out}`);
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.equal(code, 130, 'exit code of an interrupted run');
  t.match(out, /interrupted: cleaning up/);
  t.same(runMounts(child.pid), [], 'no mount left behind');
  t.same(processesOf(child.pid!), [], 'no process of the run is left');
});

/** Processes whose command line names the scratch dir of the run with this pid (its executors). */
function processesOf(pid: number): string[] {
  const mark = `union-conformance-${pid}-`;
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(mark);
    } catch {
      return false;
    }
  });
}

t.test('a bad target name is a clear error with exit code 2', async (t) => {
  const child = spawn(join(ROOT, 'harness/bin/union-conformance'), ['--target', 'zfs-union'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  t.equal(code, 2);
  t.match(err, /unknown target 'zfs-union': known targets are .*overlayfs/);
});

t.test('an unknown overlayfs option is refused before anything is mounted', async (t) => {
  t.throws(() => makeTarget('overlayfs:lowerdir=/etc'), /unknown or unsupported option 'lowerdir=\/etc'/);
});

