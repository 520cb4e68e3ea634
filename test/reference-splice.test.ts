// READs of lower files answered by splicing (sys/splice.ts): the data at
// odd offsets and sizes, across the end of the file and past it, equals the
// lower file's; an fd opened before a copyup keeps reading the lower data
// through spliced replies; the debug log shows that replies were spliced.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { makeLayers, mountUnion, removeLayers } from './reference/harness.ts';

const SIZE = 3_000_000;
const lowerData = crypto.randomBytes(SIZE);
const splicedReads = (log: string): number => log.split('\n').filter((l) => l.startsWith('unionref: READ ') && l.endsWith('(spliced)')).length;

/** [offset, size]: large enough to be spliced, at offsets and of sizes that are no multiple of a page. */
const READS: Array<[number, number]> = [
  [0, 32768], [12345, 100001], [4095, 1040000], [1, 65537], [SIZE - 50000, 200000], [SIZE + 5, 70000], [7, 1 << 20],
];

function readAt(fd: number, offset: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  return buf.subarray(0, fs.readSync(fd, buf, 0, size, offset));
}

t.test('spliced reads of a lower file return its data at odd offsets and sizes', async (t) => {
  const L = makeLayers(1);
  fs.writeFileSync(path.join(L.lowers[0]!, 'f'), lowerData);
  const m = await mountUnion(L, '', ['-d']);
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  const fd = fs.openSync(path.join(m.mnt, 'f'), 'r');
  for (const [offset, size] of READS) {
    const got = readAt(fd, offset, size);
    t.equal(got.compare(lowerData.subarray(offset, offset + size)), 0, `${size} bytes at ${offset}: ${got.length} bytes, the lower file's`);
  }
  fs.closeSync(fd);
  await m.stop(); // the server thread's log lines come out when its loop ends
  t.ok(splicedReads(m.stderr()) >= READS.length - 2, 'the replies were spliced');
});

t.test('an fd opened before a copyup reads the lower data through spliced replies', async (t) => {
  const L = makeLayers(1);
  fs.writeFileSync(path.join(L.lowers[0]!, 'f'), lowerData);
  const m = await mountUnion(L, 'passthrough=off', ['-d']);
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  const f = path.join(m.mnt, 'f');
  const old = fs.openSync(f, 'r');
  const upperData = Buffer.alloc(SIZE, 'u');
  const rw = fs.openSync(f, 'r+'); // copies f up
  fs.writeSync(rw, upperData, 0, SIZE, 0);
  fs.closeSync(rw);
  const again = fs.openSync(f, 'r');
  for (const [offset, size] of READS) {
    t.equal(readAt(old, offset, size).compare(lowerData.subarray(offset, offset + size)), 0, `old fd: ${size} bytes at ${offset}, lower`);
    t.equal(readAt(again, offset, size).compare(upperData.subarray(offset, offset + size)), 0, `new fd: ${size} bytes at ${offset}, upper`);
  }
  fs.closeSync(old);
  fs.closeSync(again);
  await m.stop();
  t.ok(splicedReads(m.stderr()) >= READS.length - 2, 'the replies were spliced');
});
