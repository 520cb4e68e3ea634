// Extended attributes on the reference: user xattrs with copyup, and the
// format's own names (trusted.overlay.*, or user.overlay.* with userxattr)
// hidden from listxattr and refused.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { lgetxattr, lgetxattrRaw, llistxattr, lremovexattr, lsetxattr } from '../reference/src/sys/libc.ts';
import { exists, isOpaque, isWhiteout, makeLayers, mountUnion, removeLayers, runAs, writeTree, mountForTest } from './reference/harness.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

t.test('trusted.overlay format (default)', async (t) => {
  const L = makeLayers(1);
  const low = L.lowers[0]!;
  writeTree(low, { 'x/f': 'f', 'x/g': 'g', 'x/h': 'h', 'x/opq/': null, 'x/opq/hidden': 'h' });
  lsetxattr(path.join(low, 'x/f'), 'user.color', Buffer.from('blue'), 0);
  lsetxattr(path.join(low, 'x/f'), 'trusted.overlay.origin', Buffer.from('from-an-old-overlay'), 0);
  const { M, U } = await mountForTest(t, L);

  t.equal(lgetxattr(M('x/f'), 'user.color')?.toString(), 'blue', 'lower xattr visible');
  t.same(llistxattr(M('x/f')), ['user.color'], 'reserved names hidden from listxattr');
  t.notOk(exists(U('x/f')), 'reading xattrs copies nothing up');
  t.equal(code(() => lgetxattrRaw(M('x/f'), 'user.color', 2)), 'ERANGE');
  t.equal(code(() => lremovexattr(M('x/g'), 'user.none')), 'ENODATA');
  t.notOk(exists(U('x/g')), 'removing an absent xattr copies nothing up');

  lsetxattr(M('x/f'), 'user.size', Buffer.from('L'), 0);
  t.ok(exists(U('x/f')), 'setxattr copies up');
  t.equal(lgetxattr(U('x/f'), 'user.color')?.toString(), 'blue', 'xattrs carried over');
  const origin = lgetxattr(U('x/f'), 'trusted.overlay.origin');
  t.not(origin?.toString(), 'from-an-old-overlay', 'the format\'s own xattrs are not carried over');
  t.equal(origin?.subarray(0, 2).toString('hex'), '00fb', 'the copy has its own origin record (struct ovl_fb)');
  t.same(llistxattr(M('x/f')).sort(), ['user.color', 'user.size']);
  lremovexattr(M('x/f'), 'user.color');
  t.same(llistxattr(M('x/f')), ['user.size']);

  for (const op of ['get', 'set', 'remove'] as const) {
    const fn = op === 'get' ? () => lgetxattrRaw(M('x/h'), 'trusted.overlay.opaque', 0)
      : op === 'set' ? () => lsetxattr(M('x/h'), 'trusted.overlay.opaque', Buffer.from('y'), 0)
        : () => lremovexattr(M('x/h'), 'trusted.overlay.opaque');
    t.equal(code(fn), 'EOPNOTSUPP', `${op}xattr of a reserved name is refused`);
  }
  t.notOk(exists(U('x/h')), 'a refused setxattr copies nothing up');
  lsetxattr(M('x/h'), 'user.overlay.fine', Buffer.from('1'), 0);
  t.equal(lgetxattr(M('x/h'), 'user.overlay.fine')?.toString(), '1', 'user.overlay.* is ordinary without userxattr');

  fs.unlinkSync(M('x/opq/hidden'));
  fs.rmdirSync(M('x/opq'));
  fs.mkdirSync(M('x/opq'));
  t.ok(isOpaque(U('x/opq')));
  t.same(llistxattr(M('x/opq')), [], 'the opaque mark is not listed');
});

t.test('userxattr: user.overlay.* format', async (t) => {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { 'd/inner': 'i', f: 'f' });
  const m = await mountUnion(L, 'userxattr');
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  const M = (p: string): string => path.join(L.mnt, p);
  const U = (p: string): string => path.join(L.upper, p);
  fs.unlinkSync(M('d/inner'));
  fs.rmdirSync(M('d'));
  t.ok(isWhiteout(U('d')), 'whiteouts are still character devices 0/0');
  fs.mkdirSync(M('d'));
  t.ok(isOpaque(U('d'), 'user.overlay.'), 'user.overlay.opaque=y');
  t.notOk(isOpaque(U('d'), 'trusted.overlay.'));
  t.same(fs.readdirSync(M('d')), []);
  t.same(llistxattr(M('d')), []);
  t.equal(code(() => lsetxattr(M('f'), 'user.overlay.x', Buffer.from('1'), 0)), 'EOPNOTSUPP');
});

t.test('trusted.* names are listed only to a caller with CAP_SYS_ADMIN, as overlayfs lists them', async (t) => {
  const L = makeLayers(1);
  const low = L.lowers[0]!;
  writeTree(low, { f: 'f' });
  fs.chmodSync(L.dir, 0o755);
  lsetxattr(path.join(low, 'f'), 'trusted.t', Buffer.from('t'), 0);
  lsetxattr(path.join(low, 'f'), 'user.u', Buffer.from('u'), 0);
  const { M } = await mountForTest(t, L);
  t.same(llistxattr(M('f')).sort(), ['trusted.t', 'user.u'], 'root lists both');
  const asUser = runAs(1000, 1000, `import { execFileSync } from 'node:child_process';
    console.log(JSON.stringify(execFileSync('getfattr', ['-d', '-m', '-', '--absolute-names', ${JSON.stringify(M('f'))}], { encoding: 'utf8' }).match(/^[a-z]+\\.[a-z]+/gm)));`);
  t.same(JSON.parse(asUser.out), ['user.u'], 'another user lists no trusted.* name');
});
