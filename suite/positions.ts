// Where the object a case acts on sits in the layers, and what kind of object
// it is. Families are generated over these rows. The object is always named
// `f`; a kind may add companions (a second hard link, a symlink's target).
import { big, dir, empty, fifo, file, hardlink, opaque, symlink, whiteout, type FixtureNode, type Layers, type Tree } from './fixture.ts';

/** The file every copyup case starts from: content, mode and a user xattr that copyup must carry. */
export const lowerFile = (meta = {}) => file('hello\n', { xattrs: { 'user.origin': 'lower' }, ...meta });

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** Wraps entries in the directories of `dir` ("a/b" -> { a: { b: entries } }). */
function nest(dirPath: string, entries: Tree): Tree {
  return dirPath.split('/').filter(Boolean).reverse().reduce<Tree>((t, name) => ({ [name]: dir(t) }), entries);
}

export interface Kind {
  name: string;
  /** The entries to place in the object's directory `dirPath`. */
  entries(dirPath: string): Tree;
  /** Companion names to show in the merged view. */
  companions: string[];
}

const single = (name: string, node: () => FixtureNode): Kind => ({ name, entries: () => ({ f: node() }), companions: [] });

export const KINDS = {
  file: single('file', () => lowerFile()),
  empty: single('empty', () => empty({ xattrs: { 'user.origin': 'lower' } })),
  big: single('big', () => big(1536 * 1024, { xattrs: { 'user.origin': 'lower' } })),
  hardlinked: { name: 'hardlinked', entries: (d: string) => ({ f: lowerFile(), g: hardlink(join(d, 'f')) }), companions: ['g'] },
  symlink: { name: 'symlink', entries: () => ({ t: lowerFile(), f: symlink('t') }), companions: ['t'] },
  fifo: single('fifo', () => fifo()), // Linux allows user xattrs only on files and dirs
  dir: single('dir', () => dir({ x: file('x\n') }, { xattrs: { 'user.origin': 'lower' } })),
} satisfies Record<string, Kind>;
export type KindName = keyof typeof KINDS;

export interface Position {
  name: string;
  /** The directory of the object in the merged view. */
  dir: string;
  /** True where the object is visible before the steps. */
  visible: boolean;
  /** True where the object is already on the top layer. */
  upper: boolean;
  layers(entries: Tree): Layers;
}

const other = (): Tree => ({ other: file('other\n') });
const lowerVersion = (entries: Tree): Tree => Object.fromEntries(Object.keys(entries).map((n) => [n, file('lower data\n')]));
const whiteouts = (entries: Tree): Tree => Object.fromEntries(Object.keys(entries).map((n) => [n, whiteout()]));

export const POSITIONS: Record<string, Position> = {
  lower: { name: 'lower', dir: '', visible: true, upper: false, layers: (e) => ({ lowers: [e] }) },
  'lower-deep1': { name: 'lower-deep1', dir: 'a', visible: true, upper: false, layers: (e) => ({ lowers: [nest('a', e)] }) },
  'lower-deep': { name: 'lower-deep', dir: 'a/b', visible: true, upper: false, layers: (e) => ({ lowers: [nest('a/b', e)] }) },
  'lower-deep3': { name: 'lower-deep3', dir: 'a/b/c', visible: true, upper: false, layers: (e) => ({ lowers: [nest('a/b/c', e)] }) },
  'second-lower': { name: 'second-lower', dir: '', visible: true, upper: false, layers: (e) => ({ lowers: [other(), e] }) },
  upper: { name: 'upper', dir: '', visible: true, upper: true, layers: (e) => ({ lowers: [other()], upper: e }) },
  both: { name: 'both', dir: '', visible: true, upper: true, layers: (e) => ({ lowers: [lowerVersion(e)], upper: e }) },
  whiteout: { name: 'whiteout', dir: '', visible: false, upper: false, layers: (e) => ({ lowers: [e], upper: whiteouts(e) }) },
  opaque: { name: 'opaque', dir: 'd', visible: false, upper: false, layers: (e) => ({ lowers: [{ d: dir(e) }], upper: { d: opaque() } }) },
};

export const ALL_POSITIONS = Object.values(POSITIONS);

/** The object's path and its companions' paths at a position. */
export const objectPath = (pos: Position) => join(pos.dir, 'f');
export const companionPaths = (pos: Position, kind: Kind) => kind.companions.map((c) => join(pos.dir, c));

/** Case id suffix: `lower-file`, `lower-deep3-fifo`, ... (the regular file keeps the name `file`). */
export const placeName = (pos: Position, kind: Kind) => `${pos.name}-${kind.name}`;

/** The layers for a kind at a position. */
export const place = (pos: Position, kind: Kind): Layers => pos.layers(kind.entries(pos.dir));

/** Positions where the object is visible before the steps: the field families act on it there. */
export const VISIBLE_POSITIONS = ALL_POSITIONS.filter((p) => p.visible);

/** Where a change to the object copies it up: it is visible and only on a lower layer. */
export const copiesUp = (pos: Position) => pos.visible && !pos.upper;
