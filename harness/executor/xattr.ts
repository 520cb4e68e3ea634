// Extended attributes through libc, in the three flavours: by path following
// symlinks, by path not following (l-), and by fd (f-).

import { fdPath, type At } from './case-root.ts';
import { SysError } from './errors.ts';
import { raw, sys } from './libc.ts';

export type XattrTarget =
  | { kind: 'path'; path: string }
  | { kind: 'lpath'; path: string }
  | { kind: 'fd'; fd: number };

/**
 * The object an At names, for the path-taking xattr calls (there are no *at
 * ones before Linux 6.13): a name is looked up in its directory through the
 * directory fd's magic link, without following it; the fd's own object is its
 * magic link, which lands on the object itself, a symlink included.
 */
export function xattrAt(at: At): XattrTarget {
  return at.name === '' ? { kind: 'path', path: fdPath(at.dirfd) } : { kind: 'lpath', path: `${fdPath(at.dirfd)}/${at.name}` };
}

/** Calls a size-probing xattr getter (size 0 first, then with a buffer), retrying on ERANGE. */
function readSized(call: string, f: (buf: Buffer | null, size: number) => number): Buffer {
  for (let attempt = 0; ; attempt++) {
    const size = sys(call, () => f(null, 0));
    if (size === 0) return Buffer.alloc(0);
    const buf = Buffer.alloc(size);
    try {
      const n = sys(call, () => f(buf, size));
      return buf.subarray(0, n);
    } catch (e) {
      // The value grew between the two calls: ask again.
      if (e instanceof SysError && e.errno === 'ERANGE' && attempt < 8) continue;
      throw e;
    }
  }
}

export function getXattr(t: XattrTarget, name: string): Buffer {
  switch (t.kind) {
    case 'path': return readSized('getxattr', (b, n) => raw.getxattr(t.path, name, b, n));
    case 'lpath': return readSized('lgetxattr', (b, n) => raw.lgetxattr(t.path, name, b, n));
    case 'fd': return readSized('fgetxattr', (b, n) => raw.fgetxattr(t.fd, name, b, n));
  }
}

export function listXattr(t: XattrTarget): string[] {
  let buf: Buffer;
  switch (t.kind) {
    case 'path': buf = readSized('listxattr', (b, n) => raw.listxattr(t.path, b, n)); break;
    case 'lpath': buf = readSized('llistxattr', (b, n) => raw.llistxattr(t.path, b, n)); break;
    case 'fd': buf = readSized('flistxattr', (b, n) => raw.flistxattr(t.fd, b, n)); break;
  }
  const names = buf.toString('utf8').split('\0').filter((s) => s !== '');
  return names.sort();
}

export function setXattr(t: XattrTarget, name: string, value: Buffer, flags: number): number {
  switch (t.kind) {
    case 'path': return sys('setxattr', () => raw.setxattr(t.path, name, value, value.length, flags));
    case 'lpath': return sys('lsetxattr', () => raw.lsetxattr(t.path, name, value, value.length, flags));
    case 'fd': return sys('fsetxattr', () => raw.fsetxattr(t.fd, name, value, value.length, flags));
  }
}

export function removeXattr(t: XattrTarget, name: string): number {
  switch (t.kind) {
    case 'path': return sys('removexattr', () => raw.removexattr(t.path, name));
    case 'lpath': return sys('lremovexattr', () => raw.lremovexattr(t.path, name));
    case 'fd': return sys('fremovexattr', () => raw.fremovexattr(t.fd, name));
  }
}

/**
 * Every xattr of an object, not following symlinks: name -> base64 value.
 * Names that vanish or cannot be read between list and get are left out;
 * a filesystem without xattr support gives {}.
 */
export function allXattrs(at: At): Record<string, string> {
  const out: Record<string, string> = {};
  const t = xattrAt(at);
  let names: string[];
  try {
    names = listXattr(t);
  } catch (e) {
    if (e instanceof SysError && (e.errno === 'EOPNOTSUPP' || e.errno === 'ENOTSUPP')) return out;
    throw e;
  }
  for (const name of names) {
    try {
      out[name] = getXattr(t, name).toString('base64');
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
    }
  }
  return out;
}
