// The reference writes the on-disk format of kernel overlayfs: layers
// changed through the reference mount with `mount -t overlay` and show the
// same merged tree, and layers changed through kernel overlayfs mount with
// the reference and show the same tree. Inode numbers too: they follow from
// the layers alone (origin records), so they survive a remount and both
// implementations report the same ones (layers on one filesystem here).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { lgetxattr } from '../reference/src/sys/libc.ts';
import { pathLoc } from '../reference/src/sys/at.ts';
import { fsUuid, handleOf } from '../reference/src/sys/handle.ts';
import { encodeOrigin } from '../reference/src/union/origin.ts';
import { DirStream } from './reference/dirstream.ts';
import { forceUnmount, isMounted, type Layers, mountUnion, removeLayers, snapshot } from './reference/harness.ts';
import { fixture, mutate } from './reference/interchange.ts';

function mountKernel(L: Layers): void {
  const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${L.lowers.join(':')},upperdir=${L.upper},workdir=${L.work}`, L.mnt], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount -t overlay: ${r.stderr}`);
}

function umountKernel(L: Layers): void {
  spawnSync('umount', [L.mnt]);
  if (isMounted(L.mnt)) forceUnmount(L.mnt);
}

t.test('written through the reference, read by kernel overlayfs', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  const m = await mountUnion(L);
  mutate(L.mnt);
  const viaRef = snapshot(L.mnt);
  await m.stop();
  t.notOk(isMounted(L.mnt));
  mountKernel(L);
  const viaKernel = snapshot(L.mnt);
  umountKernel(L);
  t.same(viaKernel, viaRef, 'kernel overlayfs shows the same merged tree');
  t.notOk('base/del' in viaKernel);
  t.same(Object.keys(viaKernel).filter((k) => k.startsWith('base/dir/')), ['base/dir/new'], 'opaque dir hides lower entries');
});

t.test('written through kernel overlayfs, read by the reference', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  mountKernel(L);
  mutate(L.mnt);
  const viaKernel = snapshot(L.mnt);
  umountKernel(L);
  t.notOk(isMounted(L.mnt));
  const m = await mountUnion(L);
  const viaRef = snapshot(L.mnt);
  await m.stop();
  t.same(viaRef, viaKernel, 'the reference shows the same merged tree');
});

t.test('both ways with userxattr', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  const m = await mountUnion(L, 'userxattr');
  mutate(L.mnt);
  const viaRef = snapshot(L.mnt);
  await m.stop();
  const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `userxattr,lowerdir=${L.lowers.join(':')},upperdir=${L.upper},workdir=${L.work}`, L.mnt], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const viaKernel = snapshot(L.mnt);
  umountKernel(L);
  // kernel overlayfs hides user.overlay.* with userxattr, so the comparison covers the tree and user xattrs
  t.same(viaKernel, viaRef);
});

/** Runs userns-side.ts in a user and mount namespace of its own (`unshare -Urm`): the mount is unprivileged. */
function inUserNamespace(impl: 'kernel' | 'reference', action: 'mutate' | 'read', L: Layers): Record<string, string> {
  const side = path.join(import.meta.dirname, 'reference/userns-side.ts');
  const r = spawnSync('unshare', ['-Urm', process.execPath, '--import', import.meta.resolve('tsx'), side, impl, action, JSON.stringify(L)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${impl} ${action} in a user namespace: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

for (const [writer, reader] of [['reference', 'kernel'], ['kernel', 'reference']] as const) {
  t.test(`unprivileged in a user namespace with userxattr: written through ${writer}, read by ${reader}`, async (t) => {
    const L = fixture();
    t.teardown(() => removeLayers(L));
    const written = inUserNamespace(writer, 'mutate', L);
    const read = inUserNamespace(reader, 'read', L);
    t.same(read, written, `${reader} shows the merged tree ${writer} left`);
    t.same(Object.keys(read).filter((k) => k.startsWith('base/dir/')), ['base/dir/new'], 'the opaque dir hides the lower entries');
    t.notOk('base/del' in read, 'the whiteout hides the lower file');
    t.equal(lgetxattr(path.join(L.upper, 'base/dir'), 'user.overlay.opaque')?.toString(), 'y', 'the opaque mark is user.overlay.opaque');
    t.equal(lgetxattr(path.join(L.upper, 'base/dir'), 'trusted.overlay.opaque'), null, 'and nothing under trusted.overlay.');
  });
}

/** st_ino of every name under root, and the names whose d_ino differs from their st_ino. */
function inodes(root: string): { ino: Record<string, string>; dinoMismatch: string[] } {
  const ino: Record<string, string> = {};
  const dinoMismatch: string[] = [];
  const walk = (rel: string): void => {
    const ds = new DirStream(path.join(root, rel));
    const ents = ds.all();
    ds.close();
    for (const e of ents) {
      if (e.name === '.' || e.name === '..') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = fs.lstatSync(path.join(root, r), { bigint: true });
      ino[r] = String(st.ino);
      if (e.ino !== st.ino) dinoMismatch.push(r);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return { ino, dinoMismatch };
}

t.test('inode numbers: the same after a remount of the reference, and in kernel overlayfs', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  let m = await mountUnion(L);
  mutate(L.mnt);
  const first = inodes(L.mnt);
  await m.stop();
  m = await mountUnion(L);
  const again = inodes(L.mnt);
  await m.stop();
  mountKernel(L);
  const kernel = inodes(L.mnt);
  umountKernel(L);
  t.same(first.dinoMismatch, [], 'd_ino is st_ino');
  t.same(again.ino, first.ino, 'every name keeps its number across the remount');
  t.same(again.dinoMismatch, [], 'd_ino is st_ino after the remount');
  t.same(kernel.ino, first.ino, 'kernel overlayfs reports the same numbers');
  t.equal(first.ino['base/xa-link'], first.ino['base/xa'], 'both names of a hard link show one number');
  const numbers = Object.entries(first.ino).filter(([p]) => p !== 'base/xa-link').map(([, n]) => n);
  t.equal(new Set(numbers).size, numbers.length, 'no two objects share a number');
  t.equal(first.ino['base/chm'], String(fs.lstatSync(path.join(L.lowers[1]!, 'base/chm'), { bigint: true }).ino), 'a copied-up file reports its origin');
});

t.test('inode numbers of layers kernel overlayfs wrote, read by the reference', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  mountKernel(L);
  mutate(L.mnt);
  const kernel = inodes(L.mnt);
  umountKernel(L);
  const m = await mountUnion(L);
  const viaRef = inodes(L.mnt);
  await m.stop();
  t.same(viaRef.ino, kernel.ino, 'the reference reports the numbers kernel overlayfs reported');
  t.same(viaRef.dinoMismatch, [], 'd_ino is st_ino');
});

t.test('layers made by hand, no origin records: an upper directory over a lower one has its number, as in kernel overlayfs', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  for (const d of ['base', 'base/mergeme', 'base/l2only/deep']) fs.mkdirSync(path.join(L.upper, d), { recursive: true });
  // the reference first: a kernel lookup may leave origin records on such directories
  const m = await mountUnion(L);
  const viaRef = inodes(L.mnt);
  await m.stop();
  mountKernel(L);
  const kernel = inodes(L.mnt);
  umountKernel(L);
  t.equal(kernel.ino['base/mergeme'], String(fs.lstatSync(path.join(L.lowers[0]!, 'base/mergeme'), { bigint: true }).ino), 'the kernel reports the topmost lower directory\'s number');
  t.same(viaRef.ino, kernel.ino, 'so does the reference, for every name');
  // the kernel lists them with the upper directories' d_ino (it reads a directory with no copied-up entries straight through)
  t.same(viaRef.dinoMismatch, [], 'd_ino is st_ino');
});

t.test('an origin record is byte for byte what kernel overlayfs writes', async (t) => {
  const L = fixture();
  t.teardown(() => { umountKernel(L); removeLayers(L); });
  mountKernel(L);
  fs.chmodSync(path.join(L.mnt, 'base/chm'), 0o600);
  fs.chmodSync(path.join(L.mnt, 'base/mergeme'), 0o700);
  umountKernel(L);
  // chm is only in the bottom layer; the merged directory's origin is its top lower directory.
  for (const [p, lower] of [['base/chm', L.lowers[1]!], ['base/mergeme', L.lowers[0]!]] as const) {
    const fd = fs.openSync(lower, 'r');
    try {
      const kernel = lgetxattr(path.join(L.upper, p), 'trusted.overlay.origin');
      const ours = encodeOrigin(fsUuid(fd), handleOf(pathLoc(path.join(lower, p)))!);
      t.same(ours, kernel, `${p}: the reference would write the same record`);
    } finally {
      fs.closeSync(fd);
    }
  }
});
