// readdir() of merged directories: each name once, top layer first, whiteouts and format objects hidden.
// These cases check what a listing shows. The spec's directory copyup (fallthrus
// written on the first readdir) is checked once, by what-happens/readdir-shareddir;
// here the listing is an observation and the golden upper layer is not expected to change.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { chr, dir, fallthru, fifo, file, opaque, symlink, whiteout } from '../fixture.ts';
import { s } from '../steps.ts';

const spec = 'Directory copyup' as const;
const r = (name: string, claim: string, layers: Case['layers'], extra: Partial<Case> = {}) =>
  kase('readdir', name, { spec, claim, layers, steps: [s.listdir('d')], ...extra });

export const readdirCases: Case[] = [
  r('duplicates', 'a name in both layers is listed once, as the top layer has it',
    { lowers: [{ d: dir({ a: file('lower a\n'), b: file() }) }], upper: { d: dir({ a: file('upper a\n'), c: file() }) } },
    { show: ['d/a'] }),
  r('duplicates-three-layers', 'a name in three layers is listed once; the topmost copy is the one seen',
    { lowers: [{ d: dir({ a: file('l0\n'), x: file() }) }, { d: dir({ a: file('l1\n'), y: file() }) }], upper: { d: dir({ a: file('up\n'), z: file() }) } },
    { show: ['d/a'] }),
  r('whiteouts', 'whited-out names are not listed and whiteouts themselves never show',
    { lowers: [{ d: dir({ a: file(), b: file(), c: file() }) }], upper: { d: dir({ b: whiteout() }) } },
    { show: ['d/b'] }),
  r('opaque', 'an opaque top directory hides every lower entry',
    { lowers: [{ d: dir({ a: file(), b: file() }) }], upper: { d: opaque({ c: file() }) } },
    { show: ['d/a'] }),
  r('dir-over-file', 'a top directory covering a lower file of the same name hides it completely',
    { lowers: [{ d: file('lower file\n') }], upper: { d: opaque({ c: file() }) } }),
  r('d-type', 'every object kind is listed with its d_type, lower and upper alike',
    { lowers: [{ d: dir({ f: file(), sub: dir(), l: symlink('f'), p: fifo(), c: chr(1, 3) }) }], upper: { d: dir({ uf: file(), usub: dir() }) } }),
  r('after-unlink', 'names unlinked through the union vanish from the listing at once',
    { lowers: [{ d: dir({ a: file(), b: file() }) }] },
    { steps: [s.unlink('d/a'), s.listdir('d')] }),
  r('stream-across-copyup', 'a directory stream read to its end, rewound to a telldir() position taken before a copyup of one entry, reads the same names again, none twice',
    { lowers: [{ d: dir({ a: file(), b: file(), c: file() }) }], upper: { d: dir({ u: file() }) } },
    {
      steps: [s.opendir('d', 'D'), s.telldir('D'), s.readrest('D'), s.chmod('d/b', 0o600), s.seekdir('D', 1), s.readrest('D'), s.closedir('D')],
      posix: 'a copyup creates the copy in the top-layer directory, so that directory\'s ctime changes; on a plain directory chmod of an entry leaves the directory alone ("File copyup")',
    }),
  r('stream-across-unlink', 'a stream rewound after an unlink through the union reads the remaining names; the unlinked one may or may not show (POSIX leaves it open), but nothing shows twice',
    { lowers: [{ d: dir({ a: file(), b: file() }) }] },
    { steps: [s.opendir('d', 'D'), s.telldir('D'), s.readrest('D'), s.open('d/new', 'O_WRONLY|O_CREAT', 'fd1', 0o644), s.close('fd1'), s.seekdir('D', 1), s.readrest('D'), s.closedir('D'), s.listdir('d')] }),
  r('stream-three-layers', 'a stream over three layers returns each name once',
    { lowers: [{ d: dir({ a: file(), x: file() }) }, { d: dir({ a: file(), y: file(), x: file() }) }], upper: { d: dir({ a: file(), z: file() }) } },
    { steps: [s.opendir('d', 'D'), s.readrest('D'), s.closedir('D')] }),
  r('lower-only', 'a directory only in a lower layer lists its entries, with d_ino equal to what stat() reports',
    { lowers: [{ d: dir({ a: file(), b: file() }) }] },
    { steps: [s.listdir('d'), s.stat('d/a'), s.stat('d/b')] }),
];

/** "Link count on directories will be wrong before readdir() (fixable)": after a readdir it must be right. */
export const dirLinkCountCases: Case[] = [
  kase('readdir/nlink', 'merged-after-readdir', {
    spec: 'Known non-POSIX behaviors',
    claim: 'after a readdir a merged directory has the POSIX link count: 2 + its visible subdirectories, from every layer, once each',
    layers: { lowers: [{ d: dir({ a: dir(), b: dir(), f: file() }) }], upper: { d: dir({ b: dir(), c: dir() }) } },
    steps: [s.listdir('d'), s.nlink('d')],
    accepts: ['merged-dir-nlink'],
  }),
  kase('readdir/nlink', 'lower-only-after-readdir', {
    spec: 'Known non-POSIX behaviors',
    claim: 'after a readdir a lower-only directory has the POSIX link count',
    layers: { lowers: [{ d: dir({ a: dir(), b: dir() }) }] },
    steps: [s.listdir('d'), s.nlink('d')],
    accepts: ['merged-dir-nlink'],
  }),
  kase('readdir/nlink', 'whiteout-subdir-after-readdir', {
    spec: 'Known non-POSIX behaviors',
    claim: 'a subdirectory removed through the union no longer counts once the directory has been read',
    layers: { lowers: [{ d: dir({ a: dir(), b: dir() }) }] },
    steps: [s.rmdir('d/a'), s.listdir('d'), s.nlink('d')],
    accepts: ['merged-dir-nlink'],
  }),
];

/** Fallthrus (Terminology): no on-disk format in use has them, so these are skipped wherever the format cannot hold one. */
export const fallthruCases: Case[] = [
  kase('fallthru', 'overrides-opaque', {
    spec: 'Terminology',
    claim: 'a fallthru in an opaque top directory lets that one lower entry show; the others stay hidden',
    layers: { lowers: [{ d: dir({ a: file('lower a\n'), b: file() }) }], upper: { d: opaque({ a: fallthru(), c: file('top\n') }) } },
    steps: [s.listdir('d'), s.stat('d/b')],
    show: ['d/a'],
  }),
];
