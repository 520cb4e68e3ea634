// Where the object a case acts on sits in the layers. Families are generated
// over these rows; `path` is the object's path in the merged view.
import { dir, file, type FixtureNode, type Layers, type Tree } from './fixture.ts';

export interface Position {
  name: string;
  path: string;
  layers(node: FixtureNode): Layers;
}

/** The file every copyup case starts from: content, mode and a user xattr that copyup must carry. */
export const lowerFile = (meta = {}) => file('hello\n', { xattrs: { 'user.origin': 'lower' }, ...meta });

export const POSITIONS: Record<string, Position> = {
  lower: { name: 'lower', path: 'f', layers: (n) => ({ lowers: [{ f: n }] }) },
  'lower-deep': {
    name: 'lower-deep',
    path: 'a/b/f',
    layers: (n) => ({ lowers: [{ a: dir({ b: dir({ f: n }) }) }] }),
  },
  upper: { name: 'upper', path: 'f', layers: (n) => ({ lowers: [{ other: file() }], upper: { f: n } }) },
  both: { name: 'both', path: 'f', layers: (n) => ({ lowers: [{ f: file('lower data\n') }], upper: { f: n } }) },
  'second-lower': {
    name: 'second-lower',
    path: 'f',
    layers: (n) => ({ lowers: [{ other: file() } as Tree, { f: n }] }),
  },
};
