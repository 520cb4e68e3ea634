// Scratch names in workdir/work. Every object that appears in upper as the
// result of a copyup or over a whiteout is built here first and renamed
// into place, so a crash leaves at most an unreferenced temp in work/
// (emptied at the next mount), never a partial object in upper.
import * as fs from 'node:fs';
import { FsError, E } from '../sys/errno.ts';
import type { Format } from './format.ts';

export class Workdir {
  private counter = 0;

  constructor(private readonly root: string | null, private readonly format: Format) {}

  /** A fresh, unused path in work/. */
  temp(): string {
    if (this.root === null) throw new FsError(E.EROFS);
    this.counter++;
    return `${this.root}/#${process.pid.toString(16)}.${this.counter.toString(16)}`;
  }

  /** A new whiteout in work/, ready to be renamed into upper. */
  whiteout(): string {
    const p = this.temp();
    this.format.makeWhiteout(p);
    return p;
  }

  /** Best-effort removal of a temp (file or tree). */
  discard(p: string): void {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // left for the next mount's cleanup of work/
    }
  }
}
