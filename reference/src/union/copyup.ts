// Copyup: make the visible lower object of a name exist in upper, with the
// same type, data (or symlink target, or device number), mode, owner,
// times and xattrs (except the format's own). Parents are copied up first,
// as directories with the lower directory's metadata. The copy is built in
// workdir/work and renamed into place, so upper only ever holds complete
// copies; on any error the temp is removed and the errno returned. The data
// is cloned where the upper filesystem shares extents (FICLONE), else
// copied in the kernel; it is synced before the rename unless the mount is
// volatile (as overlayfs's volatile: a crash can lose it, see README).
import * as fs from 'node:fs';
import { E, FsError, errnoOf } from '../sys/errno.ts';
import { lstatAtStrict, makedev, type Stat } from '../sys/stat.ts';
import { copyFileRange, ficlone, RENAME_NOREPLACE, startWriteback } from '../sys/libc.ts';
import {
  chmodAt, chownAt, closeFd, getxattrAt, listxattrAt, type Loc, mkdirAt, mknodAt, openAt, pathLoc, readlinkAt, renameAt,
  setxattrAt, symlinkAt, utimensAt,
} from '../sys/at.ts';
import type { Node, Resolution } from './nodes.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Union } from './union.ts';

const O_NOATIME = fs.constants.O_NOATIME ?? 0o1000000;
const CHUNK = 8 * 1024 * 1024;

export interface CopyupOptions {
  /** Copy at most this many bytes of data (truncate(N): N + 1, O_TRUNC: 0). */
  dataLimit?: number;
}

/** Ensures node's object exists in upper. No-op for upper objects. */
export function copyUp(u: Union, node: Node, opts: CopyupOptions = {}): void {
  if (node.res.upper) return;
  u.requireWritable();
  if (node.parent === null) throw new FsError(node.orphan ? E.ENOENT : E.EIO);
  copyUp(u, node.parent);
  copyUpEntry(u, node.parent, node.name, node.res, opts);
}

/** Copies up parent/name whose resolution is res (the parent is already in upper). */
export function copyUpEntry(u: Union, parent: Node, name: string, res: Resolution, opts: CopyupOptions = {}): void {
  if (res.upper) return;
  const lower = u.at(parent, name, u.topLayer(res).index);
  const upper = u.upperAt(parent, name);
  const parentUpper = u.upperLoc(parent);
  const st = lstatAtStrict(lower.dir, name);
  const parentSt = lstatAtStrict(parentUpper.dir, parentUpper.name);
  const tmp = pathLoc(u.work.temp());
  const origin = u.origins.recordFor(lower, u.topLayer(res).index);
  let recorded = false;
  try {
    build(u, tmp, lower, st, opts.dataLimit);
    if (origin !== null) recorded = u.origins.write(tmp, origin);
    renameAt(tmp, upper, RENAME_NOREPLACE);
  } catch (err) {
    u.work.discard(tmp.name);
    throw new FsError(errnoOf(err), `copyup ${name}`);
  }
  res.upper = true;
  if (recorded) u.origins.markImpure(parentUpper);
  // A copyup is not a change of the parent's contents: keep its times.
  try {
    utimensAt(parentUpper, parentSt.atime, parentSt.mtime);
  } catch {
    // cosmetic
  }
  u.inodes.copiedUp(lstatAtStrict(upper.dir, name), st, recorded, origin !== null);
  // The copy has its own ctime (and maybe link count and inode number), the
  // parent a new ctime and maybe a changed d_ino: the kernel must not keep
  // showing the lower object.
  const node = u.nodes.child(parent, name);
  if (node !== undefined) u.invalidate.attrs(node);
  u.invalidate.listing(parent);
}

function build(u: Union, tmp: Loc, lower: Loc, st: Stat, dataLimit: number | undefined): void {
  const type = st.mode & S_IFMT;
  const perm = st.mode & 0o7777;
  if (type === S_IFREG) {
    copyData(lower, tmp, dataLimit ?? st.size, st.size, !u.volatile);
  } else if (type === S_IFDIR) {
    mkdirAt(tmp, 0o700);
  } else if (type === S_IFLNK) {
    symlinkAt(readlinkAt(lower), tmp);
  } else {
    mknodAt(tmp, type | perm, makedev(st.rdevMajor, st.rdevMinor)); // fifo, socket, character or block device
  }
  copyXattrs(u, lower, tmp, (name) => name !== CAPABILITY);
  chownAt(tmp, st.uid, st.gid);
  if (type !== S_IFLNK) chmodAt(tmp, perm); // after chown, which clears set-id bits
  copyXattrs(u, lower, tmp, (name) => name === CAPABILITY); // after chown, which removes file capabilities
  utimensAt(tmp, st.atime, st.mtime);
}

/** Errors of FICLONE and copy_file_range that mean "not here" (another filesystem, no support): copy another way. */
const UNSUPPORTED = new Set([E.EXDEV, E.EINVAL, E.ENOSYS, E.EOPNOTSUPP, E.ENOTTY]);

function copyData(src: Loc, dst: Loc, limit: number, size: number, sync: boolean): void {
  const inFd = openAt(src, fs.constants.O_RDONLY | O_NOATIME);
  let outFd = -1;
  try {
    outFd = openAt(dst, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    let left = limit;
    if (limit >= size && size > 0 && clone(outFd, inFd)) left = 0;
    let done = 0;
    let useRange = true;
    let buf: Buffer | null = null;
    while (left > 0) {
      let n: number;
      if (useRange) {
        try {
          n = copyFileRange(inFd, outFd, Math.min(left, CHUNK));
        } catch (err) {
          if (!UNSUPPORTED.has(errnoOf(err))) throw err;
          useRange = false;
          continue;
        }
      } else {
        buf ??= Buffer.allocUnsafe(1024 * 1024);
        n = fs.readSync(inFd, buf, 0, Math.min(left, buf.length), null);
        let off = 0;
        while (off < n) off += fs.writeSync(outFd, buf, off, n - off);
      }
      if (n === 0) break;
      if (sync) startWriteback(outFd, done, n); // overlap writeback with the copy; fsync below waits for the rest
      done += n;
      left -= n;
    }
    if (sync) fs.fsyncSync(outFd); // durable before the rename that makes it visible
  } finally {
    closeFd(inFd);
    if (outFd >= 0) closeFd(outFd);
  }
}

/** Whether the whole file was cloned. */
function clone(outFd: number, inFd: number): boolean {
  try {
    ficlone(outFd, inFd);
    return true;
  } catch (err) {
    if (!UNSUPPORTED.has(errnoOf(err))) throw err;
    return false;
  }
}

const CAPABILITY = 'security.capability';

function copyXattrs(u: Union, src: Loc, dst: Loc, which: (name: string) => boolean): void {
  for (const name of listxattrAt(src)) {
    if (u.format.isReserved(name) || !which(name)) continue;
    const value = getxattrAt(src, name);
    if (value === null) continue;
    try {
      setxattrAt(dst, name, value, 0);
    } catch (err) {
      const e = errnoOf(err);
      // A namespace the upper filesystem does not support (as overlayfs, skip it).
      if (e !== E.EOPNOTSUPP && e !== E.ENOTSUP) throw err;
    }
  }
}
