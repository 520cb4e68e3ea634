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

t.test('mount takes only the filesystems the targets make, from their sources, of directories in the workspace', async (t) => {
  const ws = mkdtempSync(join(tmpdir(), 'uc-exec-mount-'));
  mkdirSync(join(ws, 'm'));
  const ex = ExecutorClient.spawnLocal(ws);
  t.teardown(async () => {
    await ex.close();
    rmSync(ws, { recursive: true, force: true });
  });
  const m = join(ws, 'm');
  const overlay = (data: string) => ({ op: 'mount' as const, source: 'overlay', target: m, fstype: 'overlay', data });
  const refused = async (op: Parameters<typeof ex.call>[0]) => {
    const r = await ex.call(op, 5000);
    return !r.ok && 'refused' in r ? r.refused : `not refused: ${JSON.stringify(r)}`;
  };
  t.match(await refused({ op: 'mount', source: 'none', target: m, fstype: 'proc', data: '' }), /^mount: filesystem type "proc" is not allowed/);
  t.match(await refused({ op: 'mount', source: '/dev/sda1', target: m, fstype: 'tmpfs', data: '' }), /^mount: source "\/dev\/sda1" is not allowed for tmpfs/);
  t.match(await refused({ ...overlay(`lowerdir=${ws}/l`), source: 'tmpfs' }), /^mount: source "tmpfs" is not allowed for overlay/);
  t.match(await refused(overlay(`lowerdir=${ws}/l:/etc,upperdir=${ws}/u,workdir=${ws}/w`)), /^mount lowerdir outside workspace/);
  t.match(await refused(overlay(`lowerdir=${ws}/l,upperdir=/tmp,workdir=${ws}/w`)), /^mount upperdir outside workspace/);
  t.match(await refused(overlay(`lowerdir=${ws}/l,upperdir=${ws}/u,workdir=${ws}/../w`)), /^mount workdir outside workspace/);
  t.match(await refused(overlay(`lowerdir+=/etc,upperdir=${ws}/u,workdir=${ws}/w`)), /^mount lowerdir\+ outside workspace/);
  t.match(await refused(overlay(`lowerdir=${ws}/l,upperdir=${ws}/u,workdir=${ws}/w,redirect_dir=on,mystery=1`)), /^mount: overlay option "mystery" is not allowed/);
  t.match(await refused(overlay(`lowerdir=${ws}/l\\,x`)), /backslash/);
  t.equal(mountInfo(m), undefined, 'nothing was mounted');
});
