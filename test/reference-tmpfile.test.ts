// O_TMPFILE through the reference (FUSE_TMPFILE, Linux 6.1+): the file is made unnamed in
// the upper copy of its directory and gets its names by linkat(); nothing reaches the lower layer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { linkFdAt, pathLoc } from '../reference/src/sys/at.ts';
import { exists, makeLayers, mountForTest, writeTree } from './reference/harness.ts';

const O_TMPFILE = 0o20200000;

t.test('O_TMPFILE in a lower directory, then two names', async (t) => {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { 'd/f': 'lower' });
  const { M, U } = await mountForTest(t, L);
  const fd = fs.openSync(M('d'), O_TMPFILE | fs.constants.O_RDWR, 0o640);
  try {
    fs.writeSync(fd, 'tmp\n');
    t.equal(fs.fstatSync(fd).nlink, 0, 'unnamed');
    t.ok(exists(U('d')), 'its directory was copied up');
    t.same(fs.readdirSync(U('d')), [], 'and holds no name for it');
    linkFdAt(fd, pathLoc(M('d/n')));
    linkFdAt(fd, pathLoc(M('d/m')));
    t.throws(() => linkFdAt(fd, pathLoc(M('d/f'))), { code: 'EEXIST' }, 'a lower name is taken');
  } finally {
    fs.closeSync(fd);
  }
  t.equal(fs.readFileSync(M('d/n'), 'utf8'), 'tmp\n');
  t.equal(fs.statSync(M('d/n')).nlink, 2, 'both names count');
  t.equal(fs.statSync(M('d/n')).mode & 0o7777, 0o640);
  t.equal(fs.statSync(M('d/m')).ino, fs.statSync(M('d/n')).ino, 'one inode');
  t.same(fs.readdirSync(U('d')).sort(), ['m', 'n'], 'both names on the upper layer');
  t.equal(fs.readFileSync(path.join(L.lowers[0]!, 'd/f'), 'utf8'), 'lower', 'the lower layer is untouched');
});
