// The two ways an operation ends without a value.
//   SysError: the syscall failed; the Response carries the errno name.
//   Refused:  the executor would not (or could not) issue it; the Response carries why.

import { errnoName } from './errno.ts';

export class SysError extends Error {
  constructor(
    readonly errno: string,
    readonly call: string,
  ) {
    super(`${call}: ${errno}`);
    this.name = 'SysError';
  }
}

export class Refused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Refused';
  }
}

interface NodeSysErrorShape {
  errno?: unknown;
  code?: unknown;
  syscall?: unknown;
}

/**
 * Turns an exception thrown by Node's fs into a SysError, or returns null if
 * it is not a system error. Node's `err.errno` is the negated errno number on
 * Linux; it is mapped through our own table so that names are the same as
 * those of the libc calls (e.g. EOPNOTSUPP, never libuv's ENOTSUP).
 */
export function fromNodeError(e: unknown): SysError | null {
  if (typeof e !== 'object' || e === null) return null;
  const { errno, code, syscall } = e as NodeSysErrorShape;
  const call = typeof syscall === 'string' ? syscall : 'fs';
  if (typeof errno === 'number' && Number.isInteger(errno) && errno !== 0) {
    return new SysError(errnoName(errno), call);
  }
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return new SysError(code, call);
  return null;
}

/** Runs a Node fs call, converting its system errors into SysError. */
export function nodeCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fromNodeError(e) ?? e;
  }
}
