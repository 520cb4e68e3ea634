// Security attributes across a copyup: file capabilities (security.capability),
// the setuid/setgid bits, and the trusted.* and security.* namespaces. The copy
// has "the same metadata" as the original ("Terminology", "File copyup"), so
// these come up with it; then the kernel's own rules apply to the copy as to
// any file: a write or a chown drops file capabilities, a write by a user
// without CAP_FSETID drops setuid (and setgid where the group may execute).
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, companionPaths, copiesUp, objectPath, place, placeName, type Kind } from '../positions.ts';
import { dir, file, hardlink, type Meta } from '../fixture.ts';
import { s, type Step } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';

const join = (d: string, n: string) => (d ? `${d}/${n}` : n);
/** VFS_CAP_REVISION_2, effective, with CAP_NET_BIND_SERVICE permitted: 20 bytes, every one below 0x80. */
const CAPS = '\x01\x00\x00\x02\x00\x04\x00\x00' + '\x00'.repeat(12);

const kinds = (meta: Meta, data = 'hello\n'): Kind[] => [
  { name: 'file', entries: () => ({ f: file(data, meta) }), companions: [] },
  { name: 'hardlinked', entries: (d: string) => ({ f: file(data, meta), g: hardlink(join(d, 'f')) }), companions: ['g'] },
];

const where = (pos: (typeof VISIBLE_POSITIONS)[number]) => (copiesUp(pos) ? `a lower file (${pos.name})` : `a file already on top (${pos.name})`);

const CAP_TRIGGERS: { name: string; kills: boolean; steps(p: string): Step[] }[] = [
  { name: 'write', kills: true, steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')] },
  { name: 'append', kills: true, steps: (p) => [s.open(p, 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')] },
  { name: 'truncate', kills: true, steps: (p) => [s.truncate(p, 3)] },
  { name: 'chown', kills: true, steps: (p) => [s.chown(p, 1000, 1000)] },
  { name: 'open-rdwr', kills: false, steps: (p) => [s.open(p, 'O_RDWR', 'fd1'), s.close('fd1')] },
  { name: 'chmod', kills: false, steps: (p) => [s.chmod(p, 0o700)] },
  { name: 'utimes', kills: false, steps: (p) => [s.utimens(p, s.T1, s.T1)] },
  { name: 'setxattr', kills: false, steps: (p) => [s.setxattr(p, 'user.new', 'v')] },
];

const capability: Case[] = CAP_TRIGGERS.flatMap((t) =>
  kinds({ mode: 0o755, xattrs: { 'user.origin': 'lower', 'security.capability': CAPS } }).flatMap((kind) =>
    VISIBLE_POSITIONS.map((pos) => {
      const p = objectPath(pos);
      return kase(`secattr/capability/${t.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: `${t.name} of ${where(pos)} with file capabilities: the copy carries security.capability, then ${t.kills ? 'the change drops it, as on any file' : 'keeps it: the change is not one that drops capabilities'}`,
        layers: place(pos, kind),
        steps: [s.getxattr(p, 'security.capability'), ...t.steps(p), s.getxattr(p, 'security.capability'), s.lstat(p)],
        show: companionPaths(pos, kind),
        ...copyupNotes(pos, kind.name),
      });
    })));

const SETID_TRIGGERS: { name: string; claim: string; steps(p: string): Step[] }[] = [
  { name: 'user-write', claim: 'a write by another user drops setuid and setgid', steps: (p) => s.as(s.USER, s.open(p, 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')) },
  { name: 'user-truncate', claim: 'a truncate by another user drops setuid and setgid', steps: (p) => s.as(s.USER, s.truncate(p, 3)) },
  { name: 'user-open-trunc', claim: 'open(O_TRUNC) by another user drops setuid and setgid', steps: (p) => s.as(s.USER, s.open(p, 'O_WRONLY|O_TRUNC', 'fd1'), s.close('fd1')) },
  { name: 'root-write', claim: 'a write by root (CAP_FSETID) keeps setuid and setgid', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')] },
  { name: 'user-chmod', claim: 'chmod by a user who does not own the file is EPERM and copies nothing up', steps: (p) => s.as(s.USER, s.chmod(p, 0o777)) },
];

const setid: Case[] = SETID_TRIGGERS.flatMap((t) =>
  kinds({ mode: 0o6777, xattrs: { 'user.origin': 'lower' } }).flatMap((kind) =>
    VISIBLE_POSITIONS.map((pos) => {
      const p = objectPath(pos);
      return kase(`secattr/setid/${t.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: `on ${where(pos)} of mode 06777, ${t.claim}`,
        layers: place(pos, kind),
        steps: [...t.steps(p), s.lstat(p)],
        show: companionPaths(pos, kind),
        ...copyupNotes(pos, kind.name, t.name !== 'user-chmod'),
      });
    })));

const NAMESPACED = { 'user.origin': 'lower', 'trusted.t': 'T', 'security.s': 'S' };
const LISTERS: { name: string; claim: string; steps(p: string): Step[] }[] = [
  { name: 'root', claim: 'root lists user.*, trusted.* and security.* names and reads them', steps: (p) => [s.listxattr(p), s.getxattr(p, 'trusted.t'), s.getxattr(p, 'security.s')] },
  { name: 'user', claim: 'another user lists no trusted.* name and cannot read one', steps: (p) => s.as(s.USER, s.listxattr(p), s.getxattr(p, 'trusted.t'), s.getxattr(p, 'security.s')) },
  { name: 'root-after-copyup', claim: 'after chmod() copies it up, the copy lists the same names', steps: (p) => [s.chmod(p, 0o700), s.listxattr(p), s.getxattr(p, 'trusted.t')] },
  { name: 'user-after-copyup', claim: 'after chmod() copies it up, another user still lists no trusted.* name', steps: (p) => [s.chmod(p, 0o755), ...s.as(s.USER, s.listxattr(p), s.getxattr(p, 'trusted.t'))] },
];

const LIST_KINDS: Kind[] = [
  { name: 'file', entries: () => ({ f: file('hello\n', { xattrs: NAMESPACED }) }), companions: [] },
  { name: 'dir', entries: () => ({ f: dir({ x: file('x\n') }, { xattrs: NAMESPACED }) }), companions: [] },
];

const listing: Case[] = LISTERS.flatMap((l) =>
  LIST_KINDS.flatMap((kind) =>
    VISIBLE_POSITIONS.map((pos) =>
      kase(`secattr/list/${l.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: `a ${kind.name} ${copiesUp(pos) ? `at ${pos.name}` : 'already on top'} with user, trusted and security xattrs: ${l.claim}; the union's own attributes never show`,
        layers: place(pos, kind),
        steps: l.steps(objectPath(pos)),
        ...copyupNotes(pos, kind.name, l.name.endsWith('after-copyup')),
      }))));

export const secattrCases: Case[] = [...capability, ...setid, ...listing];
