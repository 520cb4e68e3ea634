// The UML devkit: boot a guest (kernel 6.1) for the run, reach it over ssh
// through its namespace, run a slice, halt it; kill it mid-run and see the run
// go on. Runs when the devkit root exists (make devkit) or UML_TEST=1 (which
// builds it, about a minute); otherwise skipped. About 2 minutes with the root built.
import t, { type Test } from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Case } from '../suite/dsl.ts';
import { fifo } from '../suite/fixture.ts';
import { allCases } from '../suite/index.ts';
import { s } from '../suite/steps.ts';
import { runSuite, type CaseResult, type RunOptions } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { verdictText } from '../harness/classify.ts';
import { AUFS_KERNEL, UmlGuest, umlSettings } from '../harness/remote/uml.ts';
import { goldenFile } from '../harness/golden.ts';
import { nsExists } from '../harness/remote/netns.ts';
import { GOLDEN, leftMounts, ROOT } from './fixtures/util.ts';
import { processesWith } from './fixtures/sshd.ts';

const guest = new UmlGuest();
const built = () => existsSync(`${guest.root}/.devkit-root`);
const opts: RunOptions = { goldenDir: GOLDEN, caseTimeoutMs: 30_000 };
const slice = allCases().filter((c) => /^(rename\/|unlink\/)/.test(String(c.id)) || /^copyup\/chmod\/lower-(file|dir|symlink)$/.test(String(c.id)));
const transcripts = (rs: CaseResult[]) => Object.fromEntries(rs.map((r) => [r.id, r.transcript ?? r.error]));
const hang: Case = {
  id: 'uml/hang', spec: 'File copyup', claim: 'opening a fifo with no writer blocks', tags: [],
  layers: { lowers: [{ p: fifo() }] }, steps: [s.open('p', 'O_RDONLY', 'fd1')],
};

/** The transcripts of results/DIR's recorded run (a case it did not write equals its golden). */
const recorded = (dir: string, rs: CaseResult[]) => Object.fromEntries(rs.map((r) => {
  const file = goldenFile(`${ROOT}results/${dir}`, r.id);
  return [r.id, readFileSync(existsSync(file) ? file : goldenFile(GOLDEN, r.id), 'utf8')];
}));

/** The guest, its namespace (and with it the tap), its processes, its disk image and our ssh are gone. */
function nothingLeft(t: Test, g: UmlGuest = guest): void {
  t.notOk(nsExists(g.s.ns), 'no namespace left');
  t.equal(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(g.s.tap), false, 'no tap device in this namespace');
  t.same(g.umlProcesses(), [], 'no UML process left');
  t.same(processesWith(`TCP:${g.s.guestIp}:`), [], 'no ProxyCommand left');
  t.same(processesWith('/tmp/uc-ssh-'), [], 'no ssh master left');
  t.same(readdirSync(`${g.s.kit}/run`).filter((f) => f.endsWith('.img') || f.endsWith('.pid')), [], 'no disk image or pid file left');
  t.same(leftMounts().filter((m) => m.includes(`/union-conformance-${process.pid}-`)), [], 'no local mount left');
}

if (!built() && process.env.UML_TEST !== '1') {
  t.plan(0, 'no devkit root: run make devkit (about a minute, once) or set UML_TEST=1');
} else if (guest.isUp()) {
  t.plan(0, 'a devkit guest is up (make devkit-up): this test boots, kills and halts its own; make devkit-down first');
} else {
  t.before(() => {
    if (!built()) execFileSync(`${ROOT}harness/bin/ensure-deps`, ['uml'], { stdio: 'inherit' });
  });
  t.teardown(() => guest.haltSync());

  const local: CaseResult[] = [];

  t.test('uml:overlayfs boots the guest, gives the local transcripts, and halts it', async (t) => {
    local.push(...(await runSuite(slice, makeTarget('overlayfs'), opts)));
    const target = makeTarget('uml:overlayfs');
    const started = Date.now();
    t.equal(await target.check(), null, 'the guest boots and has what the suite needs');
    t.comment(`boot and check: ${Date.now() - started} ms`);
    const ours = readlinkSync('/proc/self/ns/mnt');
    t.same(guest.umlProcesses().filter((p) => readlinkSync(`/proc/${p}/ns/mnt`) !== ours), [],
      'the guest runs in our mount namespace: it holds no copy of the mounts of that moment (other runs\' FUSE mounts)');
    const rs = await runSuite(slice, target, opts);
    t.comment(`${slice.length} cases in the guest: ${Date.now() - started} ms with boot and halt`);
    t.same(transcripts(rs), transcripts(local));
    nothingLeft(t);
  });

  t.test('uml:fuse-overlayfs: a FUSE daemon in the guest', async (t) => {
    const cases = slice.slice(0, 4);
    const here = await runSuite(cases, makeTarget('fuse-overlayfs'), opts);
    const rs = await runSuite(cases, makeTarget('uml:fuse-overlayfs'), opts);
    t.same(transcripts(rs), transcripts(here));
    nothingLeft(t);
  });

  t.test('uml:reference: unionref in the guest on the host\'s node gives the host\'s transcripts', async (t) => {
    const cases = slice.filter((c) => /^(copyup\/chmod\/|unlink\/)/.test(String(c.id)));
    const here = await runSuite(cases, makeTarget('reference'), opts);
    const target = makeTarget('uml:reference');
    t.equal(await target.check(), null, 'the guest runs node 20 or later');
    const rs = await runSuite(cases, target, opts);
    t.same(rs.map((r) => r.error).filter(Boolean), [], 'every case ran');
    t.same(transcripts(rs), transcripts(here));
    nothingLeft(t);
  });

  const aufsGuest = new UmlGuest(umlSettings({ name: 'uc-umlaufs', kernel: AUFS_KERNEL }));
  t.test('uml:aufs: the slice in the devkit\'s aufs kernel, as its full run recorded it', { skip: existsSync(AUFS_KERNEL) ? false : `no aufs kernel at ${AUFS_KERNEL} (make devkit-aufs)` }, async (t) => {
    t.teardown(() => aufsGuest.haltSync());
    const target = makeTarget('uml:aufs');
    t.equal(await target.check(), null, 'the guest kernel has aufs');
    const rs = await runSuite(slice, target, opts);
    t.same(rs.map((r) => r.error).filter(Boolean), [], 'every case mounted and ran');
    t.match(transcripts(rs)['unlink/file/lower'], /== upper\nf: whiteout\n/, 'the aufs reader turns .wh.f into a whiteout');
    t.same(transcripts(rs), recorded('uml:aufs', rs));
    nothingLeft(t, aufsGuest);
  });

  t.test('the guest killed in the middle of a case: that case fails, the guest is booted again, the run goes on', async (t) => {
    const cases = [slice[0]!, hang, slice[1]!, slice[2]!];
    const started = Date.now();
    const rs = await runSuite(cases, makeTarget('uml:overlayfs'), {
      ...opts,
      onStart: (id) => {
        if (id === hang.id) setTimeout(() => guest.umlProcesses().forEach((p) => process.kill(p, 'SIGKILL')), 3000);
      },
    });
    const ms = Date.now() - started;
    t.equal(rs[1]!.verdict.class, 'fail', `the case that was running fails (${verdictText(rs[1]!.verdict)}: ${rs[1]!.error})`);
    t.match(rs[1]!.error, /ssh connection to root@uml-devkit was lost|did not answer/, 'and says why');
    t.same(transcripts([rs[0]!, rs[2]!, rs[3]!]), transcripts(local.filter((r) => [0, 1, 2].some((i) => slice[i]!.id === r.id))), 'the other cases ran as before');
    t.ok(ms < 120_000, `the run ended in ${ms} ms`);
    nothingLeft(t);
  });

  t.test('Ctrl-C in the middle of a run halts the guest and removes its namespace', async (t) => {
    const child = spawn(`${ROOT}harness/bin/union-conformance`, ['--target', 'uml:overlayfs', '--filter', 'copyup/chmod/'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const deadline = Date.now() + 90_000;
    while ((out.match(/^pass/gm) ?? []).length < 3 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    t.ok(guest.isUp(), 'the run booted a guest');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    t.match(out, /interrupted: cleaning up/);
    t.not(code, 0, `the run ends with a failure code (${code})`);
    nothingLeft(t);
  });
}
