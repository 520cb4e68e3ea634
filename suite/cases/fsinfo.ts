// What filesystem the union reports, and permission checks by another user.
// statfs: every object of the union reports one filesystem, the union's
// (f_type and blocks), wherever its layer is. st_dev: every object reports
// the st_dev of the union's root, before and after a copyup, as on one
// filesystem. access: the permission check for another user reads the
// object's own mode and owner, whichever layer holds it ("Permission checks").
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, KINDS, companionPaths, copiesUp, objectPath, place, placeName, type KindName } from '../positions.ts';
import { file } from '../fixture.ts';
import { s } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';

const at = (pos: (typeof VISIBLE_POSITIONS)[number]) => (copiesUp(pos) ? `at ${pos.name}` : `already on top (${pos.name})`);

const statfs: Case[] = (['file', 'dir', 'symlink', 'fifo'] as KindName[]).flatMap((k) =>
  VISIBLE_POSITIONS.map((pos) => {
    const kind = KINDS[k];
    const p = objectPath(pos);
    return kase('statfs', placeName(pos, kind), {
      spec: 'Terminology',
      claim: `statfs() and fstatfs() of a ${kind.name} ${at(pos)} report the union's filesystem, the one its root reports`,
      layers: place(pos, kind),
      steps: [s.statfs(p), s.open(p, 'O_RDONLY|O_NONBLOCK', 'fd1'), s.fstatfs('fd1'), s.close('fd1')],
      show: companionPaths(pos, kind),
    });
  }));

/**
 * The free space the union reports is its top layer's: statfs() of an object and of the
 * upper directory agree on size and free counts, before and after a new file fills part
 * of it. The top layer has a filesystem of its own (upperBytes), so no other case's writes
 * move its counts between the two calls.
 */
const upperFree: Case[] = (['file', 'dir'] as KindName[]).flatMap((k) =>
  VISIBLE_POSITIONS.map((pos) => {
    const kind = KINDS[k];
    const p = objectPath(pos);
    return kase('statfs/upper-free', placeName(pos, kind), {
      spec: 'Terminology',
      claim: `statfs() of a ${kind.name} ${at(pos)} reports the top layer's block size, size and free blocks and inodes, also after a new 64 KiB file took some of them`,
      layers: { ...place(pos, kind), upperBytes: 1024 * 1024 },
      steps: [
        s.upperfree(p), s.open('n', 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'x'.repeat(64 * 1024)), s.close('fd1'),
        s.upperfree(p), s.upperfree('n'),
      ],
      show: companionPaths(pos, kind),
    });
  }));

const stdev: Case[] = (['file', 'dir', 'symlink', 'fifo', 'hardlinked'] as KindName[]).flatMap((k) =>
  VISIBLE_POSITIONS.map((pos) => {
    const kind = KINDS[k];
    const p = objectPath(pos);
    return kase('stdev', placeName(pos, kind), {
      spec: 'Terminology',
      claim: `a ${kind.name} ${at(pos)} reports the st_dev of the union's root, before and after chown() copies it up`,
      layers: place(pos, kind),
      steps: [s.stdev(p), s.lchown(p, 1000, 1000), s.stdev(p)],
      show: companionPaths(pos, kind),
      ...copyupNotes(pos, k),
    });
  }));

const PERMS: { name: string; mode: number; uid: number; gid: number }[] = [
  { name: 'root-0600', mode: 0o600, uid: 0, gid: 0 },
  { name: 'root-0644', mode: 0o644, uid: 0, gid: 0 },
  { name: 'root-0666', mode: 0o666, uid: 0, gid: 0 },
  { name: 'root-0755', mode: 0o755, uid: 0, gid: 0 },
  { name: 'group-0640', mode: 0o640, uid: 0, gid: 1000 },
  { name: 'user-0500', mode: 0o500, uid: 1000, gid: 1000 },
];

const access: Case[] = PERMS.flatMap((perm) =>
  (['', 'AT_EACCESS'] as const).flatMap((flags) =>
    VISIBLE_POSITIONS.map((pos) => {
      const p = objectPath(pos);
      const kind = { name: perm.name, entries: () => ({ f: file('hello\n', { mode: perm.mode, uid: perm.uid, gid: perm.gid }) }), companions: [] };
      return kase(`access/${flags ? 'eaccess' : 'real'}`, placeName(pos, kind), {
        spec: 'Permission checks',
        claim: `faccessat(${flags || '0'}) as uid 1000 on a file ${at(pos)} of mode 0${perm.mode.toString(8)} owned by ${perm.uid}:${perm.gid} answers from that mode and owner, for R_OK, W_OK and X_OK, and copies nothing up`,
        layers: place(pos, kind),
        steps: s.as(s.USER, s.faccessat(p, 4, flags), s.faccessat(p, 2, flags), s.faccessat(p, 1, flags), s.faccessat(p, 0, flags)),
      });
    })));

export const fsinfoCases: Case[] = [...statfs, ...upperFree, ...stdev, ...access];
