// File offsets and sizes past 2^53 reach the upper filesystem exactly, on the
// path the server serves (passthrough=off): a read there finds end of file,
// a write or truncate there gets the filesystem's own EFBIG (ext4, tmpfs),
// and nothing is written anywhere else. Node's fs wrote such a pwrite at the
// fd's own position: at offset 0.
import * as fs from 'node:fs';
import t from 'tap';
import { ftruncate, pread, pwrite } from '../reference/src/sys/libc.ts';
import { makeLayers, mountForTest, writeTree } from './reference/harness.ts';

const FAR = 2n ** 62n + 3n;

for (const mode of ['off', 'auto']) {
  t.test(`offsets past 2^53, passthrough=${mode}`, async (t) => {
    const L = makeLayers(1);
    writeTree(L.lowers[0]!, { f: 'hello\n' });
    const { M } = await mountForTest(t, L, `passthrough=${mode}`);
    const fd = fs.openSync(M('f'), 'r+');
    try {
      t.equal(pread(fd, Buffer.alloc(8), FAR), 0, 'a read finds end of file');
      t.throws(() => pwrite(fd, Buffer.from('XY'), FAR), { code: 'EFBIG' }, 'a write is the filesystem\'s EFBIG');
      t.throws(() => ftruncate(fd, FAR), { code: 'EFBIG' }, 'so is a truncate');
      t.equal(pwrite(fd, Buffer.from('!'), 2 ** 32 + 1), 1, 'a write past 4 GiB lands');
      const head = Buffer.alloc(6);
      pread(fd, head, 0);
      t.equal(head.toString(), 'hello\n', 'nothing was written at the start');
      const one = Buffer.alloc(1);
      pread(fd, one, 2 ** 32 + 1);
      t.equal(one.toString(), '!', 'the byte past 4 GiB reads back');
    } finally {
      fs.closeSync(fd);
    }
    t.equal(fs.statSync(M('f')).size, 2 ** 32 + 2, 'the size is the 4 GiB write\'s');
    t.equal(fs.readFileSync(`${L.lowers[0]!}/f`, 'utf8'), 'hello\n', 'the lower layer is untouched');
  });
}
