// union-conformance --explain: the case told in full, and a bash reproducer that observes,
// without the harness, what the transcript says.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allCases } from '../suite/index.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { UnsupportedFixture } from '../harness/layer-writer.ts';
import type { Case } from '../suite/dsl.ts';
import { reproducer } from '../harness/explain/reproducer.ts';
import { GOLDEN, ROOT } from './fixtures/util.ts';

const CLI = join(ROOT, 'harness/bin/union-conformance');
const explain = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(CLI, ['--explain', ...args], { encoding: 'utf8', env: { ...process.env, SPEC: '', ...env } });

t.test('it prints the section, the claim, the layers as a tree, the steps, the golden transcript and a script', async (t) => {
  const id = 'copyup/lchown/second-lower-symlink';
  const r = explain([id, '--target', 'overlayfs']);
  t.equal(r.status, 0, r.stderr);
  const c = allCases().find((x) => x.id === id)!;
  t.match(r.stdout, `spec section: ${c.spec}\n`);
  t.match(r.stdout, `claim: ${c.claim}\n`);
  t.match(r.stdout, /layers:\n  lower0 \(topmost lower\)\/\n  └── other  file 0644 0:0 "other\\n"\n  lower1\/\n  ├── f  symlink -> "t" 0:0\n/);
  t.match(r.stdout, 'steps:\n  lstat f\n  lchown f 1000 1000\n  lstat f\n  readlink f\n');
  t.match(r.stdout, readFileSync(join(GOLDEN, `${id}.out`), 'utf8').trimEnd().split('\n').map((l) => `  ${l}`).join('\n'));
  t.match(r.stdout, /#!\/bin\/bash\n/);
  t.match(r.stdout, /mount -t overlay overlay -o "lowerdir=\$W\/lower0:\$W\/lower1,upperdir=\$W\/upper,workdir=\$W\/work" "\$W\/mnt"/);
  t.notMatch(r.stdout, /the spec says/, 'no spec words without SPEC');
});

const SPEC = process.env.SPEC ? resolve(ROOT, process.env.SPEC) : undefined;
const noSpec = SPEC === undefined ? 'SPEC is not set (make test sets it)' : existsSync(SPEC) ? false : `the spec is not at SPEC=${SPEC}`;
t.test('with SPEC it quotes the spec\'s first sentence of the section', { skip: noSpec }, async (t) => {
  const c = allCases().find((x) => x.spec === 'Notes on rename()')!;
  const r = explain([c.id, '--target', 'overlayfs'], { SPEC: SPEC! });
  t.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('the spec says: '));
  t.ok(line, 'a line of the spec');
  t.ok(readFileSync(SPEC!, 'utf8').replace(/\s+/g, ' ').includes(line!.slice('the spec says: '.length)), 'its words are the spec\'s');
});

t.test('bad input: one line naming the problem, exit 2', async (t) => {
  const r = explain(['no/such/case']);
  t.equal(r.status, 2);
  t.match(r.stderr, /^union-conformance: --explain: no case 'no\/such\/case' \(--list shows them\)\n/);
  t.notMatch(r.stderr, /at .*\.ts:\d+/);
  const aufs = explain(['copyup/lchown/second-lower-symlink', '--target', 'aufs']);
  t.equal(aufs.status, 0);
  t.match(aufs.stdout, /\nno reproducer: --explain writes a reproducer for .*, not 'aufs'\n/);
});

// What a target's transcript of a case says its steps answered: the run recorded under
// results/<target>/ where it differs from golden, else the golden transcript.
function stepsSection(id: string, targetName: string): string {
  const recorded = join(ROOT, 'results', targetName, `${id}.out`);
  const text = readFileSync(existsSync(recorded) ? recorded : join(GOLDEN, `${id}.out`), 'utf8');
  return text.split('\n== steps\n')[1]!.split('\n== ')[0]!.trimEnd();
}

/** What runs a case's reproducer on a target and compares its lines with the transcript's steps. */
async function reproduces(t: Test, sample: Case[], targetName = 'overlayfs'): Promise<void> {
  const target = makeTarget(targetName);
  const missing = await target.check();
  if (missing) {
    t.fail(`${targetName} cannot run here: ${missing}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'union-conformance-explain-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const c of sample) {
    // A file, not bash -c: the deep-path cases' scripts are longer than one argument may be.
    const script = join(dir, 'reproduce.sh');
    writeFileSync(script, reproducer(c, target));
    const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: dir } });
    t.equal(r.status, 0, `${c.id}: the script ran (${r.stderr.trim()})`);
    t.equal(r.stdout.trimEnd(), stepsSection(c.id, targetName), c.id);
  }
  t.same(readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(`${dir}/`)), [], 'no mount left');
  t.same(readdirSync(dir), ['reproduce.sh'], 'each script removed its directory');
}

// Layers with a fallthru are beyond what the unions' on-disk formats hold (UnsupportedFixture): the suite skips such a case there.
const hasFallthru = (c: Case) => JSON.stringify(c.layers).includes('"fallthru"');
const onOverlayfs = () => allCases().filter((c) => !hasFallthru(c));

t.test('the reproducer writes every case of the suite, on every target it knows', async (t) => {
  for (const name of ['overlayfs', 'plain', 'fuse-overlayfs', 'reference', 'unionfs-fuse']) {
    const target = makeTarget(name);
    const unwritable: string[] = [];
    const skipped: Case[] = [];
    for (const c of allCases()) {
      try {
        reproducer(c, target);
      } catch (e) {
        if (e instanceof UnsupportedFixture) skipped.push(c);
        else unwritable.push(`${c.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    t.same(unwritable, [], `${name}: every case has a reproducer`);
    t.same(skipped.filter((c) => !hasFallthru(c)).map((c) => c.id), [], `${name}: only layers with a fallthru are left out (${skipped.length})`);
  }
});

t.test('20 sampled cases: the reproducer, run on overlayfs, observes what the transcript says', async (t) => {
  const cases = onOverlayfs();
  const step = Math.floor(cases.length / 20);
  const sample = Array.from({ length: 20 }, (_, i) => cases[i * step + 7]!);
  t.equal(new Set(sample.map((c) => c.id.split('/')[0])).size >= 5, true, 'the sample spans families');
  await reproduces(t, sample);
});

t.test('a case for every op the cases use: the reproducer, run on overlayfs, observes what the transcript says', async (t) => {
  const cases = onOverlayfs();
  const uses = (c: Case, op: string) => c.steps.some((s) => s.op.op === op);
  const ops = [...new Set(cases.flatMap((c) => c.steps.map((s) => s.op.op)))];
  const users = new Map(ops.map((op) => [op, cases.filter((c) => uses(c, op))]));
  // the rarest ops first, each by the middle one of the cases using it, unless a case taken already uses it
  const sample: Case[] = [];
  for (const op of ops.sort((a, b) => users.get(a)!.length - users.get(b)!.length)) {
    const using = users.get(op)!;
    if (!sample.some((c) => uses(c, op))) sample.push(using[Math.floor(using.length / 2)]!);
  }
  for (const op of ['mmap', 'mmapstore', 'flock', 'setlk', 'lockprobe', 'copyrange', 'fallocate', 'ficlone', 'linkfd', 'dread', 'execfile', 'statfs', 'fstatfs', 'stdev', 'faccessat', 'openat', 'seekscan']) {
    t.ok(sample.some((c) => uses(c, op)), `the sample runs ${op}`);
  }
  await reproduces(t, sample);
});

t.test('overlayfs:userxattr: the reproducer mounts unprivileged, in a user namespace, and observes what its run recorded', async (t) => {
  const target = makeTarget('overlayfs:userxattr');
  t.match(reproducer(allCases().find((c) => c.id === 'copyup/lchown/second-lower-symlink')!, target), /\nunshare --user --map-root-user --mount /);
  const recorded = JSON.parse(readFileSync(join(ROOT, 'results/overlayfs:userxattr/summary.json'), 'utf8')) as { verdicts: Record<string, string> };
  // cases whose run there differs from overlayfs's, where an unprivileged mount shows something of its own
  const own = onOverlayfs().filter((c) => {
    const v = recorded.verdicts[c.id];
    return v !== undefined && !v.startsWith('skip') && existsSync(join(ROOT, 'results/overlayfs:userxattr', `${c.id}.out`));
  });
  t.ok(own.length >= 3, 'cases with a transcript of their own on overlayfs:userxattr');
  await reproduces(t, [own[0]!, own[Math.floor(own.length / 2)]!, own[own.length - 1]!], 'overlayfs:userxattr');
});
