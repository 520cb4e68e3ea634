// The bookkeeping of a change to the namespace, in one place per kind of
// change: which nodes move, swap or lose their name, which resolutions now
// point at upper, which upper inodes are gone (their numbers may be reused),
// and whether a directory appeared or went (st_nlink of merged parents).
// Every operation that changes names ends in exactly one of these calls.
import type { Loc } from '../sys/at.ts';
import type { Stat } from '../sys/stat.ts';
import type { Node } from './nodes.ts';
import { S_IFDIR, S_IFMT, type Union } from './union.ts';

/** A name in the tree. */
export interface Place { parent: Node; name: string }

const isDirType = (type: number): boolean => (type & S_IFMT) === S_IFDIR;

/**
 * An upper object now has a name in dir (rename, link): if it has an origin
 * record, dir holds an entry whose number comes from elsewhere (impure).
 */
export function keepImpure(u: Union, obj: Loc, dir: Node): void {
  if (u.origins.read(obj) !== null) u.origins.markImpure(u.upperLoc(dir));
}

/** A new object appeared at a name. */
export function nameCreated(u: Union, type: number): void {
  if (isDirType(type)) u.dirsChanged();
}

/**
 * The object at a name was removed (unlink, rmdir). upper: its upper object
 * as it was before the removal, if it had one.
 */
export function nameRemoved(u: Union, at: Place, type: number, upper: Stat | undefined): void {
  const node = u.nodes.child(at.parent, at.name);
  if (node !== undefined) u.nodes.detach(node);
  if (upper !== undefined && (isDirType(type) || upper.nlink <= 1)) u.inodes.removed(upper.ino);
  if (isDirType(type)) u.dirsChanged();
}

export interface Move {
  from: Place;
  to: Place;
  /** S_IFMT of the moved object; it now lives in upper only. */
  type: number;
  /** The upper object the move replaced at `to` (not a whiteout), if any. */
  replaced: Stat | undefined;
  /** Whether the object the move replaced was a directory. */
  replacedDir: boolean;
}

/** rename(): the object at `from` is now at `to`. */
export function nameMoved(u: Union, m: Move): void {
  const moved = u.nodes.child(m.from.parent, m.from.name);
  if (moved !== undefined) {
    u.nodes.move(moved, m.to.parent, m.to.name);
    moved.res = { type: m.type & S_IFMT, upper: true, lowers: [] };
    if (isDirType(m.type)) u.invalidate.listing(moved); // its '..' entry
  } else {
    const replaced = u.nodes.child(m.to.parent, m.to.name);
    if (replaced !== undefined) u.nodes.detach(replaced);
  }
  if (m.replaced !== undefined && (m.replacedDir || m.replaced.nlink <= 1)) u.inodes.removed(m.replaced.ino);
  if (isDirType(m.type) || m.replacedDir) u.dirsChanged();
}

/** renameat2(RENAME_EXCHANGE): the objects at a and b (types ta, tb) swapped names; both are upper only now. */
export function namesExchanged(u: Union, a: Place, ta: number, b: Place, tb: number): void {
  const na = u.nodes.child(a.parent, a.name);
  const nb = u.nodes.child(b.parent, b.name);
  if (na !== undefined && nb !== undefined) u.nodes.swap(na, nb);
  else if (na !== undefined) u.nodes.move(na, b.parent, b.name);
  else if (nb !== undefined) u.nodes.move(nb, a.parent, a.name);
  if (na !== undefined) na.res = { type: ta & S_IFMT, upper: true, lowers: [] };
  if (nb !== undefined) nb.res = { type: tb & S_IFMT, upper: true, lowers: [] };
  for (const [n, type] of [[na, ta], [nb, tb]] as const) if (n !== undefined && isDirType(type)) u.invalidate.listing(n); // '..'
  if (isDirType(ta) || isDirType(tb)) u.dirsChanged();
}
