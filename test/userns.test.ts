// The `:userxattr` variants' user namespace (harness/targets/userns.ts): a run's mounts are
// made there unprivileged and seen by its executors alone; and the cases a one-uid namespace
// cannot run are told apart (userns-skip.ts).
import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allCases } from '../suite/index.ts';
import { runSuite } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { userNamespaceHost } from '../harness/targets/userns.ts';
import { userNamespaceSkip } from '../harness/targets/userns-skip.ts';
import { verdictText } from '../harness/classify.ts';
import { mountInfo } from '../harness/mounts.ts';
import { dir, file, chr } from '../suite/fixture.ts';
import { s } from '../suite/steps.ts';
import type { Case } from '../suite/dsl.ts';
import { GOLDEN, runMounts } from './fixtures/util.ts';

const base: Case = { id: 'x/y', spec: 'Terminology', claim: 'c', tags: [], layers: { lowers: [{ f: file() }] }, steps: [s.lstat('f')] };

t.test('which cases a namespace that maps only root cannot run', async (t) => {
  t.equal(userNamespaceSkip(base), null, 'root on root-owned layers');
  t.equal(userNamespaceSkip({ ...base, steps: s.as(s.USER, s.lstat('f')) }), 'userns-one-uid', 'a step as another user');
  t.equal(userNamespaceSkip({ ...base, steps: [s.chown('f', 1000, 1000)] }), 'userns-one-uid', 'a chown to an unmapped id');
  t.equal(userNamespaceSkip({ ...base, steps: [s.chown('f', 0, 0)] }), null, 'a chown to root');
  t.equal(userNamespaceSkip({ ...base, steps: [s.execfile('f')] }), 'userns-one-uid', 'a program, which runs as nobody');
  t.equal(userNamespaceSkip({ ...base, layers: { lowers: [{ d: dir({ f: file('x', { uid: 1000 }) }) }] } }), 'userns-one-uid', 'an object owned by another user');
  t.equal(userNamespaceSkip({ ...base, layers: { lowers: [{ c: chr(1, 3) }] } }), 'userns-no-mknod', 'a device');
  t.equal(userNamespaceSkip({ ...base, steps: [s.mknod('c', 'chr', 1, 3)] }), 'userns-no-mknod', 'a device made by a step');
  t.equal(userNamespaceSkip({ ...base, layers: { lowers: [{ f: file('x', { xattrs: { 'trusted.t': 'v' } }) }] } }), 'userns-no-trusted-xattrs');
});

t.test('the namespace: mounts made in it are unprivileged and invisible outside', async (t) => {
  const host = userNamespaceHost();
  const ws = await host.workspace();
  const ex = await ws.spawnExecutor();
  t.teardown(async () => {
    await ex.close();
    await ws.dispose();
  });
  for (const d of ['l', 'u', 'w', 'm']) mkdirSync(join(ws.dir, d));
  const data = (extra: string) => `lowerdir=${ws.dir}/l,upperdir=${ws.dir}/u,workdir=${ws.dir}/w${extra}`;
  const mount = (extra: string) => ex.call({ op: 'mount', source: 'overlay', target: join(ws.dir, 'm'), fstype: 'overlay', data: data(extra) }, 10_000);
  t.match(await ex.call({ op: 'mount', source: 'tmpfs', target: '/proc', fstype: 'tmpfs', data: '' }, 5000), { ok: false });
  t.match(await mount(',userxattr'), { ok: true }, 'overlayfs with userxattr mounts');
  t.equal(mountInfo(join(ws.dir, 'm')), undefined, 'this process does not see it');
  t.equal(host.namespace()?.table().find((m) => m.mountPoint === join(ws.dir, 'm'))?.fsType, 'overlay', 'the namespace does');
  t.match((await host.run(['cat', '/proc/self/uid_map'])).stdout, /^\s*0\s+0\s+1\s*$/, 'only root is mapped');
  t.match(await ex.call({ op: 'umount', target: join(ws.dir, 'm') }, 5000), { ok: true });
});

t.test('overlayfs:userxattr runs cases, skips what it cannot, and shows its own deviation', async (t) => {
  const ids = ['copyup/chmod/lower-file', 'copyup/link/lower-file', 'what-happens/mkdir-olddir-after-rmdir', 'permission/chmod-other-user'];
  const cases = allCases().filter((c) => ids.includes(c.id));
  const rs = await runSuite(cases, makeTarget('overlayfs:userxattr'), { goldenDir: GOLDEN, caseTimeoutMs: 20_000 });
  t.same(Object.fromEntries(rs.map((r) => [r.id, verdictText(r.verdict)])), {
    'copyup/chmod/lower-file': 'pass',
    'copyup/link/lower-file': 'deviation:userns-no-origin',
    'what-happens/mkdir-olddir-after-rmdir': 'pass',
    'permission/chmod-other-user': 'skip:userns-one-uid',
  });
  t.match(rs.find((r) => r.id === 'what-happens/mkdir-olddir-after-rmdir')?.transcript, / opaque/, 'the opaque mark is read in the user.overlay. format');
  t.same(runMounts(), [], 'no mount left behind');
});
