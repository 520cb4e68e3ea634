// Timestamps across a copyup: utimensat() with nanoseconds, UTIME_NOW and
// UTIME_OMIT. The copy has the original's times ("File copyup": the same
// metadata); the call then sets exactly the times it names. Both UTIME_OMIT
// changes nothing, and so copies nothing up.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, KINDS, companionPaths, copiesUp, objectPath, place, placeName, type KindName } from '../positions.ts';
import type { TimeSpec } from '../../harness/ops/fields.ts';
import { s } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';

const NS: TimeSpec = { sec: 1300000000, nsec: 999999999 };

const SETS: { name: string; atime: TimeSpec; mtime: TimeSpec; copies: boolean }[] = [
  { name: 'omit-atime', atime: 'UTIME_OMIT', mtime: NS, copies: true },
  { name: 'omit-mtime', atime: NS, mtime: 'UTIME_OMIT', copies: true },
  { name: 'omit-both', atime: 'UTIME_OMIT', mtime: 'UTIME_OMIT', copies: false },
  { name: 'nanoseconds', atime: { sec: 1300000000, nsec: 1 }, mtime: NS, copies: true },
];

export const timesCases: Case[] = SETS.flatMap((t) =>
  (['file', 'dir', 'fifo', 'hardlinked'] as KindName[]).flatMap((k) =>
    VISIBLE_POSITIONS.map((pos) => {
      const kind = KINDS[k];
      const p = objectPath(pos);
      return kase(`times/${t.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: `utimensat(${typeof t.atime === 'string' ? t.atime : 'ns'}, ${typeof t.mtime === 'string' ? t.mtime : 'ns'}) on a ${kind.name} ${copiesUp(pos) ? `at ${pos.name}` : 'already on top'} sets exactly the times it names, to the nanosecond${t.copies ? '' : ', and copies nothing up'}`,
        layers: place(pos, kind),
        steps: [s.utimens(p, t.atime, t.mtime), s.lstat(p)],
        show: companionPaths(pos, kind),
        ...copyupNotes(pos, k, t.copies),
      });
    })));
