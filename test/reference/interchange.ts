// The layers and the changes test/reference-interchange.test.ts makes through one
// implementation and reads through the other (also from userns-side.ts, in a user namespace).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lsetxattr, mknod } from '../../reference/src/sys/libc.ts';
import { type Layers, makeLayers, writeTree } from './harness.ts';

export function fixture(): Layers {
  const L = makeLayers(2);
  const [l1, l2] = [L.lowers[0]!, L.lowers[1]!];
  writeTree(l2, {
    'base/keep': 'keep from l2', 'base/del': 'del', 'base/dir/a': 'a', 'base/dir/b': 'b', 'base/mergeme/x': 'x',
    'base/ren': 'ren', 'base/chm': 'chm', 'base/xa': 'xa', 'base/hl1': 'hl', 'base/sym': { symlink: 'keep' },
    'base/l2only/deep/f': 'deep',
  });
  fs.linkSync(path.join(l2, 'base/hl1'), path.join(l2, 'base/hl2'));
  writeTree(l1, { 'base/keep': 'keep from l1', 'base/l1only': 'l1', 'base/mergeme/z': 'z' });
  return L;
}

/** The same changes, applied through whichever mount is at root; `chown`: false in a user namespace that maps only root. */
export function mutate(root: string, { chown }: { chown: boolean } = { chown: true }): void {
  const P = (p: string): string => path.join(root, 'base', p);
  fs.unlinkSync(P('del'));
  fs.unlinkSync(P('dir/a'));
  fs.unlinkSync(P('dir/b'));
  fs.rmdirSync(P('dir'));
  fs.mkdirSync(P('dir'));
  fs.writeFileSync(P('dir/new'), 'new in opaque dir');
  fs.writeFileSync(P('mergeme/y'), 'y');
  fs.unlinkSync(P('mergeme/x'));
  fs.renameSync(P('ren'), P('renamed'));
  fs.chmodSync(P('chm'), 0o600);
  if (chown) fs.chownSync(P('chm'), 123, 456);
  lsetxattr(P('xa'), 'user.k', Buffer.from('v'), 0);
  fs.appendFileSync(P('hl1'), '+more');
  fs.symlinkSync('keep', P('newsym'));
  fs.mkdirSync(P('newdir/sub'), { recursive: true });
  fs.writeFileSync(P('newdir/sub/f'), 'f');
  mknod(P('fifo'), fs.constants.S_IFIFO | 0o640, 0);
  fs.truncateSync(P('keep'), 4);
  fs.writeFileSync(P('l2only/deep/g'), 'g');
  fs.unlinkSync(P('l2only/deep/f'));
  fs.linkSync(P('xa'), P('xa-link'));
}
