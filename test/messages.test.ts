// What the CLI says to a person who got something wrong: one clear line and a non-zero exit, never a stack trace.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetNames } from '../harness/targets/index.ts';
import { parseCustomConfig } from '../harness/targets/custom.ts';
import { ROOT, runMounts } from './fixtures/util.ts';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

function cli(args: string[], root = ROOT): Promise<Exit> {
  const child = spawn(join(root, 'harness/bin/union-conformance'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr, pid: child.pid! })));
}

const noStack = (t: Test, e: Exit) => t.notMatch(e.stderr, /^\s+at /m, 'no stack trace');

t.test('a --filter that matches no case fails the run, so that a typo cannot pass', async (t) => {
  for (const args of [['--filter', 'copyup/chmdo'], ['--filter', 'copyup/chmod', '--filter', 'nosuch'], ['--list', '--filter', 'nosuch']]) {
    const e = await cli(['--target', 'plain', ...args]);
    t.equal(e.code, 2, args.join(' '));
    t.match(e.stderr, /^union-conformance: --filter '(copyup\/chmdo|nosuch)' matches no case id/);
    noStack(t, e);
  }
});

t.test('bad numbers are named with what was given', async (t) => {
  const bad: [string, string][] = [['--timeout', '-1'], ['--timeout', '0'], ['--timeout', '10s'], ['--timeout', '1e3'], ['--timeout', '99999999999'], ['--jobs', '0'], ['--jobs', '1.5'], ['--jobs', '-2']];
  for (const [option, value] of bad) {
    const e = await cli(['--target', 'plain', option, value]);
    t.equal(e.code, 2, `${option} ${value}`);
    t.equal(e.stderr.split('\n')[0], `union-conformance: ${option} must be a whole number from 1 to ${option === '--jobs' ? 64 : 86400000}, got '${value}'`);
    noStack(t, e);
  }
});

t.test('the usage text names every kind of target', async (t) => {
  const e = await cli(['--help']);
  t.equal(e.code, 0);
  for (const kind of [...targetNames(), 'ssh://', 'uml']) t.match(e.stdout, new RegExp(`^ +${kind}(\\W|$)`, 'm'), kind);
});

t.test('a case file that does not compile is one line naming file:line:col', async (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'uc-messages-'));
  t.teardown(() => rmSync(copy, { recursive: true, force: true }));
  for (const p of ['harness', 'suite', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, p), join(copy, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const file = join(copy, 'suite/cases/link.ts');
  const lines = readFileSync(file, 'utf8').split('\n').length;
  writeFileSync(file, `${readFileSync(file, 'utf8')}\nexport const broken = {;\n`);
  const e = await cli(['--list'], copy);
  t.equal(e.code, 2);
  t.equal(e.stderr, `union-conformance: suite/cases/link.ts:${lines + 1}:24: Expected identifier but found ";"\n`);
  t.equal(e.stdout, '');
});

t.test('a custom mount command that hangs, or mounts nothing, or elsewhere, says so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'uc-custom-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const confs: [string, string, RegExp][] = [
    ['hang', 'mount = sleep 100\nmount-timeout = 1\n', /sleep 100: timed out after 1 s/],
    ['nothing', 'mount = true\n', /true exited 0 but nothing was mounted at \/tmp\/union-conformance-\d+-\w+\/0000\/mnt\n/],
    ['elsewhere', 'mount = mount -t tmpfs x {upper}\n', /nothing was mounted at \S+\/0000\/mnt \(it mounted \S+\/0000\/upper: detached\)/],
  ];
  for (const [name, text, said] of confs) {
    writeFileSync(join(dir, `${name}.conf`), text);
    const e = await cli(['--target', `custom:${join(dir, `${name}.conf`)}`, '--filter', 'copyup/chmod/lower-file', '--jobs', '1']);
    t.equal(e.code, 1, `${name}: the case fails`);
    t.match(e.stdout, said, name);
    t.same(runMounts(e.pid), [], `${name}: no mount left`);
  }
  t.throws(() => parseCustomConfig('mount = x\nmount-timeout = soon\n', 'x.conf'), /x.conf: mount-timeout must be a whole number of seconds from 1 to 3600, got 'soon'/);
});
