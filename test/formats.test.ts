// Each format reader turns its own on-disk objects into the one vocabulary.
import t from 'tap';
import { aufsReader, aufsWriter } from '../harness/formats/aufs.ts';
import { unionfsReader, unionfsWriter } from '../harness/formats/unionfs.ts';
import { fuseOverlayfsReader } from '../harness/formats/fuse-overlayfs.ts';
import { upperLines } from '../harness/formats/vocabulary.ts';
import type { ScanEntry, StatValue } from '../harness/protocol.ts';
import { parseCustomConfig } from '../harness/targets/custom.ts';

const stat = (kind: StatValue['kind'], over: Partial<StatValue> = {}): StatValue => ({
  kind, mode: kind === 'dir' ? 0o755 : 0o644, uid: 0, gid: 0, size: 0, nlink: 1, ino: '1', dev: '1', rdev: '0:0',
  atime: '1234567890500000000', mtime: '1234567890500000000', ctime: '1', ...over,
});
const e = (path: string, kind: StatValue['kind'], xattrs: Record<string, string> = {}): ScanEntry => ({ path, stat: stat(kind), xattrs });
const lower = { all: new Set(['d', 'd/x', 'f', 'g', 'h']), dirs: new Map([['d', '0755 0:0']]) };

t.test('aufs: .wh.<name> whiteouts, .wh..wh..opq opaque dirs, its own .wh..wh.* objects hidden', async (t) => {
  const scan = [e('.wh..wh.aufs', 'file'), e('.wh..wh.plnk', 'dir'), e('.wh..wh.plnk/12.34', 'file'), e('.wh..wh.orph', 'dir'), e('.wh.f', 'file'), e('d', 'dir'), e('d/.wh..wh..opq', 'file'), e('d/y', 'file'), e('new', 'dir')];
  t.same(upperLines(aufsReader().read(scan), lower), ['d: dir 0755 0:0 opaque', 'd/y: file 0644 0:0 size=0 mtime=T0', 'f: whiteout', 'new: dir 0755 0:0']);
  t.same(aufsWriter().whiteout('d/x')[0], { op: 'open', path: 'd/.wh.x', flags: ['O_WRONLY', 'O_CREAT', 'O_EXCL'], mode: 0o444, fd: '__wh' });
  t.match(aufsWriter().opaque('d')[0], { path: 'd/.wh..wh..opq' });
});

t.test('unionfs-fuse: <meta>/<path>_HIDDEN~ whiteouts in either meta dir name; a hidden path with an upper dir is opaque', async (t) => {
  const scan = [e('.unionfs-fuse', 'dir'), e('.unionfs-fuse/f_HIDDEN~', 'file'), e('.unionfs-fuse/d_HIDDEN~', 'file'), e('.unionfs', 'dir'), e('.unionfs/g_HIDDEN~', 'file'), e('d', 'dir'), e('d/z', 'file')];
  t.same(upperLines(unionfsReader().read(scan), lower), ['d: dir 0755 0:0 opaque', 'd/z: file 0644 0:0 size=0 mtime=T0', 'f: whiteout', 'g: whiteout']);
  t.same(unionfsWriter().whiteout('a/b/f').map((o) => ('path' in o ? o.path : o.op)), ['.unionfs-fuse', '.unionfs-fuse/a', '.unionfs-fuse/a/b', '.unionfs-fuse/a/b/f_HIDDEN~', 'close']);
});

t.test('fuse-overlayfs: its user.fuseoverlayfs.* xattrs and .wh. markers read as the vocabulary', async (t) => {
  const scan = [e('d', 'dir'), e('d/.wh..wh..opq', 'file'), { ...e('d/.wh..opq', 'chr') }, e('g', 'file', { 'user.fuseoverlayfs.origin': 'AA==' }), e('.wh.h', 'file')];
  t.same(upperLines(fuseOverlayfsReader().read(scan), lower), ['d: dir 0755 0:0 opaque', 'g: file 0644 0:0 size=0 mtime=T0', 'h: whiteout']);
});

t.test('nothing below a whiteout is listed', async (t) => {
  const scan = [e('.unionfs-fuse/d_HIDDEN~', 'file'), e('.unionfs-fuse/d/x_HIDDEN~', 'file')];
  t.same(upperLines(unionfsReader().read(scan), lower), ['d: whiteout']);
});

t.test('a custom target config is parsed, and its mistakes are named', async (t) => {
  const c = parseCustomConfig('mount = myfs -f {lowers} {upper} {mnt}  # comment\nforeground = yes\nformat = aufs\n', 'x.conf');
  t.same(c, { mount: ['myfs', '-f', '{lowers}', '{upper}', '{mnt}'], unmount: ['umount', '{mnt}'], format: 'aufs', foreground: true, lowerSeparator: ':' });
  t.throws(() => parseCustomConfig('format = zfs\nmount = x\n', 'x.conf'), /x.conf: unknown format 'zfs'/);
  t.throws(() => parseCustomConfig('mounts = x\n', 'x.conf'), /x.conf:1: unknown key 'mounts'/);
  t.throws(() => parseCustomConfig('foreground = yes\n', 'x.conf'), /no 'mount = \.\.\.' line/);
});
