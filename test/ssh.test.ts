// ssh:// targets against an OpenSSH server on 127.0.0.1 (keys made for the test):
// the same transcripts as the local run, prerequisites named, and a lost
// connection fails the running case only, with nothing left behind.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { Case } from '../suite/dsl.ts';
import { fifo } from '../suite/fixture.ts';
import { allCases } from '../suite/index.ts';
import { s } from '../suite/steps.ts';
import { runSuite, type CaseResult, type RunOptions } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { verdictText } from '../harness/classify.ts';
import { GOLDEN, leftMounts, ROOT } from './fixtures/util.ts';
import { processesWith, SSHD, TestSshd } from './fixtures/sshd.ts';

const SLICE = /^(copyup\/chmod\/|rename\/|unlink\/)/;
const slice = allCases().filter((c) => SLICE.test(String(c.id)));
const opts: RunOptions = { goldenDir: GOLDEN, caseTimeoutMs: 20_000 };
const base = `/tmp/uc-ssh-test-${process.pid}`;
const hang: Case = {
  id: 'ssh/hang', spec: 'File copyup', claim: 'opening a fifo with no writer blocks', tags: [],
  layers: { lowers: [{ p: fifo() }] }, steps: [s.open('p', 'O_RDONLY', 'fd1')],
};
const byId = (rs: CaseResult[], f: (r: CaseResult) => unknown) => Object.fromEntries(rs.map((r) => [r.id, f(r)]));
const transcripts = (rs: CaseResult[]) => byId(rs, (r) => r.transcript ?? r.error);
const verdicts = (rs: CaseResult[]) => byId(rs, (r) => verdictText(r.verdict));

/** Nothing of a run is left: no mount, no process, no remote run directory. */
async function nothingLeft(t: Test): Promise<void> {
  const ours = leftMounts().filter((m) => m.includes(base) || m.includes(`/union-conformance-${process.pid}-`));
  t.same(ours, [], 'no mount left behind');
  // A command the run had under way when it ended (a kill, an umount -l) may still be finishing on the remote.
  for (let i = 0; i < 30 && processesWith(base).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.same(processesWith(base), [], 'no remote process left behind');
  t.same(existsSync(base) ? readdirSync(base) : [], [], 'no remote run directory left behind');
}

if (!existsSync(SSHD)) {
  t.plan(0, `no ${SSHD} (apt-get install openssh-server, or make deps)`);
} else {
  let sshd: TestSshd;
  t.before(async () => {
    sshd = await TestSshd.start();
    mkdirSync(base, { recursive: true });
  });
  t.teardown(() => {
    sshd?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  const local: Record<string, CaseResult[]> = {};

  t.test('overlayfs over ssh:// gives the transcripts of the local run', async (t) => {
    local.overlayfs = await runSuite(slice, makeTarget('overlayfs'), opts);
    const target = makeTarget(sshd.target(base, 'fs=overlayfs'));
    t.equal(await target.check(), null, 'the remote has what it needs');
    const started = Date.now();
    const remote = await runSuite(slice, target, opts);
    t.comment(`${slice.length} cases over ssh:// in ${Date.now() - started} ms`);
    t.same(transcripts(remote), transcripts(local.overlayfs));
    t.same(verdicts(remote), verdicts(local.overlayfs));
    await nothingLeft(t);
  });

  t.test('fuse-overlayfs over ssh:// (a remote daemon, killed by pid) gives the local transcripts', async (t) => {
    const cases = slice.filter((c) => String(c.id).startsWith('copyup/chmod/'));
    // On disk like the remote's layers: fuse-overlayfs copies up the name of a hard-linked file that readdir lists first.
    process.env.UNION_CONFORMANCE_SCRATCH = 'disk';
    const here = await runSuite(cases, makeTarget('fuse-overlayfs'), opts).finally(() => delete process.env.UNION_CONFORMANCE_SCRATCH);
    const target = makeTarget(sshd.target(base, 'fs=fuse-overlayfs'));
    t.equal(await target.check(), null);
    const remote = await runSuite(cases, target, opts);
    t.same(transcripts(remote), transcripts(here));
    await nothingLeft(t);
    t.same(processesWith('fuse-overlayfs -f -o lowerdir=/tmp/uc-ssh-test'), [], 'no fuse-overlayfs daemon left');
  });

  t.test('missing prerequisites are named, one sentence each', async (t) => {
    const noNode = makeTarget(sshd.target(base, 'fs=overlayfs&node=/nonexistent/node'));
    t.match(await noNode.check(), /'\/nonexistent\/node' is not a Node\.js on the remote/);
    const nobody = makeTarget(`ssh://root@127.0.0.1:1${base}?fs=overlayfs&config=${encodeURIComponent(sshd.clientConfig)}`);
    t.match(await nobody.check(), /cannot reach root@127\.0\.0\.1:1 over ssh: .*Connection refused/);
    t.throws(() => makeTarget(sshd.target(base, 'fs=btrfs')), /fs must be one of overlayfs, fuse-overlayfs/);
    t.throws(() => makeTarget(`ssh://127.0.0.1/tmp?fs=overlayfs&bogus=1`), /unknown parameter 'bogus'/);
    await nothingLeft(t);
  });

  t.test('sshd killed in the middle of a case: that case fails, the run reconnects and goes on', async (t) => {
    const fine = slice.slice(0, 4);
    const cases = [fine[0]!, fine[1]!, hang, fine[2]!, fine[3]!];
    const target = makeTarget(sshd.target(base, 'fs=overlayfs'));
    const started = Date.now();
    const rs = await runSuite(cases, target, {
      ...opts,
      caseTimeoutMs: 15_000,
      onStart: (id) => {
        if (id !== 'ssh/hang') return;
        setTimeout(() => {
          sshd.kill();
          setTimeout(() => void sshd.restart(), 1500);
        }, 1000);
      },
    });
    const ms = Date.now() - started;
    t.equal(verdictText(rs[2]!.verdict), 'fail:error', 'the case that was running fails');
    t.match(rs[2]!.error, /the ssh connection to root@127\.0\.0\.1:\d+ was lost/, 'and says why');
    t.ok(rs[2]!.ms < 10_000, `without waiting for the case timeout (${rs[2]!.ms} ms)`);
    t.same(transcripts([rs[0]!, rs[1]!, rs[3]!, rs[4]!]), transcripts(local.overlayfs!.filter((r) => fine.some((c) => c.id === r.id))), 'the other cases ran as before');
    t.ok(ms < 60_000, `the run ended in ${ms} ms`);
    await nothingLeft(t);
  });

  t.test('a peer that stops answering: the case times out, the dead connection is dropped, the run goes on', async (t) => {
    const cases = [hang, ...slice.slice(0, 2)];
    const target = makeTarget(sshd.target(base, 'fs=overlayfs'));
    const started = Date.now();
    const rs = await runSuite(cases, target, {
      ...opts,
      caseTimeoutMs: 5_000,
      onStart: (id) => void (id === 'ssh/hang' && setTimeout(() => sshd.signalSessions('SIGSTOP'), 1000)),
    });
    const ms = Date.now() - started;
    sshd.signalSessions('SIGKILL');
    t.equal(verdictText(rs[0]!.verdict), 'fail:timeout', 'the case that was running times out');
    t.same(transcripts(rs.slice(1)), transcripts(local.overlayfs!.filter((r) => cases.slice(1).some((c) => c.id === r.id))), 'the next cases ran on a new connection');
    t.ok(ms < 60_000, `bounded by the case timeout and ServerAlive (${ms} ms)`);
    await nothingLeft(t);
  });

  t.test('Ctrl-C in the middle of a run removes the remote run directory and its mounts', async (t) => {
    const masters = () => processesWith('/tmp/uc-ssh-').filter((p) => p.includes('[mux]'));
    const before = masters();
    const child = spawn(`${ROOT}harness/bin/union-conformance`, ['--target', sshd.target(base, 'fs=overlayfs'), '--filter', 'copyup/chmod/'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const deadline = Date.now() + 30_000;
    while ((out.match(/^pass/gm) ?? []).length < 3 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    t.match(out, /interrupted: cleaning up/);
    t.not(code, 0, `the run ends with a failure code (${code})`);
    await nothingLeft(t);
    const ours = () => masters().filter((m) => !before.includes(m));
    for (let i = 0; i < 20 && ours().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    t.same(ours(), [], 'no ssh master left');
  });
}
