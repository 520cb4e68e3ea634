// The kinds of argument an op takes: each checks a value off the wire and
// carries the TypeScript type it admits, so the Op type derives from the table.

export interface Field<T> {
  test(v: unknown): v is T;
  /** What a valid value is, for a refusal: "a non-negative integer". */
  what: string;
  /** A path the executor resolves inside the case root. */
  path?: true;
  optional?: true;
}

export type FieldType<F> = F extends Field<infer T> ? T : never;

const MAX_IO = 1 << 30;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function field<T>(what: string, test: (v: unknown) => boolean): Field<T> {
  return { what, test: test as (v: unknown) => v is T };
}

export const optional = <T>(f: Field<T>): Field<T> & { optional: true } => ({ ...f, optional: true });

/** A string handed to C: no NUL byte inside. */
export const cstring = field<string>('a string without NUL bytes', (v) => typeof v === 'string' && !v.includes('\0'));
/** A path relative to the case root (a leading "/" means the root itself). */
export const path: Field<string> & { path: true } = { ...cstring, path: true };
export const string = field<string>('a string', (v) => typeof v === 'string');
/** An fd or directory stream, by the name the case gave it. */
export const handle = string;
export const int = field<number>('an integer', isInt);
export const uint = field<number>('a non-negative integer', (v) => isInt(v) && v >= 0);
export const size = field<number>(`an integer in 0..${MAX_IO}`, (v) => isInt(v) && v >= 0 && v <= MAX_IO);
export const id32 = field<number>('a uid/gid (or -1)', (v) => isInt(v) && v >= -1 && v <= 0xffffffff);
export const bool = field<boolean>('a boolean', (v) => typeof v === 'boolean');
export const cstrings = field<string[]>('an array of strings without NUL bytes', (v) => Array.isArray(v) && v.every((x) => cstring.test(x)));
export const argv = field<string[]>('a non-empty array of strings without NUL bytes', (v) => cstrings.test(v) && v.length > 0);

/** Bytes travel as base64 in both directions. */
export type Bytes = { b64: string };
export const bytes = field<Bytes>('bytes {b64: base64 string}', (v) =>
  typeof v === 'object' && v !== null && typeof (v as { b64?: unknown }).b64 === 'string' &&
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test((v as Bytes).b64));

/** A timestamp for utimensat/futimens: seconds + nanoseconds, or a special value. */
export type TimeSpec = { sec: number; nsec: number } | 'UTIME_NOW' | 'UTIME_OMIT';
export const timespec = field<TimeSpec>("{sec, nsec}, 'UTIME_NOW' or 'UTIME_OMIT'", (v) =>
  v === 'UTIME_NOW' || v === 'UTIME_OMIT' ||
  (typeof v === 'object' && v !== null && isInt((v as { sec?: unknown }).sec) && isInt((v as { nsec?: unknown }).nsec)));

/** A telldir position: cookies beyond 2^53 travel as decimal strings. */
export const seekPos = field<number | string>('a telldir position (number or decimal string)', (v) =>
  (isInt(v) && v >= 0) || (typeof v === 'string' && /^[0-9]{1,19}$/.test(v)));

export function oneOf<T extends string>(values: readonly T[]): Field<T> {
  return field<T>(`one of ${values.join(', ')}`, (v) => typeof v === 'string' && (values as readonly string[]).includes(v));
}

export function arrayOf<T extends string>(values: readonly T[]): Field<T[]> {
  return field<T[]>(`an array of ${values.join(', ')}`, (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && (values as readonly string[]).includes(x)));
}

export const OPEN_FLAGS = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_APPEND', 'O_TRUNC', 'O_CREAT', 'O_EXCL', 'O_NOFOLLOW', 'O_DIRECTORY', 'O_NONBLOCK', 'O_TMPFILE', 'O_DIRECT'] as const;
export type OpenFlag = (typeof OPEN_FLAGS)[number];
export const RENAME_FLAGS = ['RENAME_NOREPLACE', 'RENAME_EXCHANGE', 'RENAME_WHITEOUT'] as const;
export type RenameFlag = (typeof RENAME_FLAGS)[number];
export const XATTR_FLAGS = ['XATTR_CREATE', 'XATTR_REPLACE'] as const;
export type XattrFlag = (typeof XATTR_FLAGS)[number];
export const WHENCE = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END'] as const;
export type Whence = (typeof WHENCE)[number];
export const MKNOD_KINDS = ['fifo', 'chr', 'blk', 'sock', 'file'] as const;
export type MknodKind = (typeof MKNOD_KINDS)[number];
export const MAP_KINDS = ['MAP_SHARED', 'MAP_PRIVATE'] as const;
export type MapKind = (typeof MAP_KINDS)[number];
export const PROTS = ['PROT_READ', 'PROT_WRITE'] as const;
export type Prot = (typeof PROTS)[number];
export const FLOCK_OPS = ['LOCK_SH', 'LOCK_EX', 'LOCK_UN'] as const;
export type FlockOp = (typeof FLOCK_OPS)[number];
/** Record locks: per process (F_SETLK) or per open file description (F_OFD_SETLK). */
export const LOCK_OWNERS = ['posix', 'ofd'] as const;
export type LockOwner = (typeof LOCK_OWNERS)[number];
export const LOCK_TYPES = ['F_RDLCK', 'F_WRLCK', 'F_UNLCK'] as const;
export type LockType = (typeof LOCK_TYPES)[number];
/** What a lock probe looks for: a flock() lock, or a POSIX or OFD record lock. */
export const PROBE_KINDS = ['flock', 'record'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];
export const FALLOC_FLAGS = ['FALLOC_FL_KEEP_SIZE', 'FALLOC_FL_PUNCH_HOLE', 'FALLOC_FL_ZERO_RANGE'] as const;
export type FallocFlag = (typeof FALLOC_FLAGS)[number];
export const ACCESS_FLAGS = ['AT_EACCESS', 'AT_SYMLINK_NOFOLLOW'] as const;
export type AccessFlag = (typeof ACCESS_FLAGS)[number];
