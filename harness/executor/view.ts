// What an object looks like: `snapshot` (paths through the mount) and `scan`
// (a layer directory read directly, recursively).
//
// Content is only ever read from regular files, opened O_RDONLY|O_NOFOLLOW
// (and O_NOATIME where allowed, so that looking does not change atime): an
// open for writing through a union mount would trigger copy-up.

import { createHash } from 'node:crypto';
import type { NodeView, ScanEntry, SnapshotItem } from '../protocol.ts';
import { At, on, type CaseRoot } from './case-root.ts';
import { openDirQuietly, readAll } from './dirstream.ts';
import { SysError } from './errors.ts';
import { AT_FDCWD, O_CLOEXEC, O_FLAGS, O_NOATIME, raw, sys, type Ptr, type RawStat } from './libc.ts';
import { readlinkAt } from './readlink.ts';
import { isDir, statAt, statValue } from './stat.ts';
import { allXattrs } from './xattr.ts';

const INLINE_MAX = 64;
const CHUNK = 1 << 20;
// One buffer for every read: the executor answers one request at a time.
const readBuffer = Buffer.allocUnsafe(CHUNK);

function openForReading(at: At): number {
  // O_NONBLOCK: should the object have turned into a fifo since lstat, do not hang.
  const base = O_FLAGS.O_RDONLY | O_FLAGS.O_NOFOLLOW | O_FLAGS.O_NONBLOCK | O_CLOEXEC;
  // By its name in its directory: an At of an fd's own object is never a regular file (see CaseRoot.self).
  const open = (flags: number): number => raw.openat(at.dirfd, at.name, flags, 0);
  try {
    return sys('open', () => open(base | O_NOATIME));
  } catch (e) {
    // O_NOATIME needs ownership or CAP_FOWNER.
    if (e instanceof SysError && e.errno === 'EPERM') return sys('open', () => open(base));
    throw e;
  }
}

/** sha256 of a regular file's content, and the content itself when small. */
export function content(at: At): { sha256: string; data?: Buffer } {
  const fd = openForReading(at);
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

function layerContent(at: At, abs: string, st: RawStat): { sha256: string; data?: Buffer } {
  if (st.size <= BigInt(INLINE_MAX)) return content(at);
  const stat = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.nlink}`;
  const k = known.get(abs);
  if (k && k.stat === stat && st.ctimeNs < k.readAt - SETTLED_NS) return { sha256: k.sha256 };
  const readAt = BigInt(Date.now()) * 1_000_000n; // before reading: a change while it reads is not trusted
  const c = content(at);
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(abs, { stat, sha256: c.sha256, readAt });
  return c;
}

/** The view of one object that exists (lstat already done); `layerPath`: read directly from a layer directory, at that path. */
function viewOf(name: string, at: At, st: RawStat, layerPath?: string): NodeView {
  const stat = statValue(st);
  const target = stat.kind === 'symlink' ? readlinkAt(at) : undefined;
  const c = stat.kind === 'file' ? (layerPath !== undefined ? layerContent(at, layerPath, st) : content(at)) : undefined;
  return {
    path: name,
    stat,
    ...(target !== undefined ? { target } : {}),
    ...(c !== undefined ? { sha256: c.sha256 } : {}),
    ...(c?.data !== undefined ? { data: { b64: c.data.toString('base64') } } : {}),
    xattrs: allXattrs(at),
  };
}

/** One snapshot item: the view, or the errno of lstat (resolving the path included) or of reading the object. */
function snapshotItem(root: CaseRoot, path: string, statOnly: boolean): SnapshotItem {
  let at: At;
  try {
    at = root.self(path);
  } catch (e) {
    if (e instanceof SysError) return { path, errno: e.errno };
    throw e;
  }
  return on(at, (): SnapshotItem => {
    // A target that can stat the object but not read it (its content, its xattrs) shows that errno too.
    try {
      const st = statAt(at);
      return { path, view: statOnly ? { path, stat: statValue(st), xattrs: {} } : viewOf(path, at, st) };
    } catch (e) {
      if (e instanceof SysError) return { path, errno: e.errno };
      throw e;
    }
  });
}

/**
 * snapshot: one item per path (relative to the root), the view or lstat's errno.
 * With `statOnly` a view holds the stat alone (no link target, content or xattrs).
 */
export function snapshot(root: CaseRoot, paths: readonly string[], statOnly = false): SnapshotItem[] {
  return paths.map((p) => snapshotItem(root, p, statOnly));
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * scan: every object under a layer directory (not the directory itself), sorted by relative path.
 * Walked by directory fds, never following a symlink: what a layer holds cannot lead it elsewhere.
 */
export function scan(dir: string): ScanEntry[] {
  const out: ScanEntry[] = [];
  const walk = (stream: Ptr, absDir: string, relDir: string): string[] => {
    try {
      const dirfd = raw.dirfd(stream);
      const names = readAll(stream).map((e) => e.name);
      for (const name of names) {
        const rel = relDir === '' ? name : `${relDir}/${name}`;
        const abs = `${absDir}/${name}`;
        const at = new At(dirfd, name, false);
        const st = statAt(at);
        const entry: ScanEntry = viewOf(rel, at, st, abs);
        if (isDir(st)) entry.entries = walk(openDirQuietly(dirfd, name), abs, rel);
        out.push(entry);
      }
      return names;
    } finally {
      raw.closedir(stream);
    }
  };
  walk(openDirQuietly(AT_FDCWD, dir), dir, '');
  return out.sort((a, b) => byteOrder(a.path, b.path));
}
