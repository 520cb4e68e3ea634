// The executor's mount(2)/umount2(2) ops: confined to the workspace, errno names on failure.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutorClient } from '../harness/executor-client.ts';
import { mountInfo } from '../harness/targets/fuse-daemon.ts';

t.test('mount and umount inside the workspace; a target outside is refused', async (t) => {
  const ws = mkdtempSync(join(tmpdir(), 'uc-exec-mount-'));
  mkdirSync(join(ws, 'm'));
  const ex = ExecutorClient.spawnLocal(ws);
  t.teardown(async () => {
    await ex.call({ op: 'umount', target: join(ws, 'm'), lazy: true }, 5000).catch(() => undefined);
    await ex.close();
    rmSync(ws, { recursive: true, force: true });
  });
  t.same(await ex.call({ op: 'mount', source: 'tmpfs', target: join(ws, 'm'), fstype: 'tmpfs', data: 'size=1m' }, 5000), { id: 1, ok: true, value: null });
  t.equal(mountInfo(join(ws, 'm'))?.fsType, 'tmpfs');
  t.match(await ex.call({ op: 'mount', source: 'tmpfs', target: join(ws, 'm', 'nope'), fstype: 'tmpfs', data: '' }, 5000), { ok: false, errno: 'ENOENT' });
  t.match(await ex.call({ op: 'mount', source: 'tmpfs', target: '/mnt', fstype: 'tmpfs', data: '' }, 5000), { ok: false, refused: /workspace/ });
  t.match(await ex.call({ op: 'umount', target: join(ws, 'm'), cred: { uid: 1000, gid: 1000 } }, 5000), { ok: false, refused: /never with a cred/ });
  t.same(await ex.call({ op: 'umount', target: join(ws, 'm') }, 5000), { id: 5, ok: true, value: null });
  t.equal(mountInfo(join(ws, 'm')), undefined);
  t.match(await ex.call({ op: 'umount', target: join(ws, 'm') }, 5000), { ok: false, errno: 'EINVAL' });
});
