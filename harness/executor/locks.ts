// File locks: flock(2), and record locks owned by the process (F_SETLK) or by
// the open file description (F_OFD_SETLK). Every call is nonblocking, so a
// lock held elsewhere answers EWOULDBLOCK/EAGAIN instead of hanging the executor.
//
// The lock probe asks whether another holder would be excluded. The executor
// is one process, but both kinds of lock the probe looks for belong to an open
// file description or are checked against one: a flock() lock belongs to the
// open file description, so a new open of the path is another holder, as a
// second process would be; F_OFD_GETLK on a new open file description reports
// a conflicting record lock whether an OFD or a POSIX lock holds it, even a
// POSIX lock of this very process (fcntl(2): OFD and POSIX locks conflict even
// within one process). The probe opens the path O_RDONLY, which copies nothing
// up, and keeps that fd open until reset: closing any fd of a file drops the
// process's POSIX locks on it (fcntl(2)), which would end the lock under test.

import type { FlockOp, LockOwner, LockType, ProbeKind } from '../ops/fields.ts';
import { SysError } from './errors.ts';
import { FLOCK, F_OFD_GETLK, F_OFD_SETLK, F_SETLK, LOCK_NB, LOCK_TYPE, raw, sys } from './libc.ts';

const SEEK_SET = 0;

/** struct flock on x86_64: l_type, l_whence (shorts), l_start, l_len (off_t), l_pid. */
function flockStruct(type: number, start: number, len: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeInt16LE(type, 0);
  b.writeInt16LE(SEEK_SET, 2);
  b.writeBigInt64LE(BigInt(start), 8);
  b.writeBigInt64LE(BigInt(len), 16);
  return b;
}

export function flock(fd: number, how: FlockOp): number {
  return sys('flock', () => raw.flock(fd, FLOCK[how] | LOCK_NB));
}

export function setLock(fd: number, owner: LockOwner, type: LockType, start: number, len: number): number {
  const lock = flockStruct(LOCK_TYPE[type], start, len);
  return sys('fcntl', () => raw.fcntlLock(fd, owner === 'ofd' ? F_OFD_SETLK : F_SETLK, lock));
}

/** "locked" when a lock of the kind excludes a writer on another open file description, else "free". */
export function probeLock(fd: number, kind: ProbeKind): string {
  if (kind === 'flock') {
    try {
      sys('flock', () => raw.flock(fd, FLOCK.LOCK_EX | LOCK_NB));
    } catch (e) {
      if (e instanceof SysError && e.errno === 'EAGAIN') return 'locked';
      throw e;
    }
    sys('flock', () => raw.flock(fd, FLOCK.LOCK_UN));
    return 'free';
  }
  const lock = flockStruct(LOCK_TYPE.F_WRLCK, 0, 0);
  sys('fcntl', () => raw.fcntlLock(fd, F_OFD_GETLK, lock));
  return lock.readInt16LE(0) === LOCK_TYPE.F_UNLCK ? 'free' : 'locked';
}
