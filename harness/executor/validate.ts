// Checks one request line against the protocol before anything is executed:
// JSON, an id, a known op, and every field the op needs with the right type.

import type { Cred, OpName, Request } from '../protocol.ts';
import { O_FLAGS, RENAME_FLAGS, XATTR_FLAGS } from './libc.ts';

interface Check {
  test: (v: unknown) => boolean;
  what: string;
}
type FieldSpec = Check | { optional: Check };

const MAX_IO = 1 << 30;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

const str: Check = { test: (v) => typeof v === 'string', what: 'a string' };
/** A string handed to C: no NUL byte inside. */
const cstr: Check = { test: (v) => typeof v === 'string' && !v.includes('\0'), what: 'a string without NUL bytes' };
const int: Check = { test: isInt, what: 'an integer' };
const uint: Check = { test: (v) => isInt(v) && v >= 0, what: 'a non-negative integer' };
const size: Check = { test: (v) => isInt(v) && v >= 0 && v <= MAX_IO, what: `an integer in 0..${MAX_IO}` };
const id32: Check = { test: (v) => isInt(v) && v >= -1 && v <= 0xffffffff, what: 'a uid/gid (or -1)' };
const bool: Check = { test: (v) => typeof v === 'boolean', what: 'a boolean' };
const cstrArr: Check = { test: (v) => Array.isArray(v) && v.every((x) => cstr.test(x)), what: 'an array of strings without NUL bytes' };
const argv: Check = { test: (v) => cstrArr.test(v) && (v as unknown[]).length > 0, what: 'a non-empty array of strings without NUL bytes' };
const bytes: Check = {
  test: (v) =>
    typeof v === 'object' && v !== null && typeof (v as { b64?: unknown }).b64 === 'string' &&
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test((v as { b64: string }).b64),
  what: 'bytes {b64: base64 string}',
};
const timespec: Check = {
  test: (v) =>
    v === 'UTIME_NOW' || v === 'UTIME_OMIT' ||
    (typeof v === 'object' && v !== null && isInt((v as { sec?: unknown }).sec) && isInt((v as { nsec?: unknown }).nsec)),
  what: "{sec, nsec}, 'UTIME_NOW' or 'UTIME_OMIT'",
};
const seekPos: Check = {
  test: (v) => (isInt(v) && v >= 0) || (typeof v === 'string' && /^[0-9]{1,19}$/.test(v)),
  what: 'a telldir position (number or decimal string)',
};

function oneOf(values: readonly string[]): Check {
  return { test: (v) => typeof v === 'string' && values.includes(v), what: `one of ${values.join(', ')}` };
}
function arrayOf(values: readonly string[]): Check {
  return {
    test: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && values.includes(x)),
    what: `an array of ${values.join(', ')}`,
  };
}
const opt = (c: Check): { optional: Check } => ({ optional: c });

const openFlags = arrayOf(Object.keys(O_FLAGS));
const renameFlags = arrayOf(Object.keys(RENAME_FLAGS));
const xattrFlags = arrayOf(Object.keys(XATTR_FLAGS));
const whence = oneOf(['SEEK_SET', 'SEEK_CUR', 'SEEK_END']);
const nodKind = oneOf(['fifo', 'chr', 'blk', 'sock', 'file']);

const path = { path: cstr };
const fd = { fd: str };
const dir = { dir: str };
const fromTo = { from: cstr, to: cstr };

const SCHEMA: { readonly [K in OpName]: Readonly<Record<string, FieldSpec>> } = {
  root: path,
  reset: {},
  open: { path: cstr, flags: openFlags, mode: opt(uint), fd: str },
  close: fd,
  read: { fd: str, len: size },
  pread: { fd: str, len: size, off: uint },
  write: { fd: str, data: bytes },
  pwrite: { fd: str, data: bytes, off: uint },
  fill: { fd: str, size },
  lseek: { fd: str, off: int, whence },
  stat: path,
  lstat: path,
  fstat: fd,
  access: { path: cstr, mode: uint },
  chmod: { path: cstr, mode: uint },
  fchmod: { fd: str, mode: uint },
  chown: { path: cstr, uid: id32, gid: id32 },
  lchown: { path: cstr, uid: id32, gid: id32 },
  fchown: { fd: str, uid: id32, gid: id32 },
  utimensat: { path: cstr, atime: timespec, mtime: timespec, nofollow: opt(bool) },
  futimens: { fd: str, atime: timespec, mtime: timespec },
  truncate: { path: cstr, len: int },
  ftruncate: { fd: str, len: int },
  link: fromTo,
  symlink: { target: cstr, path: cstr },
  readlink: path,
  rename: fromTo,
  renameat2: { from: cstr, to: cstr, flags: renameFlags },
  unlink: path,
  rmdir: path,
  mkdir: { path: cstr, mode: uint },
  mknod: { path: cstr, kind: nodKind, mode: uint, major: opt(uint), minor: opt(uint) },
  opendir: { path: cstr, dir: str },
  readdir: dir,
  telldir: dir,
  seekdir: { dir: str, pos: seekPos },
  rewinddir: dir,
  closedir: dir,
  listdir: path,
  setxattr: { path: cstr, name: cstr, value: bytes, flags: opt(xattrFlags) },
  lsetxattr: { path: cstr, name: cstr, value: bytes, flags: opt(xattrFlags) },
  fsetxattr: { fd: str, name: cstr, value: bytes, flags: opt(xattrFlags) },
  getxattr: { path: cstr, name: cstr },
  lgetxattr: { path: cstr, name: cstr },
  fgetxattr: { fd: str, name: cstr },
  listxattr: path,
  llistxattr: path,
  flistxattr: fd,
  removexattr: { path: cstr, name: cstr },
  lremovexattr: { path: cstr, name: cstr },
  fremovexattr: { fd: str, name: cstr },
  mmapwrite: { fd: str, off: uint, data: bytes },
  snapshot: { paths: cstrArr, statOnly: opt(bool) },
  scan: path,
  ctimeprobe: path,
  exec: { argv, timeoutMs: opt(uint) },
  mount: { source: cstr, target: cstr, fstype: cstr, data: str },
  umount: { target: cstr, lazy: opt(bool) },
};

function isOpName(v: unknown): v is OpName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(SCHEMA, v);
}

function checkCred(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'cred must be {uid, gid, groups?}';
  const c = v as Partial<Record<keyof Cred, unknown>>;
  const ugid = (x: unknown): boolean => isInt(x) && x >= 0 && x < 0xffffffff;
  if (!ugid(c.uid)) return 'cred.uid must be a uid';
  if (!ugid(c.gid)) return 'cred.gid must be a gid';
  if (c.groups !== undefined && !(Array.isArray(c.groups) && c.groups.every(ugid))) {
    return 'cred.groups must be an array of gids';
  }
  return null;
}

export type Parsed = { ok: true; req: Request } | { ok: false; id: number; reason: string };

export function parseRequest(line: string): Parsed {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    return { ok: false, id: -1, reason: `malformed JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return { ok: false, id: -1, reason: 'request must be a JSON object' };
  }
  const obj = msg as Record<string, unknown>;
  const idv = obj['id'];
  if (!isInt(idv)) return { ok: false, id: -1, reason: 'missing or invalid id (an integer)' };
  const id = idv;
  const op = obj['op'];
  if (op === undefined) return { ok: false, id, reason: 'missing op' };
  if (!isOpName(op)) return { ok: false, id, reason: `unknown op ${JSON.stringify(op)}` };
  for (const [field, spec] of Object.entries(SCHEMA[op])) {
    const optional = 'optional' in spec;
    const check = 'optional' in spec ? spec.optional : spec;
    const v = obj[field];
    if (v === undefined) {
      if (optional) continue;
      return { ok: false, id, reason: `${op}: missing field ${field}` };
    }
    if (!check.test(v)) return { ok: false, id, reason: `${op}: field ${field} must be ${check.what}` };
  }
  if (obj['cred'] !== undefined && obj['cred'] !== null) {
    const bad = checkCred(obj['cred']);
    if (bad !== null) return { ok: false, id, reason: bad };
  }
  return { ok: true, req: obj as unknown as Request };
}
