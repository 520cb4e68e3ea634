// Errors travel through the server as errno numbers. FsError carries one;
// errnoOf() turns whatever was thrown (Node SystemError, FsError) into one.
import { constants } from 'node:os';

const USED = [
  'EPERM', 'ENOENT', 'EINTR', 'EIO', 'EBADF', 'EAGAIN', 'EACCES', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV',
  'ENOTDIR', 'EISDIR', 'EINVAL', 'ENOSPC', 'EROFS', 'EMLINK', 'ERANGE', 'ENAMETOOLONG', 'ENOSYS',
  'ENOTEMPTY', 'ELOOP', 'ENODATA', 'EPROTO', 'EOPNOTSUPP', 'ENOTSUP', 'ESTALE', 'EFBIG', 'E2BIG', 'ENOTTY',
] as const;

/** Linux errno numbers by name (the subset the reference uses). */
export const E = Object.fromEntries(USED.map((n) => [n, (constants.errno as Record<string, number>)[n]!])) as
  Readonly<Record<(typeof USED)[number], number>>;

const NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(constants.errno)) if (!NAMES.has(num)) NAMES.set(num, name);
// Linux aliases: use the usual spelling.
for (const name of ['EOPNOTSUPP', 'EAGAIN', 'EDEADLK']) {
  const num = (constants.errno as Record<string, number>)[name];
  if (num !== undefined) NAMES.set(num, name);
}

export function errnoName(n: number): string {
  return NAMES.get(Math.abs(n)) ?? `E${Math.abs(n)}`;
}

/**
 * An errno answer, not a bug: it carries no stack trace (capturing one cost
 * more than the rest of a LOOKUP that finds nothing).
 */
export class FsError extends Error {
  readonly errno: number;
  readonly code: string;
  constructor(errno: number, what = '') {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(what ? `${errnoName(errno)}: ${what}` : errnoName(errno));
    Error.stackTraceLimit = limit;
    this.errno = errno;
    this.code = errnoName(errno);
  }
}

/** Positive errno for anything thrown by fs, koffi wrappers or our own code. */
export function errnoOf(err: unknown): number {
  if (err instanceof FsError) return err.errno;
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') {
      const n = (constants.errno as Record<string, number>)[code];
      if (typeof n === 'number') return n;
    }
    const num = (err as { errno?: unknown }).errno;
    if (typeof num === 'number' && num !== 0) return Math.abs(num);
  }
  return E.EIO;
}

export function fail(errno: number, what = ''): never {
  throw new FsError(errno, what);
}
