// Layer fixtures: the trees a case starts from, one per layer.

export interface Meta {
  mode?: number;
  uid?: number;
  gid?: number;
  /** user.* xattrs, name -> text value */
  xattrs?: Record<string, string>;
}

export type FixtureNode =
  | { kind: 'file'; data: string | { size: number }; meta: Meta }
  | { kind: 'dir'; children: Tree; meta: Meta; opaque?: boolean }
  | { kind: 'symlink'; target: string; meta: Meta }
  | { kind: 'hardlink'; to: string }
  | { kind: 'fifo'; meta: Meta }
  | { kind: 'chr'; major: number; minor: number; meta: Meta }
  | { kind: 'whiteout' }
  | { kind: 'fallthru' };

export type Tree = { [name: string]: FixtureNode };

/** lowers[0] is the topmost lower layer (the overlayfs lowerdir order). */
export interface Layers {
  lowers: Tree[];
  upper?: Tree;
  /** The top layer (and workdir) live on a filesystem of this many bytes, to run out of space. */
  upperBytes?: number;
}

/** Every fixture object gets this mtime and atime, so "unchanged" is visible as this value. */
export const FIXTURE_TIME = { sec: 1234567890, nsec: 500000000 };

export const file = (data = 'hello\n', meta: Meta = {}): FixtureNode => ({ kind: 'file', data, meta });
export const empty = (meta: Meta = {}): FixtureNode => ({ kind: 'file', data: '', meta });
/** A file of `size` bytes of a deterministic pattern. */
export const big = (size: number, meta: Meta = {}): FixtureNode => ({ kind: 'file', data: { size }, meta });
export const dir = (children: Tree = {}, meta: Meta = {}): FixtureNode => ({ kind: 'dir', children, meta });
/** An upper-layer directory that hides what lower layers have at its path. */
export const opaque = (children: Tree = {}, meta: Meta = {}): FixtureNode => ({ kind: 'dir', children, meta, opaque: true });
export const symlink = (target: string, meta: Meta = {}): FixtureNode => ({ kind: 'symlink', target, meta });
/** Another name, in the same layer, for the file at `to` (a path from the layer root). */
export const hardlink = (to: string): FixtureNode => ({ kind: 'hardlink', to });
export const fifo = (meta: Meta = {}): FixtureNode => ({ kind: 'fifo', meta });
export const chr = (major: number, minor: number, meta: Meta = {}): FixtureNode => ({ kind: 'chr', major, minor, meta });
/** An upper-layer entry that hides the lower layers' object of the same name. */
export const whiteout = (): FixtureNode => ({ kind: 'whiteout' });
/** An upper-layer entry that lets the lower object of that name show, even in an opaque dir. */
export const fallthru = (): FixtureNode => ({ kind: 'fallthru' });

/** Walk a tree depth-first, parents before children; paths are relative to the layer root. */
export function* walk(tree: Tree, prefix = ''): Generator<[string, FixtureNode]> {
  for (const name of Object.keys(tree).sort()) {
    const node = tree[name]!;
    const path = prefix ? `${prefix}/${name}` : name;
    yield [path, node];
    if (node.kind === 'dir') yield* walk(node.children, path);
  }
}

/**
 * The merged view the union of `layers` should show before any step runs: the
 * tree a plain directory starts from when it stands in for a union (the oracle).
 */
export function merge(layers: Layers): Tree {
  const stack = [...(layers.upper ? [layers.upper] : []), ...layers.lowers];
  return mergeTrees(stack, []);
}

/** The children of the dirs named `name` in `layers`, down to the first non-dir or opaque one. */
function dirsBelow(name: string, layers: Tree[]): Tree[] {
  const out: Tree[] = [];
  for (const layer of layers) {
    const n = layer[name];
    if (!n) continue;
    if (n.kind !== 'dir') break;
    out.push(n.children);
    if (n.opaque) break;
  }
  return out;
}

/** `stack` is what lookups see; `beneath` is what only fallthrus reach (below an opaque dir). */
function mergeTrees(stack: Tree[], beneath: Tree[]): Tree {
  const out: Tree = {};
  const hidden = new Set<string>();
  for (const tree of stack) {
    for (const [name, node] of Object.entries(tree)) {
      if (hidden.has(name) || name in out) continue;
      if (node.kind === 'whiteout') { hidden.add(name); continue; }
      if (node.kind === 'fallthru') {
        const below = [...stack.slice(stack.indexOf(tree) + 1), ...beneath].find((t) => name in t && t[name]!.kind !== 'fallthru');
        if (below) out[name] = below[name]!;
        hidden.add(name);
        continue;
      }
      if (node.kind !== 'dir') { out[name] = node; hidden.add(name); continue; }
      const visible = dirsBelow(name, stack.slice(stack.indexOf(tree) + 1));
      const reachable = dirsBelow(name, beneath);
      out[name] = {
        kind: 'dir',
        meta: node.meta,
        children: node.opaque ? mergeTrees([node.children], [...visible, ...reachable]) : mergeTrees([node.children, ...visible], reachable),
      };
      hidden.add(name);
    }
  }
  return out;
}
