// Creation of new objects (create, mknod, mkdir, symlink, link target): in
// upper, owned by the calling process (group of the parent if it is
// set-group-ID). Over a whiteout the object is built in work/ and renamed
// into place; a directory made there is opaque, so the lower directory
// that was removed stays hidden.
import { E, FsError } from '../sys/errno.ts';
import { RENAME_EXCHANGE } from '../sys/libc.ts';
import { chmodAt, chownAt, type Loc, pathLoc, renameAt, rmdirAt, unlinkAt } from '../sys/at.ts';
import { fstat, lstatAtStrict, type Stat } from '../sys/stat.ts';
import { nameCreated } from './changes.ts';
import { copyUp } from './copyup.ts';
import type { Node } from './nodes.ts';
import { S_IFDIR, S_IFLNK, type Union } from './union.ts';

const S_ISGID = 0o2000;

export interface Caller { uid: number; gid: number }

export interface NewObject {
  type: number;
  /** Permission bits as the kernel sent them (already masked by the caller's umask). */
  perm: number;
  /** Creates the object at (its final place or a temp in work/), with perm where the call takes a mode. */
  build: (at: Loc) => void;
  /** link(): keep the existing owner and mode. */
  keepOwner?: boolean;
}

/** Creates parent/name; returns its lstat. */
export function createEntry(u: Union, parent: Node, name: string, caller: Caller, obj: NewObject): Stat {
  u.requireWritable();
  const seen: { upperWhiteout?: boolean } = {};
  if (u.resolveChild(parent, name, seen) !== null) throw new FsError(E.EEXIST);
  copyUp(u, parent);
  const final = u.upperAt(parent, name);
  const pst = fstat(final.dir); // the upper parent, through its fd: no name to look up
  const sgidParent = (pst.mode & S_ISGID) !== 0;
  const isDir = obj.type === S_IFDIR;
  // Owner and mode are fixed only where the creation did not already get
  // them right (the server runs as root with umask 0): each fix is a
  // journaled metadata write on the upper filesystem. Returns the lstat
  // where nothing was fixed (it is then still the object's).
  const own = (at: Loc): Stat | undefined => {
    if (obj.keepOwner) return undefined;
    const st = lstatAtStrict(at.dir, at.name);
    const gid = sgidParent ? pst.gid : caller.gid;
    const chowned = st.uid !== caller.uid || st.gid !== gid;
    if (chowned) chownAt(at, caller.uid, gid);
    const mode = obj.perm | (isDir && sgidParent ? S_ISGID : 0);
    // chown clears set-id bits of files, so set the mode again after it
    const chmodded = obj.type !== S_IFLNK && ((st.mode & 0o7777) !== mode || (chowned && (mode & 0o6000) !== 0));
    if (chmodded) chmodAt(at, mode);
    return chowned || chmodded ? undefined : st;
  };
  let st: Stat | undefined;
  // (a parent copied up above is a new, empty directory: no whiteout in it)
  if (seen.upperWhiteout !== true) {
    obj.build(final);
    try {
      st = own(final);
    } catch (err) {
      if (isDir) rmdirAt(final);
      else unlinkAt(final);
      throw err;
    }
  } else {
    const tmp = pathLoc(u.work.temp());
    try {
      obj.build(tmp);
      own(tmp);
      if (isDir) {
        u.format.setOpaque(tmp);
        renameAt(tmp, final, RENAME_EXCHANGE);
        unlinkAt(tmp); // the whiteout, now in work/
      } else {
        renameAt(tmp, final);
      }
    } catch (err) {
      u.work.discard(tmp.name);
      throw err;
    }
  }
  nameCreated(u, obj.type);
  st ??= lstatAtStrict(final.dir, name);
  if (isDir || st.nlink === 1) u.inodes.created(st); // not a new link to an existing inode
  return st;
}
