// Beyond PATH_MAX through a held directory: a process that holds (or has
// fchdir()ed into) a directory 3,855 bytes deep reaches objects below it by a
// short relative name, and creates one whose whole path is longer than
// PATH_MAX. Lookup and copyup work on names, not whole paths ("Pathname
// lookup"), so writing (a copyup of every directory above) and creating there
// work as at any depth.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file, type Tree } from '../fixture.ts';
import { s, type Step } from '../steps.ts';

/** 16 directories of 240 bytes each: 3,855 bytes, held by the case. */
const DEEP = Array.from({ length: 16 }, () => 'a'.repeat(240)).join('/');
/** Below it one more, holding f (4,058 bytes: a layer is written by paths, so no fixture goes beyond PATH_MAX). */
const BELOW = 'b'.repeat(200);
/** A name the case creates in BELOW: its whole path is 4,297 bytes. */
const LONG = `${BELOW}/${'n'.repeat(240)}`;

const deep = (entries: Tree): Tree =>
  [...DEEP.split('/'), BELOW].reverse().reduce<Tree>((t, name) => ({ [name]: dir(t) }), entries);

const POSITIONS = {
  lower: { lowers: [deep({ f: file('deep\n') })] },
  upper: { lowers: [{ other: file() }], upper: deep({ f: file('deep\n') }) },
  merged: { lowers: [deep({ f: file('deep\n') })], upper: deep({ u: file('top\n') }) },
};

const OPS: { name: string; claim: string; steps: Step[] }[] = [
  { name: 'write', claim: 'a file is written (copied up with every directory above it)', steps: [s.openat('H', `${BELOW}/f`, 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'more\n'), s.close('fd1'), s.openat('H', `${BELOW}/f`, 'O_RDONLY', 'fd2'), s.read('fd2', 16), s.close('fd2')] },
  { name: 'create', claim: 'a new file is created at a whole path of 4,297 bytes, beyond PATH_MAX', steps: [s.openat('H', LONG, 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'new\n'), s.close('fd1'), s.openat('H', LONG, 'O_RDONLY', 'fd2'), s.read('fd2', 16), s.close('fd2')] },
];

export const deeperCases: Case[] = OPS.flatMap((o) =>
  (Object.keys(POSITIONS) as (keyof typeof POSITIONS)[]).map((p) =>
    kase(`deeper/${o.name}`, p, {
      spec: 'Pathname lookup',
      claim: `through an fd held on a directory 3,855 bytes deep (${p}), ${o.claim}`,
      layers: POSITIONS[p],
      steps: [s.open(DEEP, 'O_RDONLY|O_DIRECTORY', 'H'), ...o.steps, s.close('H')],
      ...(p === 'upper' ? {} : { accepts: ['copyup-new-ctime' as const, 'copyup-dir-ctime' as const] }),
    })));
