// "Notes on rename()": files are copied up, renamed and whited out; lower directories give EXDEV.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file } from '../fixture.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';

const spec = 'Notes on rename()' as const;
const exdev = 'POSIX renames any directory; the spec returns EXDEV for a directory that exists on a lower layer ("Notes on rename()")';

export const renameCases: Case[] = [
  kase('rename/file', 'lower', {
    spec, claim: 'rename of a lower file: copyup, rename of the copy, whiteout at the source',
    layers: { lowers: [{ f: lowerFile() }] }, steps: [s.rename('f', 'g')],
  }),
  kase('rename/file', 'lower-over-lower', {
    spec, claim: 'rename of a lower file over another lower file replaces the target on top and whites out the source',
    layers: { lowers: [{ f: lowerFile(), g: file('target\n') }] }, steps: [s.rename('f', 'g')],
  }),
  kase('rename/file', 'lower-deep-to-root', {
    spec, claim: 'rename of a file two lower-only directories down to the root: copyup, rename, whiteout in the (now upper) parent',
    layers: { lowers: [{ a: dir({ b: dir({ f: lowerFile() }) }) }] }, steps: [s.rename('a/b/f', 'g'), s.listdir('a/b')],
  }),
  kase('rename/file', 'upper-only', {
    spec, claim: 'rename of a file that exists only on top is a plain rename: no whiteout',
    layers: { lowers: [{ other: file() }], upper: { f: file('top\n') } }, steps: [s.rename('f', 'g')],
  }),
  kase('rename/file', 'both', {
    spec, claim: 'rename of a file that is on top and below: the top file moves, a whiteout covers the lower one',
    layers: { lowers: [{ f: file('lower\n') }], upper: { f: file('upper\n') } }, steps: [s.rename('f', 'g')],
  }),
  kase('rename/dir', 'lower', {
    spec, claim: 'rename of a directory that exists on a lower layer returns EXDEV and changes nothing',
    layers: { lowers: [{ d: dir({ x: file() }) }] }, steps: [s.rename('d', 'e'), s.listdir('d')], show: ['e'],
    accepts: ['redirect-dir'], posix: exdev,
  }),
  kase('rename/dir', 'merged', {
    spec, claim: 'rename of a directory on top and below (merged) returns EXDEV',
    layers: { lowers: [{ d: dir({ x: file() }) }], upper: { d: dir({ y: file() }) } }, steps: [s.rename('d', 'e'), s.listdir('d')], show: ['e'],
    accepts: ['redirect-dir'], posix: exdev,
  }),
  kase('rename/dir', 'lower-empty', {
    spec, claim: 'rename of an empty lower directory also returns EXDEV (the rule is about layers, not contents)',
    layers: { lowers: [{ d: dir() }] }, steps: [s.rename('d', 'e')], show: ['d', 'e'],
    accepts: ['redirect-dir'], posix: exdev,
  }),
  kase('rename/dir', 'upper-only', {
    spec, claim: 'rename of a directory that exists only on the topmost layer succeeds',
    layers: { lowers: [{ other: file() }], upper: { d: dir({ y: file() }) } }, steps: [s.rename('d', 'e'), s.listdir('e')], show: ['d'],
  }),
  kase('rename/dir', 'new-upper', {
    spec, claim: 'a directory made by mkdir() in the union is topmost-only and can be renamed',
    layers: { lowers: [{ other: file() }] }, steps: [s.mkdir('d'), s.mkdir('d/sub'), s.rename('d', 'e'), s.listdir('e')], show: ['d'],
  }),
];
