// UNLINK and RMDIR. A whiteout is left only where a lower layer has the
// name (else the upper object is just removed). rmdir of a merged directory
// succeeds when no entry is visible: the upper directory's whiteouts are
// not entries; they go with it.
import { E, FsError, errnoOf } from '../sys/errno.ts';
import { RENAME_EXCHANGE } from '../sys/libc.ts';
import { type Loc, pathLoc, renameAt, rmdirAt, unlinkAt } from '../sys/at.ts';
import type { Stat } from '../sys/stat.ts';
import { nameRemoved } from '../union/changes.ts';
import { copyUp } from '../union/copyup.ts';
import { clearWhiteouts, listMerged } from '../union/merge.ts';
import type { Node } from '../union/nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';

/** Puts a whiteout at the (absent or replaceable) upper place at. */
export function whiteoutAt(u: Union, at: Loc): void {
  const wh = u.work.whiteout();
  try {
    renameAt(pathLoc(wh), at);
  } catch (err) {
    u.work.discard(wh);
    throw err;
  }
}

export function unlink(u: Union, parent: Node, name: string): void {
  u.requireWritable();
  const seen: { st?: Stat } = {};
  const res = u.resolveChild(parent, name, seen);
  if (res === null) throw new FsError(E.ENOENT);
  if ((res.type & S_IFMT) === S_IFDIR) throw new FsError(E.EISDIR);
  let st: Stat | undefined;
  if (res.upper) {
    const at = u.upperAt(parent, name);
    st = seen.st; // the upper object's
    if (u.lowerPositive(parent, name)) {
      whiteoutAt(u, at); // rename over the upper object: one atomic step
    } else {
      unlinkAt(at);
    }
  } else {
    copyUp(u, parent);
    whiteoutAt(u, u.upperAt(parent, name));
  }
  nameRemoved(u, { parent, name }, res.type, st);
}

export function rmdir(u: Union, parent: Node, name: string): void {
  u.requireWritable();
  const seen: { st?: Stat } = {};
  const res = u.resolveChild(parent, name, seen);
  if (res === null) throw new FsError(E.ENOENT);
  if ((res.type & S_IFMT) !== S_IFDIR) throw new FsError(E.ENOTDIR);
  const node = u.nodes.bind(parent, name, res);
  if (listMerged(u, node).length > 0) throw new FsError(E.ENOTEMPTY);
  const needWhiteout = res.lowers.length > 0 || u.lowerPositive(parent, name);
  let st: Stat | undefined;
  if (res.upper) {
    const at = u.upperAt(parent, name);
    st = seen.st; // the upper directory's
    if (needWhiteout) replaceDirWithWhiteout(u, at, node);
    else {
      clearWhiteouts(u, u.dirs.get(node, 0));
      rmdirAt(at);
    }
  } else {
    copyUp(u, parent);
    whiteoutAt(u, u.upperAt(parent, name));
  }
  nameRemoved(u, { parent, name }, res.type, st);
}

/** Swaps a (visibly empty) upper directory for a whiteout, then removes the directory from work/. */
function replaceDirWithWhiteout(u: Union, dir: Loc, node: Node): void {
  const wh = u.work.whiteout();
  try {
    renameAt(pathLoc(wh), dir, RENAME_EXCHANGE);
  } catch (err) {
    if (errnoOf(err) !== E.EINVAL) {
      u.work.discard(wh);
      throw err;
    }
    // No RENAME_EXCHANGE on the upper filesystem: empty it, remove it, then whiteout.
    clearWhiteouts(u, u.dirs.get(node, 0));
    rmdirAt(dir);
    renameAt(pathLoc(wh), dir);
    return;
  }
  u.work.discard(wh); // the old directory with its whiteouts
}
