// One of the concurrent benchmark's workers: stats lower files, reads slices
// of a large lower file, and creates, writes, reads back and removes files of
// its own. Prints its elapsed seconds.  usage: worker.ts MNT ID COUNT
import * as fs from 'node:fs';
import * as path from 'node:path';

const [mnt, id, count] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const data = Buffer.alloc(4096, 7);
const slice = Buffer.allocUnsafe(1 << 20);
const t0 = process.hrtime.bigint();
const big = fs.openSync(path.join(mnt, 'big', 'read'), 'r');
for (let i = 0; i < count; i++) {
  fs.statSync(path.join(mnt, 'stat', `f${(i * 8 + Number(id)) % 10000}`));
  fs.readSync(big, slice, 0, slice.length, ((i * 37) % 255) * slice.length);
  const p = path.join(mnt, 'scratch', `w${id}-${i}`);
  fs.writeFileSync(p, data);
  if (fs.readFileSync(p).length !== data.length) throw new Error(`${p}: short read`);
  fs.unlinkSync(p);
}
fs.closeSync(big);
process.stdout.write(`${Number(process.hrtime.bigint() - t0) / 1e9}\n`);
