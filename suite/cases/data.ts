// Calls that move data between fds or shape a file's blocks, from and to lower
// files: copy_file_range, fallocate (extend, keep size, punch a hole, zero a
// range), FICLONE, writes through O_APPEND, O_TMPFILE + linkat and an O_DIRECT
// read. Reading a lower file copies nothing up; an fd open for writing has
// copied it up already ("File copyup"), so every change lands on the copy.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, KINDS, companionPaths, copiesUp, objectPath, place, placeName, type KindName, type Position } from '../positions.ts';
import { s, type Step } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';
import { dir, file, opaque, whiteout, type Layers, type Tree } from '../fixture.ts';

const FILES: KindName[] = ['file', 'empty', 'big', 'hardlinked'];
const NONEMPTY: KindName[] = ['file', 'big', 'hardlinked'];
const join = (d: string, n: string) => (d ? `${d}/${n}` : n);

/** One case per visible position and kind: `steps(p, dir)` act on the object at p. */
function family(name: string, copies: boolean, kinds: KindName[], claim: (pos: Position) => string, steps: (p: string, dir: string) => Step[]): Case[] {
  return kinds.flatMap((k) =>
    VISIBLE_POSITIONS.map((pos) => {
      const kind = KINDS[k];
      return kase(`data/${name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: claim(pos),
        layers: place(pos, kind),
        steps: steps(objectPath(pos), pos.dir),
        show: companionPaths(pos, kind),
        ...copyupNotes(pos, k, copies),
      });
    }));
}

const where = (pos: Position) => (copiesUp(pos) ? `at ${pos.name}` : `already on top (${pos.name})`);

const copyFrom = family('copyrange-from', false, FILES, (pos) => `copy_file_range() from a file ${where(pos)} into a new file reads it without copying it up`,
  (p, d) => [s.open(p, 'O_RDONLY', 'fd1'), s.open(join(d, 'n'), 'O_WRONLY|O_CREAT|O_EXCL', 'fd2', 0o644), s.copyrange('fd1', 'fd2', 64), s.close('fd2'), s.close('fd1'), s.lstat(join(d, 'n'))]);

const copyTo = family('copyrange-to', true, FILES, (pos) => `copy_file_range() into a file ${where(pos)} writes the copy made at open(O_WRONLY)`,
  (p, d) => [
    s.open(join(d, 'src'), 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'SRC'), s.close('fd1'), s.open(join(d, 'src'), 'O_RDONLY', 'fd1'),
    s.open(p, 'O_WRONLY', 'fd2'), s.copyrange('fd1', 'fd2', 64), s.close('fd2'), s.close('fd1'), s.lstat(p),
  ]);

const FALLOC: { name: string; mode: string; off: number; len: number }[] = [
  { name: 'extend', mode: '', off: 0, len: 8192 },
  { name: 'keep-size', mode: 'FALLOC_FL_KEEP_SIZE', off: 0, len: 8192 },
  { name: 'punch-hole', mode: 'FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE', off: 0, len: 4096 },
  { name: 'zero-range', mode: 'FALLOC_FL_ZERO_RANGE', off: 1, len: 3 },
];

const fallocate = FALLOC.flatMap((f) =>
  family(`fallocate/${f.name}`, true, NONEMPTY, (pos) => `fallocate(${f.mode || '0'}) on a file ${where(pos)} open for writing changes the copy only`,
    (p) => [s.open(p, 'O_RDWR', 'fd1'), s.fallocate('fd1', f.mode, f.off, f.len), s.pread('fd1', 8, 0), s.close('fd1'), s.lstat(p)]));

const ficloneFrom = family('ficlone-from', false, NONEMPTY, (pos) => `FICLONE from a file ${where(pos)} into a new file reads it without copying it up (or fails where the filesystem cannot share blocks)`,
  (p, d) => [s.open(p, 'O_RDONLY', 'fd1'), s.open(join(d, 'n'), 'O_WRONLY|O_CREAT|O_EXCL', 'fd2', 0o644), s.ficlone('fd2', 'fd1'), s.close('fd2'), s.close('fd1')]);

const ficloneTo = family('ficlone-to', true, NONEMPTY, (pos) => `FICLONE into a file ${where(pos)} open for writing changes the copy only`,
  (p, d) => [
    s.open(join(d, 'src'), 'O_RDWR|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'SRC'),
    s.open(p, 'O_RDWR', 'fd2'), s.ficlone('fd2', 'fd1'), s.close('fd2'), s.close('fd1'), s.lstat(p),
  ]);

const append = family('append', true, FILES, (pos) => `writes through O_APPEND to a file ${where(pos)} land at the end of the copy, whatever offset pwrite() names`,
  (p) => [s.open(p, 'O_WRONLY|O_APPEND', 'fd1'), s.pwrite('fd1', 'X', 0), s.write('fd1', 'Y'), s.close('fd1'), s.lstat(p)]);

const direct = family('direct-read', false, NONEMPTY, (pos) => `an O_DIRECT read of a file ${where(pos)} reads its data and copies nothing up`,
  (p) => [s.open(p, 'O_RDONLY|O_DIRECT', 'fd1'), s.dread('fd1', 4096), s.close('fd1'), s.lstat(p)]);

/**
 * Where the directory d holding f sits, for O_TMPFILE. The case names d only
 * through an fd held on the root: overlayfs reports d's ctime after the link
 * from one clock tick or the next, so the merged view leaves d out.
 */
const TMP_DIRS: { name: string; hidden: boolean; layers(entries: Tree): Layers }[] = [
  { name: 'lower', hidden: false, layers: (e) => ({ lowers: [{ d: dir(e) }] }) },
  { name: 'merged', hidden: false, layers: (e) => ({ lowers: [{ d: dir(e) }], upper: { d: dir({ other: file('other\n') }) } }) },
  { name: 'upper', hidden: false, layers: (e) => ({ lowers: [{ other: file('other\n') }], upper: { d: dir(e) } }) },
  { name: 'whiteout', hidden: true, layers: (e) => ({ lowers: [{ d: dir(e) }], upper: { d: dir(Object.fromEntries(Object.keys(e).map((n) => [n, whiteout()]))) } }) },
  { name: 'opaque', hidden: true, layers: (e) => ({ lowers: [{ d: dir(e) }], upper: { d: opaque() } }) },
];

/** O_TMPFILE in f's directory, linked in under a new name and then over f's name. */
const tmpfile: Case[] = (['file', 'dir', 'symlink'] as KindName[]).flatMap((k) =>
  TMP_DIRS.map((d) => {
    const kind = KINDS[k];
    return kase('data/tmpfile', `${d.name}-${kind.name}`, {
      spec: 'What happens when I...',
      claim: d.hidden
        ? `an O_TMPFILE file linked over a name hidden by a ${d.name} takes the name: the new file is on top, the lower object stays hidden`
        : `an O_TMPFILE file made in a ${d.name} directory is linked in under a new name on top; linking it over the visible ${kind.name} is EEXIST`,
      layers: d.layers(kind.entries('d')),
      steps: [
        s.open('/', 'O_RDONLY|O_DIRECTORY', 'H'), s.openat('H', 'd', 'O_TMPFILE|O_RDWR', 'fd1', 0o640), s.write('fd1', 'tmp\n'),
        s.linkfd('fd1', 'd/n'), s.linkfd('fd1', 'd/f'), s.close('fd1'), s.close('H'), s.lstat('d/n'), s.lstat('d/f'),
      ],
      show: kind.companions.map((c) => `d/${c}`),
      ...(d.name === 'lower' ? { accepts: ['copyup-dir-ctime' as const] } : {}),
      ...(d.name === 'merged' || d.name === 'whiteout' ? { accepts: ['tmpfile-parent-ctime' as const] } : {}),
    });
  }));

export const dataCases: Case[] = [...copyFrom, ...copyTo, ...fallocate, ...ficloneFrom, ...ficloneTo, ...append, ...direct, ...tmpfile];
