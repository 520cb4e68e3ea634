// How fine a filesystem's ctimes are, seen from here: a change right after another may
// leave the ctime as it was where timestamps come from the kernel's coarse clock (a tick,
// 1 to 10 ms) and the filesystem does not refine them (multigrain timestamps, Linux 6.13).
import fs from 'node:fs';
import { nodeCall } from './errors.ts';

export function ctimeProbe(path: string): number {
  nodeCall(() => fs.writeFileSync(path, '', { flag: 'wx', mode: 0o600 }));
  try {
    let same = 0;
    let before = fs.lstatSync(path, { bigint: true }).ctimeNs;
    for (let i = 0; i < 64; i++) {
      fs.chmodSync(path, i % 2 ? 0o600 : 0o644);
      const now = fs.lstatSync(path, { bigint: true }).ctimeNs;
      if (now === before) same++;
      before = now;
    }
    return same;
  } finally {
    fs.rmSync(path, { force: true });
  }
}
