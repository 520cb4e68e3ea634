// The flock(2) locks a mount holds while its server serves it. A flock lives
// on an open file description, so it goes with the process however that
// ends, and two descriptions conflict even within one process (server mode).
//  * upperdir and workdir, exclusive: a second mount on either is refused, as
//    kernel overlayfs's in-use check does (which refuses with index=on and
//    only warns otherwise). Every mount empties workdir/work, so a second
//    mount would destroy the first one's copyups in progress.
//  * the directory under the mount point, shared: umount.fuse.unionref takes
//    it exclusively after unmounting, so it returns once the server has let
//    go of the layers. It is released last.
import * as fs from 'node:fs';
import { ValidationError } from './cli/validate.ts';
import { E, errnoOf } from './sys/errno.ts';
import { flock, LOCK_EX, LOCK_NB, LOCK_SH } from './sys/libc.ts';

/** A directory to lock exclusively: its real path and how the user named it (for messages). */
export interface LockedDir { what: 'upperdir' | 'workdir'; path: string; name: string }

const RETRY_MS = 10;

function openDir(p: string): number {
  return fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True once fd holds the lock; false when another holds it for longer than waitMs. */
function tryLock(fd: number, op: number, waitMs: number): boolean {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      flock(fd, op | LOCK_NB);
      return true;
    } catch (err) {
      if (errnoOf(err) !== E.EAGAIN) throw err;
    }
    if (Date.now() >= deadline) return false;
    sleepSync(RETRY_MS);
  }
}

export class MountLocks {
  private constructor(private inUse: number[], private mountpoint: number | null) {}

  /**
   * Locks upperdir and workdir, then the mount point. A lock held by another
   * mount is waited for up to waitMs (a server that was just unmounted lets
   * go within milliseconds), then refused with a ValidationError.
   */
  static take(dirs: LockedDir[], mountpoint: string, waitMs: number): MountLocks {
    const held: number[] = [];
    try {
      for (const d of dirs) {
        const fd = openDir(d.path);
        held.push(fd);
        if (!tryLock(fd, LOCK_EX, waitMs)) {
          throw new ValidationError(`${d.what} "${d.name}" is in-use as upperdir/workdir of another mount (EBUSY)`);
        }
      }
      // Best effort: it fails only where an exclusive lock is held on that
      // directory, e.g. ours when the mount point is the upperdir itself,
      // which then keeps the helper waiting just the same.
      const mp = openDir(mountpoint);
      if (tryLock(mp, LOCK_SH, 0)) return new MountLocks(held, mp);
      fs.closeSync(mp);
      return new MountLocks(held, null);
    } catch (err) {
      for (const fd of held) fs.closeSync(fd);
      throw err;
    }
  }

  /** Releases the locks (the mount point's last); once only. */
  release(): void {
    for (const fd of this.inUse) fs.closeSync(fd);
    this.inUse = [];
    if (this.mountpoint !== null) fs.closeSync(this.mountpoint);
    this.mountpoint = null;
  }
}
