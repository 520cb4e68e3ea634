// Paths at the PATH_MAX boundary: lookup reaches objects of every layer through
// a relative path of PATH_MAX-1 bytes below the union, as on any filesystem;
// a missing name there is ENOENT, and one byte more is ENAMETOOLONG.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file, type Tree } from '../fixture.ts';
import { s, type Step } from '../steps.ts';
import type { Tag } from '../tags.ts';

const PATH_MAX = 4096;
/** 16 directories of 240 bytes each: 3,855 bytes. */
const DEEP = Array.from({ length: 16 }, () => 'a'.repeat(240)).join('/');
/** A name in the deep directory that makes the whole path PATH_MAX-1 bytes long. */
const at = (c: string) => `${DEEP}/${c.repeat(PATH_MAX - 1 - DEEP.length - 1)}`;

/** The deep directory holding `entries`, as a tree. */
const deep = (entries: Tree): Tree =>
  DEEP.split('/').reverse().reduce<Tree>((t, name) => ({ [name]: dir(t) }), entries);

const objects = (): Tree => ({ [at('f').split('/').pop()!]: file('deep\n'), [at('e').split('/').pop()!]: dir() });

/** Where the deep directory and its objects are. */
const POSITIONS = {
  lower: { lowers: [deep(objects())] },
  upper: { lowers: [{ other: file() }], upper: deep(objects()) },
  merged: { lowers: [deep(objects())], upper: deep({ [at('u').split('/').pop()!]: file('top\n') }) },
};

const OPS: { name: string; claim: string; steps: Step[]; accepts?: Tag[] }[] = [
  { name: 'create', claim: 'a new file is created', steps: [s.open(at('n'), 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'new\n'), s.close('fd1')] },
  { name: 'stat', claim: 'stat() finds the object', steps: [s.stat(at('f'))] },
  { name: 'chmod', claim: 'chmod() changes the mode (copying a lower object up)', steps: [s.chmod(at('f'), 0o600)] },
  { name: 'chown', claim: 'chown() changes the owner (copying a lower object up)', steps: [s.chown(at('f'), 1000, 1000)] },
  { name: 'truncate', claim: 'truncate() changes the size (copying a lower object up)', steps: [s.truncate(at('f'), 2)] },
  { name: 'link', claim: 'link() makes a second name', steps: [s.link(at('f'), at('g'))], accepts: ['userns-no-origin'] },
  { name: 'rename', claim: 'rename() of a file moves it', steps: [s.rename(at('f'), at('g'))] },
  { name: 'mkfifo', claim: 'mknod() makes a fifo', steps: [s.mkfifo(at('p'))] },
  { name: 'mknod', claim: 'mknod() makes a character device', steps: [s.mknod(at('c'), 'chr', 1, 3)] },
  { name: 'symlink', claim: 'symlink() makes a link', steps: [s.symlink('target', at('l')), s.readlink(at('l'))] },
  { name: 'unlink', claim: 'unlink() removes the name', steps: [s.unlink(at('f'))] },
  { name: 'rmdir', claim: 'rmdir() removes an empty directory', steps: [s.rmdir(at('e'))] },
  { name: 'missing', claim: 'a missing name is ENOENT, not ENAMETOOLONG', steps: [s.stat(at('m')), s.unlink(at('m')), s.rmdir(at('m'))] },
  { name: 'beyond', claim: 'a path of PATH_MAX bytes is ENAMETOOLONG', steps: [s.stat(`${at('f')}f`), s.open(`${at('n')}n`, 'O_WRONLY|O_CREAT', 'fd1', 0o644)] },
];

export const depthCases: Case[] = OPS.flatMap((o) =>
  (Object.keys(POSITIONS) as (keyof typeof POSITIONS)[]).map((p) =>
    kase(`depth/${o.name}`, p, {
      spec: 'Pathname lookup',
      claim: `at a relative path of PATH_MAX-1 bytes in a ${p} directory, ${o.claim}, as at any depth`,
      layers: POSITIONS[p],
      steps: o.steps,
      ...(o.accepts ? { accepts: o.accepts } : {}),
    })));
