// Creation of new objects (create, mknod, mkdir, symlink, link target): in
// upper, owned by the calling process (group of the parent if it is
// set-group-ID). Over a whiteout the object is built in work/ and renamed
// into place; a directory made there is opaque, so the lower directory
// that was removed stays hidden.
import * as fs from 'node:fs';
import { E, FsError } from '../sys/errno.ts';
import { RENAME_EXCHANGE, renameat2 } from '../sys/libc.ts';
import { lstatStrict, type Stat } from '../sys/stat.ts';
import { copyUp } from './copyup.ts';
import type { Node } from './nodes.ts';
import { S_IFDIR, S_IFLNK, type Union } from './union.ts';

const S_ISGID = 0o2000;

export interface Caller { uid: number; gid: number }

export interface NewObject {
  type: number;
  /** Permission bits as the kernel sent them (already masked by the caller's umask). */
  perm: number;
  /** Creates the object at path (final place or a temp in work/), with perm where the call takes a mode. */
  build: (path: string) => void;
  /** link(): keep the existing owner and mode. */
  keepOwner?: boolean;
}

/** Creates parent/name; returns its upper path and its lstat. */
export function createEntry(u: Union, parent: Node, name: string, caller: Caller, obj: NewObject): { path: string; st: Stat } {
  u.requireWritable();
  const rel = u.childPath(parent, name);
  if (u.resolveChild(parent, name) !== null) throw new FsError(E.EEXIST);
  copyUp(u, parent);
  const upperParent = u.layers.upperPath(u.nodes.path(parent));
  const finalPath = u.layers.upperPath(rel);
  const below = u.lstat(finalPath); // undefined, or a whiteout (a visible object was refused above)
  const pst = lstatStrict(upperParent);
  const sgidParent = (pst.mode & S_ISGID) !== 0;
  const isDir = obj.type === S_IFDIR;
  // Owner and mode are fixed only where the creation did not already get
  // them right (the server runs as root with umask 0): each fix is a
  // journaled metadata write on the upper filesystem.
  const own = (p: string): void => {
    if (obj.keepOwner) return;
    const st = lstatStrict(p);
    const gid = sgidParent ? pst.gid : caller.gid;
    const chowned = st.uid !== caller.uid || st.gid !== gid;
    if (chowned) fs.lchownSync(p, caller.uid, gid);
    const mode = obj.perm | (isDir && sgidParent ? S_ISGID : 0);
    // chown clears set-id bits of files, so set the mode again after it
    if (obj.type !== S_IFLNK && ((st.mode & 0o7777) !== mode || (chowned && (mode & 0o6000) !== 0))) fs.chmodSync(p, mode);
  };
  if (below === undefined) {
    obj.build(finalPath);
    try {
      own(finalPath);
    } catch (err) {
      fs.rmSync(finalPath, { recursive: true, force: true });
      throw err;
    }
  } else {
    const tmp = u.work.temp();
    try {
      obj.build(tmp);
      own(tmp);
      if (isDir) {
        u.format.setOpaque(tmp);
        renameat2(tmp, finalPath, RENAME_EXCHANGE);
        fs.unlinkSync(tmp); // the whiteout, now in work/
      } else {
        fs.renameSync(tmp, finalPath);
      }
    } catch (err) {
      u.work.discard(tmp);
      throw err;
    }
  }
  if (isDir) u.dirsChanged();
  return { path: finalPath, st: lstatStrict(finalPath) };
}
