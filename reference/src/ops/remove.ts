// UNLINK and RMDIR. A whiteout is left only where a lower layer has the
// name (else the upper object is just removed). rmdir of a merged directory
// succeeds when no entry is visible: the upper directory's whiteouts are
// not entries; they go with it.
import * as fs from 'node:fs';
import { E, FsError, errnoOf } from '../sys/errno.ts';
import { RENAME_EXCHANGE, renameat2 } from '../sys/libc.ts';
import type { Stat } from '../sys/stat.ts';
import { nameRemoved } from '../union/changes.ts';
import { copyUp } from '../union/copyup.ts';
import { clearWhiteouts, listMerged } from '../union/merge.ts';
import type { Node } from '../union/nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';

/** Puts a whiteout at the (absent) upper path p. */
export function whiteoutAt(u: Union, p: string): void {
  const wh = u.work.whiteout();
  try {
    fs.renameSync(wh, p);
  } catch (err) {
    u.work.discard(wh);
    throw err;
  }
}

export function unlink(u: Union, parent: Node, name: string): void {
  u.requireWritable();
  const res = u.resolveChild(parent, name);
  if (res === null) throw new FsError(E.ENOENT);
  if ((res.type & S_IFMT) === S_IFDIR) throw new FsError(E.EISDIR);
  const rel = u.childPath(parent, name);
  let st: Stat | undefined;
  if (res.upper) {
    const p = u.layers.upperPath(rel);
    st = u.lstat(p);
    if (u.lowerPositive(parent, name)) {
      whiteoutAt(u, p); // rename over the upper object: one atomic step
    } else {
      fs.unlinkSync(p);
    }
  } else {
    copyUp(u, parent);
    whiteoutAt(u, u.layers.upperPath(rel));
  }
  nameRemoved(u, { parent, name }, res.type, st);
}

export function rmdir(u: Union, parent: Node, name: string): void {
  u.requireWritable();
  const res = u.resolveChild(parent, name);
  if (res === null) throw new FsError(E.ENOENT);
  if ((res.type & S_IFMT) !== S_IFDIR) throw new FsError(E.ENOTDIR);
  const node = u.nodes.bind(parent, name, res);
  if (listMerged(u, node).length > 0) throw new FsError(E.ENOTEMPTY);
  const rel = u.childPath(parent, name);
  const needWhiteout = res.lowers.length > 0 || u.lowerPositive(parent, name);
  let st: Stat | undefined;
  if (res.upper) {
    const p = u.layers.upperPath(rel);
    st = u.lstat(p);
    if (needWhiteout) replaceDirWithWhiteout(u, p);
    else {
      clearWhiteouts(u, p);
      fs.rmdirSync(p);
    }
  } else {
    copyUp(u, parent);
    whiteoutAt(u, u.layers.upperPath(rel));
  }
  nameRemoved(u, { parent, name }, res.type, st);
}

/** Swaps a (visibly empty) upper directory for a whiteout, then removes the directory from work/. */
function replaceDirWithWhiteout(u: Union, dir: string): void {
  const wh = u.work.whiteout();
  try {
    renameat2(wh, dir, RENAME_EXCHANGE);
  } catch (err) {
    if (errnoOf(err) !== E.EINVAL) {
      u.work.discard(wh);
      throw err;
    }
    // No RENAME_EXCHANGE on the upper filesystem: empty it, remove it, then whiteout.
    clearWhiteouts(u, dir);
    fs.rmdirSync(dir);
    fs.renameSync(wh, dir);
    return;
  }
  u.work.discard(wh); // the old directory with its whiteouts
}
