// The random layer tree: 1-3 lowers and an optional upper pre-state, in the
// fixture language, over a small name universe so that the layers overlap.
import fc from 'fast-check';
import { merge, walk, type FixtureNode, type Layers, type Meta, type Tree } from '../../suite/fixture.ts';

/** Top-level names the trees use; programs also name TOP_NEW, which no tree has. */
export const TOP = ['a', 'b', 'c', 'd'] as const;
export const TOP_NEW = ['e'] as const;
export const CHILD = ['x', 'y'] as const;
export const GRANDCHILD = 'z';

const USER = 1000;

type Kind = 'file' | 'dir' | 'special';

const MODES: Record<Kind, number[]> = {
  file: [0o644, 0o600, 0o755, 0o444, 0o000, 0o4755],
  dir: [0o755, 0o700, 0o1777, 0o555],
  special: [0o644, 0o600, 0o666],
};

/** user.* xattrs exist only on files and directories. */
const meta = (kind: Kind): fc.Arbitrary<Meta> =>
  fc.tuple(fc.option(fc.constantFrom(...MODES[kind])), fc.constantFrom(0, USER),
    kind === 'special' ? fc.constant({}) : fc.dictionary(fc.constantFrom('user.a', 'user.b'), fc.constantFrom('1', 'two'), { maxKeys: 2 }))
    .map(([mode, uid, xattrs]) => ({ ...(mode === null ? {} : { mode }), ...(uid ? { uid, gid: uid } : {}), ...(Object.keys(xattrs).length ? { xattrs } : {}) }));

/** Symlink targets: names in the trees (so loops too), a child, a name no tree has, the parent. */
const LINK_TARGETS = [...TOP, ...TOP_NEW, 'a/x', 'x', 'nowhere', '.'];

const leaf = (layer: number): fc.Arbitrary<FixtureNode> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(`lower${layer}\n`, '', 'hello\n'), meta('file')).map(([data, m]): FixtureNode => ({ kind: 'file', data, meta: m })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...LINK_TARGETS), fc.constantFrom(0, USER)).map(([target, uid]): FixtureNode => ({ kind: 'symlink', target, meta: uid ? { uid, gid: uid } : {} })) },
    { weight: 2, arbitrary: fc.constantFrom(...TOP, 'a/x', 'b/y').map((to): FixtureNode => ({ kind: 'hardlink', to })) },
    { weight: 1, arbitrary: meta('special').map((m): FixtureNode => ({ kind: 'fifo', meta: m })) },
    { weight: 1, arbitrary: meta('special').map((m): FixtureNode => ({ kind: 'chr', major: 1, minor: 3, meta: m })) },
  );

const WHITEOUT: FixtureNode = { kind: 'whiteout' };

const dirOf = (children: Tree, m: Meta, opaque: boolean): FixtureNode => ({ kind: 'dir', children, meta: m, ...(opaque ? { opaque: true } : {}) });

/** An entry at some depth: a leaf, a directory (above the deepest level), or in the upper a whiteout. */
function entry(layer: number, upper: boolean, depth: number): fc.Arbitrary<FixtureNode> {
  const choices = [
    { weight: 3, arbitrary: leaf(layer) },
    ...(upper ? [{ weight: 1, arbitrary: fc.constant(WHITEOUT) }] : []),
  ];
  if (depth < 2) {
    const names = depth === 0 ? CHILD : [GRANDCHILD];
    const kids = fc.record(Object.fromEntries(names.map((n) => [n, fc.option(entry(layer, upper, depth + 1), { freq: 2 })])));
    choices.push({ weight: 2, arbitrary: fc.tuple(kids, meta('dir'), upper ? fc.boolean() : fc.constant(false)).map(([k, m, o]) => dirOf(compact(k), m, o)) });
  }
  return fc.oneof(...choices);
}

function compact(t: Record<string, FixtureNode | null>): Tree {
  const out: Tree = {};
  for (const [k, v] of Object.entries(t)) if (v) out[k] = v;
  return out;
}

const tree = (layer: number, upper: boolean): fc.Arbitrary<Tree> =>
  fc.record(Object.fromEntries(TOP.map((n) => [n, fc.option(entry(layer, upper, 0), { freq: 2 })]))).map(compact);

/** 1-3 lowers and an optional upper, made well formed by repair. */
export const layersArb: fc.Arbitrary<Layers> = fc
  .tuple(tree(0, false), fc.option(tree(1, false), { freq: 2 }), fc.option(tree(2, false), { freq: 2 }), fc.option(tree(9, true), { freq: 2 }))
  .map(([l0, l1, l2, upper]) => {
    const lowers = [l0, ...(l1 ? [l1] : []), ...(l2 ? [l2] : [])];
    return repair(upper ? { lowers, upper } : { lowers });
  });

/**
 * What the fixture language needs: a hard link names an earlier (in walk order) object of its
 * own layer that is no directory. And the oracle writes the merged tree, links included, so
 * a link and its target either both show in the merged view as themselves, or neither does
 * (a plain directory cannot hold a name the union hides). Any other link becomes a file.
 */
export function repair(l: Layers): Layers {
  const fixed: Layers = { lowers: l.lowers.map((t) => fixLinks(t, t)), ...(l.upper ? { upper: fixLinks(l.upper, l.upper) } : {}) };
  const merged = new Map(walk(merge(fixed)));
  for (const t of [...(fixed.upper ? [fixed.upper] : []), ...fixed.lowers]) {
    const own = new Map(walk(t));
    for (const [path, n] of own) {
      if (n.kind === 'hardlink' && (merged.get(path) === n) !== (merged.get(n.to) === own.get(n.to))) replace(t, path, UNLINKED);
    }
  }
  return fixed;
}

const UNLINKED: FixtureNode = { kind: 'file', data: 'unlinked\n', meta: {} };

/** A copy of `t` (a subtree of `root` at `prefix`) with every ill-formed hard link made a file. */
function fixLinks(t: Tree, root: Tree, prefix = ''): Tree {
  const order = [...walk(root)].map(([p]) => p);
  const nodes = new Map(walk(root));
  const out: Tree = {};
  for (const [name, n] of Object.entries(t)) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (n.kind === 'dir') out[name] = { ...n, children: fixLinks(n.children, root, path) };
    else if (n.kind === 'hardlink') {
      const to = nodes.get(n.to);
      const ok = to !== undefined && ['file', 'symlink', 'fifo', 'chr'].includes(to.kind) && order.indexOf(n.to) < order.indexOf(path);
      out[name] = ok ? n : UNLINKED;
    } else out[name] = n;
  }
  return out;
}

function replace(t: Tree, path: string, n: FixtureNode): void {
  const parts = path.split('/');
  let cur = t;
  for (const p of parts.slice(0, -1)) {
    const d = cur[p];
    if (d?.kind !== 'dir') return;
    cur = d.children;
  }
  cur[parts.at(-1)!] = n;
}
