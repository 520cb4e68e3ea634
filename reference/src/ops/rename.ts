// RENAME and RENAME2 (renameat2 flags arrive with protocol >= 7.23).
// A lower file is copied up, renamed in upper, and a whiteout is left at
// the source if a lower layer has that name (RENAME_WHITEOUT does the last
// two steps atomically). A directory present in any lower layer cannot be
// moved: EXDEV. An upper-only directory moves; if the target name has a
// lower directory, the moved directory becomes opaque.
import { E, FsError, errnoOf } from '../sys/errno.ts';
import { RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT } from '../sys/libc.ts';
import { type Loc, renameAt, unlinkAt } from '../sys/at.ts';
import { lstatAt } from '../sys/stat.ts';
import { keepImpure, nameMoved, namesExchanged } from '../union/changes.ts';
import { copyUp, copyUpEntry } from '../union/copyup.ts';
import { clearWhiteouts, listMerged } from '../union/merge.ts';
import type { Node, Resolution } from '../union/nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from '../union/union.ts';
import { whiteoutAt } from './remove.ts';

const isDir = (r: Resolution): boolean => (r.type & S_IFMT) === S_IFDIR;

/** A directory that has a lower part cannot be renamed (no redirect_dir). */
function checkMovable(r: Resolution): void {
  if (isDir(r) && (r.lowers.length > 0 || !r.upper)) throw new FsError(E.EXDEV);
}

export function rename(u: Union, oldParent: Node, oldName: string, newParent: Node, newName: string, flags: number): void {
  if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0) throw new FsError(E.EINVAL);
  if ((flags & RENAME_NOREPLACE) !== 0 && (flags & RENAME_EXCHANGE) !== 0) throw new FsError(E.EINVAL);
  u.requireWritable();
  const src = u.resolveChild(oldParent, oldName);
  if (src === null) throw new FsError(E.ENOENT);
  const dst = u.resolveChild(newParent, newName);
  if (oldParent === newParent && oldName === newName) return;
  if (dst !== null && (flags & RENAME_NOREPLACE) !== 0) throw new FsError(E.EEXIST);
  // Two names of one file: the VFS answers 0 before the filesystem sees the flags.
  if (dst !== null && src.upper && dst.upper && sameUpperFile(u, oldParent, oldName, newParent, newName)) return;
  if ((flags & RENAME_WHITEOUT) !== 0) throw new FsError(E.EINVAL); // as overlayfs
  checkMovable(src);

  if ((flags & RENAME_EXCHANGE) !== 0) {
    if (dst === null) throw new FsError(E.ENOENT);
    checkMovable(dst);
    return exchange(u, oldParent, oldName, src, newParent, newName, dst);
  }
  if (dst !== null) {
    if (isDir(src) && !isDir(dst)) throw new FsError(E.ENOTDIR);
    if (!isDir(src) && isDir(dst)) throw new FsError(E.EISDIR);
    if (isDir(dst) && listMerged(u, u.nodes.bind(newParent, newName, dst)).length > 0) throw new FsError(E.ENOTEMPTY);
  }

  copyUp(u, oldParent);
  copyUp(u, newParent);
  copyUpEntry(u, oldParent, oldName, src);
  const from = u.upperAt(oldParent, oldName);
  const to = u.upperAt(newParent, newName);
  const whiteoutSource = u.lowerPositive(oldParent, oldName);
  const targetLower = u.lowerPositive(newParent, newName);
  const below = lstatAt(to.dir, newName); // undefined, a whiteout, or the upper part of dst
  const targetIsWhiteout = below !== undefined && u.format.isWhiteout(below);
  if (dst !== null && isDir(dst) && dst.upper) clearWhiteouts(u, u.dirs.get(u.nodes.bind(newParent, newName, dst), 0));

  if (isDir(src) && targetIsWhiteout) {
    // A directory cannot replace a character device: swap them, then the whiteout sits at the source.
    renameAt(from, to, RENAME_EXCHANGE);
    if (!whiteoutSource) unlinkAt(from);
  } else if (whiteoutSource) {
    renameWithWhiteout(u, from, to);
  } else {
    renameAt(from, to);
  }
  if (isDir(src) && targetLower) u.format.setOpaque(to);
  if (oldParent !== newParent) keepImpure(u, to, newParent);
  nameMoved(u, {
    from: { parent: oldParent, name: oldName },
    to: { parent: newParent, name: newName },
    type: src.type,
    replaced: below !== undefined && !targetIsWhiteout ? below : undefined,
    replacedDir: dst !== null && isDir(dst),
  });
}

function sameUpperFile(u: Union, oldParent: Node, oldName: string, newParent: Node, newName: string): boolean {
  const a = lstatAt(u.dirs.get(oldParent, 0), oldName);
  const b = lstatAt(u.dirs.get(newParent, 0), newName);
  return a !== undefined && b !== undefined && a.ino === b.ino && a.dev === b.dev;
}

function renameWithWhiteout(u: Union, from: Loc, to: Loc): void {
  try {
    renameAt(from, to, RENAME_WHITEOUT);
  } catch (err) {
    if (errnoOf(err) !== E.EINVAL) throw err;
    renameAt(from, to); // the upper filesystem lacks RENAME_WHITEOUT
    whiteoutAt(u, from);
  }
}

function exchange(u: Union, oldParent: Node, oldName: string, src: Resolution, newParent: Node, newName: string, dst: Resolution): void {
  copyUp(u, oldParent);
  copyUp(u, newParent);
  copyUpEntry(u, oldParent, oldName, src);
  copyUpEntry(u, newParent, newName, dst);
  const a = u.upperAt(oldParent, oldName);
  const b = u.upperAt(newParent, newName);
  renameAt(a, b, RENAME_EXCHANGE);
  if (isDir(src) && u.lowerPositive(newParent, newName)) u.format.setOpaque(b);
  if (isDir(dst) && u.lowerPositive(oldParent, oldName)) u.format.setOpaque(a);
  if (oldParent !== newParent) {
    keepImpure(u, b, newParent);
    keepImpure(u, a, oldParent);
  }
  namesExchanged(u, { parent: oldParent, name: oldName }, src.type, { parent: newParent, name: newName }, dst.type);
}
