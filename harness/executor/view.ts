// What an object looks like: `snapshot` (paths through the mount) and `scan`
// (a layer directory read directly, recursively).
//
// Content is only ever read from regular files, opened O_RDONLY|O_NOFOLLOW
// (and O_NOATIME where allowed, so that looking does not change atime): an
// open for writing through a union mount would trigger copy-up.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { NodeView, ScanEntry, SnapshotItem } from '../protocol.ts';
import { listDir } from './dirstream.ts';
import { SysError, nodeCall } from './errors.ts';
import { O_FLAGS, O_NOATIME, raw, sys } from './libc.ts';
import { lstatRaw, statValue } from './stat.ts';
import { allXattrs } from './xattr.ts';

const INLINE_MAX = 64;
const CHUNK = 1 << 20;
// One buffer for every read: the executor answers one request at a time.
const readBuffer = Buffer.allocUnsafe(CHUNK);

function openForReading(path: string): number {
  // O_NONBLOCK: should the object have turned into a fifo since lstat, do not hang.
  const base = O_FLAGS.O_RDONLY | O_FLAGS.O_NOFOLLOW | O_FLAGS.O_NONBLOCK;
  try {
    return sys('open', () => raw.open(path, base | O_NOATIME, 0));
  } catch (e) {
    // O_NOATIME needs ownership or CAP_FOWNER.
    if (e instanceof SysError && e.errno === 'EPERM') return sys('open', () => raw.open(path, base, 0));
    throw e;
  }
}

/** sha256 of a regular file's content, and the content itself when small. */
export function content(path: string): { sha256: string; data?: Buffer } {
  const fd = openForReading(path);
  try {
    const hash = createHash('sha256');
    const buf = readBuffer;
    const head: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = sys('read', () => raw.read(fd, buf, CHUNK));
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      if (total <= INLINE_MAX) head.push(Buffer.from(chunk.subarray(0, INLINE_MAX + 1 - total)));
      total += n;
    }
    const sha256 = hash.digest('hex');
    return total <= INLINE_MAX ? { sha256, data: Buffer.concat(head) } : { sha256 };
  } finally {
    raw.close(fd);
  }
}

/**
 * Digests of big files in layer directories, for scans of a lower layer that several cases
 * share: a file whose inode, size, mtime, ctime and link count are those it had when it was
 * last read, and whose ctime was already that long ago, has the content it had (any change
 * to an inode moves its ctime to the present, and no call sets it back). Never used for what
 * is seen through a mount: a union reports the stat it likes.
 */
const known = new Map<string, { stat: string; sha256: string; readAt: bigint }>();
const KNOWN_MAX = 4096;
/** How much older than the last reading a ctime must be: far more than a timestamp tick. */
const SETTLED_NS = 100_000_000n;

function layerContent(abs: string, st: fs.BigIntStats): { sha256: string; data?: Buffer } {
  if (st.size <= BigInt(INLINE_MAX)) return content(abs);
  const stat = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.nlink}`;
  const k = known.get(abs);
  if (k && k.stat === stat && st.ctimeNs < k.readAt - SETTLED_NS) return { sha256: k.sha256 };
  const readAt = BigInt(Date.now()) * 1_000_000n; // before reading: a change while it reads is not trusted
  const c = content(abs);
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(abs, { stat, sha256: c.sha256, readAt });
  return c;
}

/** The view of one object that exists (lstat already done); `inLayer`: read directly from a layer directory. */
function viewOf(name: string, abs: string, st: fs.BigIntStats, inLayer = false): NodeView {
  const stat = statValue(st);
  const target = stat.kind === 'symlink' ? nodeCall(() => fs.readlinkSync(abs, 'utf8')) : undefined;
  const c = stat.kind === 'file' ? (inLayer ? layerContent(abs, st) : content(abs)) : undefined;
  return {
    path: name,
    stat,
    ...(target !== undefined ? { target } : {}),
    ...(c !== undefined ? { sha256: c.sha256 } : {}),
    ...(c?.data !== undefined ? { data: { b64: c.data.toString('base64') } } : {}),
    xattrs: allXattrs(abs),
  };
}

/**
 * snapshot: one item per path, the view or lstat's errno. `paths` pairs request text with absolute path.
 * With `statOnly` a view holds the stat alone (no link target, content or xattrs).
 */
export function snapshot(paths: ReadonlyArray<readonly [string, string]>, statOnly = false): SnapshotItem[] {
  return paths.map(([name, abs]): SnapshotItem => {
    let st: fs.BigIntStats;
    try {
      st = lstatRaw(abs);
    } catch (e) {
      if (e instanceof SysError) return { path: name, errno: e.errno };
      throw e;
    }
    return { path: name, view: statOnly ? { path: name, stat: statValue(st), xattrs: {} } : viewOf(name, abs, st) };
  });
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** scan: every object under a layer directory (not the directory itself), sorted by relative path. */
export function scan(dir: string): ScanEntry[] {
  const top = lstatRaw(dir);
  if (!top.isDirectory()) throw new SysError('ENOTDIR', 'scan');
  const out: ScanEntry[] = [];
  const walk = (absDir: string, relDir: string): string[] => {
    const names = listDir(absDir, true).map((e) => e.name);
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const abs = `${absDir}/${name}`;
      const st = lstatRaw(abs);
      const entry: ScanEntry = viewOf(rel, abs, st, true);
      if (st.isDirectory()) entry.entries = walk(abs, rel);
      out.push(entry);
    }
    return names;
  };
  walk(dir, '');
  return out.sort((a, b) => byteOrder(a.path, b.path));
}
