// renameat2() flags on a union. The spec predates them; its rename rules
// ("Notes on rename()": copyup, rename, whiteout; EXDEV for lower directories)
// carry over: NOREPLACE adds only "fail if the target exists", EXCHANGE swaps two names.
// WHITEOUT asks the filesystem to leave a whiteout of its own at the source; where
// the spec is silent we answer as kernel overlayfs does: EINVAL, nothing moves.
import type { Case } from '../dsl.ts';
import type { Layers } from '../fixture.ts';
import { kase } from '../case.ts';
import { dir, file } from '../fixture.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';

const spec = 'Notes on rename()' as const;
const two = { lowers: [{ f: lowerFile(), g: file('target\n') }] };

const WHITEOUT_RENAMES: { name: string; what: string; layers: Layers; to: string }[] = [
  { name: 'upper-file', what: 'a file only the top layer has', layers: { lowers: [{ other: file() }], upper: { f: file('top\n') } }, to: 'h' },
  { name: 'lower-file', what: 'a lower file', layers: two, to: 'h' },
  { name: 'onto-existing', what: 'a lower file onto an existing name', layers: two, to: 'g' },
];

const whiteoutCases: Case[] = WHITEOUT_RENAMES.map(({ name, what, layers, to }) => kase('renameat2/whiteout', name, {
  spec, claim: `RENAME_WHITEOUT of ${what} fails with EINVAL: a whiteout is the union's own, not a name a caller makes; nothing moves`,
  layers, steps: [s.renameat2('f', to, 'RENAME_WHITEOUT')], show: ['f', to],
  accepts: ['rename-whiteout-accepted'],
  posix: 'a plain directory carries RENAME_WHITEOUT out and leaves a whiteout device at the source, a name like any other; on a union a whiteout only hides a lower name ("Notes on rename()"), and the flag is refused',
}));

export const renameat2Cases: Case[] = [
  kase('renameat2/noreplace', 'lower-to-new', {
    spec, claim: 'RENAME_NOREPLACE of a lower file to a free name: copyup, rename, whiteout at the source',
    layers: two, steps: [s.renameat2('f', 'h', 'RENAME_NOREPLACE')], show: ['f', 'h'],
  }),
  kase('renameat2/noreplace', 'onto-lower', {
    spec, claim: 'RENAME_NOREPLACE onto a name a lower layer has fails with EEXIST; nothing is copied up',
    layers: two, steps: [s.renameat2('f', 'g', 'RENAME_NOREPLACE')], show: ['g'],
  }),
  kase('renameat2/noreplace', 'onto-whited-out', {
    spec, claim: 'RENAME_NOREPLACE onto a name that was unlinked (whited out) succeeds: the whiteout is not a name',
    layers: two, steps: [s.unlink('g'), s.renameat2('f', 'g', 'RENAME_NOREPLACE')], show: ['g'],
  }),
  kase('renameat2/noreplace', 'onto-upper', {
    spec, claim: 'RENAME_NOREPLACE onto a name only the top layer has fails with EEXIST',
    layers: { lowers: [{ f: lowerFile() }], upper: { g: file('top\n') } }, steps: [s.renameat2('f', 'g', 'RENAME_NOREPLACE')], show: ['g'],
  }),
  kase('renameat2/noreplace', 'lower-dir', {
    spec, claim: 'RENAME_NOREPLACE of a lower directory still returns EXDEV',
    layers: { lowers: [{ d: dir({ x: file() }) }] }, steps: [s.renameat2('d', 'e', 'RENAME_NOREPLACE')], show: ['d', 'e'],
    accepts: ['redirect-dir'], posix: 'POSIX renames any directory; the spec returns EXDEV for a lower directory ("Notes on rename()")',
  }),
  kase('renameat2/exchange', 'lower-lower', {
    spec, claim: 'RENAME_EXCHANGE of two lower files copies both up and swaps them',
    layers: two, steps: [s.renameat2('f', 'g', 'RENAME_EXCHANGE')], show: ['f', 'g'],
  }),
  kase('renameat2/exchange', 'upper-lower', {
    spec, claim: 'RENAME_EXCHANGE of a top-layer file with a lower file copies the lower one up and swaps them',
    layers: { lowers: [{ g: file('lower\n') }], upper: { f: file('top\n') } }, steps: [s.renameat2('f', 'g', 'RENAME_EXCHANGE')], show: ['f', 'g'],
  }),
  kase('renameat2/exchange', 'missing', {
    spec, claim: 'RENAME_EXCHANGE with a missing second name fails with ENOENT; nothing is copied up',
    layers: two, steps: [s.renameat2('f', 'nothing', 'RENAME_EXCHANGE')], show: ['f'],
  }),
  kase('renameat2/exchange', 'upper-dirs', {
    spec, claim: 'RENAME_EXCHANGE of two directories that exist only on top succeeds',
    layers: { lowers: [{ other: file() }], upper: { d: dir({ x: file() }), e: dir({ y: file() }) } },
    steps: [s.renameat2('d', 'e', 'RENAME_EXCHANGE'), s.listdir('d'), s.listdir('e')],
  }),
  kase('renameat2/exchange', 'lower-dir', {
    spec, claim: 'RENAME_EXCHANGE involving a lower directory returns EXDEV',
    layers: { lowers: [{ d: dir({ x: file() }) }], upper: { e: dir({ y: file() }) } },
    steps: [s.renameat2('d', 'e', 'RENAME_EXCHANGE'), s.listdir('d'), s.listdir('e')],
    accepts: ['redirect-dir'], posix: 'POSIX exchanges any two directories; the spec returns EXDEV for a lower directory ("Notes on rename()")',
  }),
  ...whiteoutCases,
];
