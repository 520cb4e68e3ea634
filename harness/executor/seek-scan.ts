// seekscan: reads a directory stream to its end, noting telldir() before every
// `every`-th entry, then seekdir()s back to each noted position and reads one
// entry, which must be the one read there the first time. names= counts
// distinct names (a name listed twice makes it less than entries=). A directory of
// thousands of entries is checked in one step, without a transcript line per entry.

import { Refused } from './errors.ts';
import { readDir, rewindDir, seekDir, tellDir } from './dirstream.ts';
import type { Ptr } from './libc.ts';

export function seekScan(dir: Ptr, every: number): string {
  if (every < 1) throw new Refused('seekscan needs every >= 1');
  rewindDir(dir);
  const marks: { pos: number | string; name: string }[] = [];
  const names = new Set<string>();
  let entries = 0;
  for (;;) {
    const pos = entries % every === 0 ? tellDir(dir) : null;
    const e = readDir(dir);
    if (e === null) break;
    if (pos !== null) marks.push({ pos, name: e.name });
    names.add(e.name);
    entries++;
  }
  let wrong = 0;
  for (const m of marks) {
    seekDir(dir, m.pos);
    const e = readDir(dir);
    if (e === null || e.name !== m.name) wrong++;
  }
  return `entries=${entries} names=${names.size} seeks=${marks.length} wrong=${wrong}`;
}
