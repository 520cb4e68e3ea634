// How fine a filesystem's ctimes are, seen from here: a change right after another may
// leave the ctime as it was where timestamps come from the kernel's coarse clock (a tick,
// 1 to 10 ms) and the filesystem does not refine them (multigrain timestamps, Linux 6.13),
// and a new object may carry the ctime of one made just before it, multigrain or not.
import fs from 'node:fs';
import { nodeCall } from './errors.ts';

export function ctimeProbe(path: string): number {
  nodeCall(() => fs.writeFileSync(path, '', { flag: 'wx', mode: 0o600 }));
  const made = `${path}.new`;
  try {
    let same = 0;
    let before = fs.lstatSync(path, { bigint: true }).ctimeNs;
    for (let i = 0; i < 64; i++) {
      fs.chmodSync(path, i % 2 ? 0o600 : 0o644);
      const now = fs.lstatSync(path, { bigint: true }).ctimeNs;
      if (now === before) same++;
      before = now;
    }
    // A new inode's ctime comes from the coarse clock even with multigrain timestamps (no
    // earlier than the last fine-grained one handed out): one made right after another can
    // carry its ctime, as a whiteout or a directory made again in a step can carry the ctime
    // of the fixture's object it replaces.
    for (let i = 0; i < 16; i++) {
      fs.rmSync(made, { force: true });
      fs.writeFileSync(made, '', { flag: 'wx', mode: 0o600 });
      if (fs.lstatSync(made, { bigint: true }).ctimeNs === before) same++;
      before = fs.lstatSync(made, { bigint: true }).ctimeNs;
    }
    return same;
  } finally {
    fs.rmSync(path, { force: true });
    fs.rmSync(made, { force: true });
  }
}
