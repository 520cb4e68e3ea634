// unlink() and rmdir() leave whiteouts exactly where a lower layer has the name; mkdir over one is opaque.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file, symlink, whiteout } from '../fixture.ts';
import { KINDS, lowerFile, objectPath, place, POSITIONS } from '../positions.ts';
import { s } from '../steps.ts';

const spec = 'Terminology' as const;

const unlinks: Case[] = (['lower', 'lower-deep', 'upper', 'both', 'second-lower'] as const).map((p) => {
  const pos = POSITIONS[p]!;
  return kase('unlink/file', p, {
    spec, claim: 'unlink() removes the name; a whiteout is created only if a lower layer has the name',
    layers: place(pos, KINDS.file), steps: [s.unlink(objectPath(pos)), s.stat(objectPath(pos))],
  });
});

export const removeCases: Case[] = [
  ...unlinks,
  kase('unlink/symlink', 'lower', {
    spec, claim: 'unlink() of a lower symlink whites it out; its target is untouched',
    layers: { lowers: [{ t: lowerFile(), l: symlink('t') }] }, steps: [s.unlink('l'), s.lstat('l')], show: ['t'],
  }),
  kase('unlink/file', 'recreate', {
    spec, claim: 'creating a name again after unlink() replaces the whiteout with the new file; the lower data does not come back',
    layers: { lowers: [{ f: lowerFile() }] },
    // fd0 keeps the old object alive, so no filesystem can hand its inode number to the new file.
    steps: [s.open('f', 'O_RDONLY', 'fd0'), s.unlink('f'), s.open('f', 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'new\n'), s.close('fd1'), s.pread('fd0', 64, 0)],
  }),
  kase('rmdir', 'lower-empty', {
    spec, claim: 'rmdir() of an empty lower directory leaves a whiteout',
    layers: { lowers: [{ d: dir() }] }, steps: [s.rmdir('d'), s.stat('d')],
  }),
  kase('rmdir', 'lower-nonempty', {
    spec, claim: 'rmdir() of a lower directory with visible entries fails with ENOTEMPTY and leaves no whiteout',
    layers: { lowers: [{ d: dir({ x: file() }) }] }, steps: [s.rmdir('d'), s.listdir('d')],
  }),
  kase('rmdir', 'merged-emptied', {
    spec, claim: 'rmdir() of a merged directory whose visible entries were all removed succeeds: whiteouts are not entries',
    layers: { lowers: [{ d: dir({ x: file(), y: file() }) }], upper: { d: dir({ z: file() }) } },
    steps: [s.unlink('d/x'), s.unlink('d/y'), s.unlink('d/z'), s.listdir('d'), s.rmdir('d'), s.stat('d')],
  }),
  kase('rmdir', 'upper-only', {
    spec, claim: 'rmdir() of a directory that exists only on top leaves no whiteout',
    layers: { lowers: [{ other: file() }], upper: { d: dir() } }, steps: [s.rmdir('d'), s.stat('d')],
  }),
  kase('rmdir', 'second-lower', {
    spec, claim: 'rmdir() of a directory in the second lower layer leaves a whiteout',
    layers: { lowers: [{ other: file() }, { d: dir() }] }, steps: [s.rmdir('d'), s.stat('d')],
  }),
  kase('mkdir', 'over-whiteout', {
    spec, claim: 'mkdir() over a whiteout already in the upper layer creates an opaque directory: the lower entries stay hidden',
    layers: { lowers: [{ d: dir({ x: file() }) }], upper: { d: whiteout() } },
    steps: [s.stat('d'), s.mkdir('d', 0o755), s.listdir('d'), s.stat('d/x')],
  }),
  kase('mkdir', 'over-file-whiteout', {
    spec, claim: 'mkdir() where a lower file was unlinked creates an opaque directory on top',
    layers: { lowers: [{ d: lowerFile() }] }, steps: [s.open('d', 'O_RDONLY', 'fd0'), s.unlink('d'), s.mkdir('d', 0o755), s.listdir('d')],
  }),
  kase('mkdir', 'existing-lower', {
    spec, claim: 'mkdir() of a name a lower layer has fails with EEXIST and changes nothing',
    layers: { lowers: [{ d: dir({ x: file() }) }] }, steps: [s.mkdir('d', 0o755)],
  }),
  kase('mkdir', 'in-lower-dir', {
    spec, claim: 'mkdir() inside a lower-only directory creates the parent on top as needed, the new dir is not opaque',
    layers: { lowers: [{ a: dir({ x: file() }) }] }, steps: [s.mkdir('a/new', 0o755), s.listdir('a')],
  }),
];
