// Held directories: an fd on a directory a process keeps (its cwd after
// fchdir(), or an fd for openat()) while the union changes around it, and
// directory streams over a merged directory of 10,000 entries.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, KINDS, companionPaths, copiesUp, objectPath, place, placeName, type KindName } from '../positions.ts';
import { dir, empty, hardlink, whiteout, type Layers, type Tree } from '../fixture.ts';
import { s, type Step } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';

const join = (d: string, n: string) => (d ? `${d}/${n}` : n);

/** An fd on a directory across rmdir() and mkdir() of its name: the old directory is gone, the new one is opaque. */
const rmdirMkdir: Case[] = VISIBLE_POSITIONS.map((pos) => {
  const p = objectPath(pos);
  return kase('held/rmdir-mkdir', placeName(pos, KINDS.dir), {
    spec: 'What happens when I...',
    claim: `an fd and a stream held on a directory ${copiesUp(pos) ? `at ${pos.name}` : 'on top'} still name the removed directory after rmdir() and mkdir() of its name: nothing can be created through it and it lists nothing; the new directory is empty (opaque over the lower one)`,
    layers: place(pos, KINDS.dir),
    steps: [
      s.open(p, 'O_RDONLY|O_DIRECTORY', 'H'), s.opendir(p, 'D'), s.unlink(join(p, 'x')), s.rmdir(p), s.mkdir(p),
      s.openat('H', 'y', 'O_WRONLY|O_CREAT|O_EXCL', 'fd2', 0o644), s.readrest('D'), s.listdir(p), s.closedir('D'), s.close('H'),
    ],
  });
});

/** Opens through an fd held on the object's directory, as a process does after fchdir() into it. */
const OPENERS: { name: string; claim: string; copies: boolean; steps(n: string): Step[] }[] = [
  { name: 'rdonly', claim: 'reading copies nothing up', copies: false, steps: (n) => [s.openat('H', n, 'O_RDONLY', 'fd1'), s.read('fd1', 16), s.close('fd1')] },
  { name: 'wronly', claim: 'open(O_WRONLY) copies the file up and the write lands on the copy', copies: true, steps: (n) => [s.openat('H', n, 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')] },
  { name: 'rdwr', claim: 'open(O_RDWR) copies the file up', copies: true, steps: (n) => [s.openat('H', n, 'O_RDWR', 'fd1'), s.close('fd1')] },
  { name: 'trunc', claim: 'open(O_TRUNC) copies the file up with no data', copies: true, steps: (n) => [s.openat('H', n, 'O_WRONLY|O_TRUNC', 'fd1'), s.close('fd1')] },
  { name: 'creat', claim: 'a new file is created on top in the same directory', copies: false, steps: () => [s.openat('H', 'n', 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'new\n'), s.close('fd1')] },
];

const openat: Case[] = OPENERS.flatMap((o) =>
  (['file', 'big', 'hardlinked'] as KindName[]).flatMap((k) =>
    VISIBLE_POSITIONS.map((pos) => {
      const kind = KINDS[k];
      const p = objectPath(pos);
      return kase(`held/openat-${o.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: `through an fd held on the directory of a ${kind.name} ${copiesUp(pos) ? `at ${pos.name}` : 'on top'}, ${o.claim}, as through its path`,
        layers: place(pos, kind),
        steps: [s.open(pos.dir || '/', 'O_RDONLY|O_DIRECTORY', 'H'), ...o.steps('f'), s.close('H'), s.lstat(p), s.lstat(join(pos.dir, 'n'))],
        show: companionPaths(pos, kind),
        ...copyupNotes(pos, k, o.copies),
      });
    })));

/**
 * fchdir() into the object's directory, the fd closed (the working directory alone holds it),
 * then a copyup by a name relative to the working directory.
 */
const fchdirCopyup: Case[] = (['file', 'big', 'hardlinked'] as KindName[]).flatMap((k) =>
  VISIBLE_POSITIONS.map((pos) => {
    const kind = KINDS[k];
    const p = objectPath(pos);
    return kase('held/fchdir-copyup', placeName(pos, kind), {
      spec: 'File copyup',
      claim: `after fchdir() into the directory of a ${kind.name} ${copiesUp(pos) ? `at ${pos.name}` : 'on top'}, open(O_WRONLY) of its name relative to the working directory copies it up (when below) and the write lands on the copy, which a read through the working directory and the path both show`,
      layers: place(pos, kind),
      steps: [
        s.open(pos.dir || '/', 'O_RDONLY|O_DIRECTORY', 'H'), s.fchdir('H'), s.close('H'),
        s.opencwd('f', 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1'),
        s.opencwd('f', 'O_RDONLY', 'fd2'), s.read('fd2', 16), s.close('fd2'), s.lstat(p),
      ],
      show: companionPaths(pos, kind),
      ...copyupNotes(pos, k),
    });
  }));

const entry = (n: number) => `e${String(n).padStart(5, '0')}`;
/**
 * Entries from..to-1 of a big directory d: the first an empty file, the rest
 * hard links to it, which a layer writer makes in one call each (a file takes four).
 */
const names = (from: number, to: number): Tree =>
  Object.fromEntries(Array.from({ length: to - from }, (_, i) => [entry(from + i), i === 0 ? empty() : hardlink(`d/${entry(from)}`)]));
const inD = (t: Tree): Tree => ({ d: dir(t) });
/** Whiteouts of every tenth entry (not the first, the file the others are links to). */
const every10th = (t: Tree): Tree => Object.fromEntries(Object.keys(t).filter((_, i) => i % 10 === 5).map((n) => [n, whiteout()]));

const BIG: { name: string; claim: string; layers: Layers }[] = [
  { name: 'lower', claim: '10,000 entries of one lower layer', layers: { lowers: [inD(names(0, 10000))] } },
  { name: 'split', claim: '5,000 entries on top and 5,000 in a lower layer', layers: { lowers: [inD(names(0, 5000))], upper: inD(names(5000, 10000)) } },
  { name: 'three-lowers', claim: '10,000 entries spread over three lower layers', layers: { lowers: [inD(names(0, 4000)), inD(names(4000, 7000)), inD(names(7000, 10000))] } },
  { name: 'duplicates', claim: '10,000 lower entries, half of them also on top', layers: { lowers: [inD(names(0, 10000))], upper: inD(names(0, 5000)) } },
  { name: 'whiteouts', claim: '10,000 lower entries, every tenth whited out and 1,000 new ones on top', layers: { lowers: [inD(names(0, 10000))], upper: inD({ ...every10th(names(0, 10000)), ...names(10000, 11000) }) } },
];

const bigReaddir: Case[] = BIG.map((b) =>
  kase('held/big-readdir', b.name, {
    spec: 'Directory copyup',
    claim: `a merged directory of ${b.claim} lists each visible name once, and seekdir() to every 100th telldir() position resumes at the entry read there`,
    layers: b.layers,
    steps: [s.opendir('d', 'D'), s.seekscan('D', 100), s.closedir('D')],
  }));

export const heldCases: Case[] = [...rmdirMkdir, ...openat, ...fchdirCopyup, ...bigReaddir];
