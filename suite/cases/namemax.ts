// Names of NAME_MAX (255) bytes at every layer position: looked up, copied up,
// whited out and hidden as any other name ("Pathname lookup"); one byte more is
// ENAMETOOLONG before anything is looked up.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { ALL_POSITIONS, KINDS, copiesUp, place, type KindName, type Position } from '../positions.ts';
import type { Tree } from '../fixture.ts';
import { s } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';

const NAME = 'n'.repeat(255);
const join = (d: string, n: string) => (d ? `${d}/${n}` : n);
/** A kind's entries with its object `f` renamed to a NAME_MAX name. */
const renamed = (t: Tree): Tree => Object.fromEntries(Object.entries(t).map(([n, node]) => [n === 'f' ? NAME : n, node]));

const claim = (pos: Position, kind: string) =>
  pos.visible
    ? `a ${kind} named with 255 bytes ${copiesUp(pos) ? `at ${pos.name}` : 'on top'} is found and chmod() changes it (copying it up); a name of 256 bytes is ENAMETOOLONG`
    : `a ${kind} named with 255 bytes hidden by a ${pos.name} is ENOENT; a name of 256 bytes is ENAMETOOLONG`;

export const namemaxCases: Case[] = (['file', 'dir', 'symlink', 'fifo'] as KindName[]).flatMap((k) =>
  ALL_POSITIONS.map((pos) => {
    const kind = KINDS[k];
    const p = join(pos.dir, NAME);
    return kase('namemax', `${pos.name}-${kind.name}`, {
      spec: 'Pathname lookup',
      claim: claim(pos, kind.name),
      layers: place(pos, { ...kind, entries: (d: string) => renamed(kind.entries(d)) }),
      steps: [s.lstat(p), s.lchown(p, 1000, 1000), s.lstat(p), s.lstat(`${p}n`), s.mkdir(`${p}n`)],
      ...copyupNotes(pos, k, pos.visible),
    });
  }));
