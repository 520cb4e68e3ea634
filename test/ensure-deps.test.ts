// make deps: what is missing is found, and what cannot be fixed is one line and exit code 3.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPackages } from '../harness/debian-packages.ts';
import { ROOT } from './fixtures/util.ts';

t.test('missingPackages names the packages dpkg does not have installed', async (t) => {
  t.same(await missingPackages(['dpkg', 'no-such-package-union-conformance', 'bash']), ['no-such-package-union-conformance']);
});

t.test('not root: the shim says so in one line, exit 3', async (t) => {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(ROOT, 'harness/bin/ensure-deps')], { encoding: 'utf8' });
  t.equal(r.status, 3);
  t.equal(r.stderr, 'union-conformance: must run as root: the suite mounts filesystems and switches users (try: sudo make ...)\n');
});

t.test('packages missing and no apt-get: one line, exit 3, no stack trace', async (t) => {
  // A PATH with bash (zx runs its commands with it) and nothing else: no dpkg-query, no apt-get.
  const bin = mkdtempSync(join(tmpdir(), 'ensure-deps-test-'));
  t.teardown(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync('/bin/bash', join(bin, 'bash'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'harness/ensure-deps.ts'), 'overlayfs'], { encoding: 'utf8', env: { PATH: bin }, cwd: ROOT });
  t.equal(r.status, 3);
  t.match(r.stderr, /^union-conformance: missing packages libfuse2 .*openssh-server and no apt-get to install them\n$/);
});
