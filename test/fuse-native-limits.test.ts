// Why the reference speaks the FUSE protocol itself (reference/README.md):
// fuse-native 2.2.6 hands utimens the atime twice, in milliseconds, so neither
// the spec's nanosecond times nor an mtime distinct from the atime can be carried.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { mountInfo } from '../harness/targets/fuse-daemon.ts';
import { localHost } from '../harness/host.ts';
import { ROOT } from './fixtures/util.ts';

t.test('fuse-native passes utimens the atime twice, with millisecond precision', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fuse-native-probe-'));
  const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/fuse-native-probe.cjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
  t.teardown(async () => {
    if (mountInfo(dir)) await localHost.run(['umount', '-l', dir]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  t.same(await next(), { mounted: true });
  // atime 1000000001.123456789, mtime 2000000002.987654321, through touch(1) in another process.
  const r = await localHost.run(['python3', '-c', `import os; os.utime('${dir}/f', ns=(1000000001123456789, 2000000002987654321))`]);
  t.equal(r.code, 0, r.stderr);
  const got = await next();
  t.equal(got.op, 'utimens');
  t.equal(got.mtime, got.atime, 'the mtime argument carries the atime');
  t.equal(got.atime, 1000000001123, 'in milliseconds: the nanoseconds are gone');
  await localHost.run(['umount', dir]);
});
