// Error variants of the copyup triggers and of namespace calls: a call that fails
// fails as on any filesystem, and copies nothing up, leaves no whiteout.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file, symlink } from '../fixture.ts';
import { lowerFile, POSITIONS } from '../positions.ts';
import { s } from '../steps.ts';
import { TRIGGERS } from './copyup.ts';

const LONG = 'n'.repeat(256); // NAME_MAX + 1

/** ENOTDIR: the trigger aimed through a file, as if it were a directory. */
const notdir: Case[] = TRIGGERS.flatMap((t) =>
  (['lower', 'upper'] as const).map((p) =>
    kase(`error/enotdir/${t.name}`, p, {
      spec: 'Pathname lookup',
      claim: `${t.name} of f/x where f is a ${p} file fails with ENOTDIR and copies nothing up`,
      layers: p === 'lower' ? { lowers: [{ f: lowerFile() }] } : { lowers: [{ other: file() }], upper: { f: lowerFile() } },
      steps: t.steps('f/x'),
      show: ['f'],
    }),
  ),
);

/** EACCES/EPERM: the trigger made by a user who may not, on a root-owned 0644 file in a 0755 dir. */
const denied: Case[] = TRIGGERS.flatMap((t) =>
  (['lower', 'lower-deep1', 'second-lower'] as const).map((p) => {
    const pos = POSITIONS[p]!;
    const path = pos.dir ? `${pos.dir}/f` : 'f';
    return kase(`error/denied/${t.name}`, p, {
      spec: 'Permission checks',
      claim: `${t.name} as another user on a root-owned 0644 ${p} file fails its permission check before any copyup`,
      layers: pos.layers({ f: lowerFile({ mode: 0o644 }) }),
      steps: s.as(s.USER, ...t.steps(path)),
      show: [path],
    });
  }),
);

const WRITE_OPENS = [
  { name: 'open-wronly', steps: (p: string) => [s.open(p, 'O_WRONLY', 'fd1')] },
  { name: 'open-rdwr', steps: (p: string) => [s.open(p, 'O_RDWR', 'fd1')] },
  { name: 'open-trunc', steps: (p: string) => [s.open(p, 'O_WRONLY|O_TRUNC', 'fd1')] },
  { name: 'truncate', steps: (p: string) => [s.truncate(p, 0)] },
];

/** EISDIR: opening or truncating a directory for writing. */
const isdir: Case[] = WRITE_OPENS.flatMap((w) =>
  (['lower', 'lower-deep1', 'second-lower', 'upper'] as const).map((p) => {
    const pos = POSITIONS[p]!;
    const path = pos.dir ? `${pos.dir}/f` : 'f';
    return kase(`error/eisdir/${w.name}`, p, {
      spec: 'File copyup',
      claim: `${w.name} of a ${p} directory fails with EISDIR; the directory is not copied up`,
      layers: pos.layers({ f: dir({ x: file() }) }),
      steps: w.steps(path),
      show: [path],
    });
  }),
);

const eloop: Case[] = [
  kase('error/eloop', 'nofollow-rdonly', {
    spec: 'Pathname lookup', claim: 'open(O_NOFOLLOW) of a lower symlink fails with ELOOP; nothing is copied up',
    layers: { lowers: [{ t: lowerFile(), l: symlink('t') }] }, steps: [s.open('l', 'O_RDONLY|O_NOFOLLOW', 'fd1')], show: ['l', 't'],
  }),
  kase('error/eloop', 'nofollow-wronly', {
    spec: 'File copyup', claim: 'open(O_WRONLY|O_NOFOLLOW) of a lower symlink fails with ELOOP before any copyup, of the link or its target',
    layers: { lowers: [{ t: lowerFile(), l: symlink('t') }] }, steps: [s.open('l', 'O_WRONLY|O_NOFOLLOW', 'fd1')], show: ['l', 't'],
  }),
  kase('error/eloop', 'loop', {
    spec: 'Pathname lookup', claim: 'two lower symlinks pointing at each other give ELOOP on open and on chmod',
    layers: { lowers: [{ a: symlink('b'), b: symlink('a') }] }, steps: [s.open('a', 'O_RDONLY', 'fd1'), s.chmod('a', 0o600)], show: ['a', 'b'],
  }),
  kase('error/eloop', 'upper-link-to-lower-loop', {
    spec: 'Pathname lookup', claim: 'a loop across layers (upper link to a lower link back to it) gives ELOOP',
    layers: { lowers: [{ b: symlink('a') }], upper: { a: symlink('b') } }, steps: [s.open('a', 'O_WRONLY', 'fd1')], show: ['a', 'b'],
  }),
];

const lowerDir = { lowers: [{ d: dir({ f: lowerFile() }) }] };
const nametoolong: Case[] = [
  { name: 'creat', steps: [s.open(`d/${LONG}`, 'O_WRONLY|O_CREAT', 'fd1', 0o644)] },
  { name: 'mkdir', steps: [s.mkdir(`d/${LONG}`)] },
  { name: 'symlink', steps: [s.symlink('f', `d/${LONG}`)] },
  { name: 'link', steps: [s.link('d/f', `d/${LONG}`)] },
  { name: 'rename', steps: [s.rename('d/f', `d/${LONG}`)] },
  { name: 'stat', steps: [s.stat(`d/${LONG}`)] },
].map(({ name, steps }) =>
  kase('error/enametoolong', name, {
    spec: 'Pathname lookup',
    claim: `${name} of a name one byte over NAME_MAX in a lower directory fails with ENAMETOOLONG; nothing is copied up`,
    layers: lowerDir, steps, show: ['d/f'],
  }),
);

/** A lower sticky directory with one file of root's and one of the user's. */
const sticky = { lowers: [{ t: dir({ root: lowerFile({ mode: 0o666 }), mine: lowerFile({ uid: 1000, gid: 1000 }) }, { mode: 0o1777 }) }] };
const stickyCases: Case[] = [
  kase('error/sticky', 'unlink-others', {
    spec: 'Permission checks', claim: "unlink() of another user's file in a lower sticky directory fails with EPERM and leaves no whiteout",
    layers: sticky, steps: s.as(s.USER, s.unlink('t/root')), show: ['t/root'],
  }),
  kase('error/sticky', 'rename-others', {
    spec: 'Permission checks', claim: "rename() of another user's file out of a lower sticky directory fails with EPERM; nothing is copied up",
    layers: sticky, steps: s.as(s.USER, s.rename('t/root', 't/moved')), show: ['t/root', 't/moved'],
  }),
  kase('error/sticky', 'unlink-own', {
    spec: 'Permission checks', claim: 'unlink() of her own file in a lower sticky directory succeeds and whites it out',
    layers: sticky, steps: s.as(s.USER, s.unlink('t/mine')), show: ['t/mine'],
  }),
  kase('error/sticky', 'write-others-writable', {
    spec: 'Permission checks', claim: "writing another user's world-writable file in a sticky directory is allowed (sticky guards names, not data): it is copied up with its owner",
    layers: sticky, steps: s.as(s.USER, s.open('t/root', 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'x\n'), s.close('fd1')), show: ['t/root'],
  }),
];

export const errorCases: Case[] = [...notdir, ...denied, ...isdir, ...eloop, ...nametoolong, ...stickyCases];
