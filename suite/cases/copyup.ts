// "File copyup": every trigger × object kind × position in the layers.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { ALL_POSITIONS, companionPaths, KINDS, objectPath, place, placeName, type KindName } from '../positions.ts';
import { s } from '../steps.ts';
import type { Step } from '../steps.ts';
import type { Tag } from '../tags.ts';
import { symlink } from '../fixture.ts';
import { lowerFile } from '../positions.ts';

export interface Trigger {
  name: string;
  claim: string;
  steps(p: string): Step[];
  kinds: KindName[];
  accepts?: Tag[];
}

const DATA: KindName[] = ['file', 'empty', 'big', 'hardlinked'];
// A shared mapping past the end of an empty file cannot be written (SIGBUS).
const MAPPABLE: KindName[] = ['file', 'big', 'hardlinked'];
const META: KindName[] = ['file', 'empty', 'big', 'hardlinked', 'fifo', 'dir'];
const LINKABLE: KindName[] = ['file', 'big', 'hardlinked', 'symlink', 'fifo'];

export const TRIGGERS: Trigger[] = [
  { name: 'open-wronly', claim: 'open(O_WRONLY) copies the file up at open time', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.close('fd1')], kinds: DATA, accepts: ['copyup-new-ctime'] },
  { name: 'open-rdwr', claim: 'open(O_RDWR) copies the file up at open time', steps: (p) => [s.open(p, 'O_RDWR', 'fd1'), s.close('fd1')], kinds: DATA, accepts: ['copyup-new-ctime'] },
  { name: 'open-append', claim: 'open(O_APPEND) copies the file up at open time', steps: (p) => [s.open(p, 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'more\n'), s.close('fd1')], kinds: DATA },
  { name: 'open-trunc', claim: 'open(O_TRUNC) copies the file up, keeping no data', steps: (p) => [s.open(p, 'O_WRONLY|O_TRUNC', 'fd1'), s.close('fd1')], kinds: DATA },
  { name: 'truncate', claim: 'truncate() copies the file up with the N bytes kept', steps: (p) => [s.truncate(p, 3)], kinds: DATA },
  { name: 'link', claim: 'link() copies the source up and creates the new name on the top layer', steps: (p) => [s.link(p, `${p}.link`)], kinds: LINKABLE, accepts: ['userns-no-origin'] },
  { name: 'rename', claim: 'rename() copies the file up to the new name and whites out the old one', steps: (p) => [s.rename(p, `${p}.new`)], kinds: LINKABLE },
  { name: 'chmod', claim: 'chmod() copies the object up', steps: (p) => [s.chmod(p, 0o600)], kinds: META },
  { name: 'chown', claim: 'chown() copies the object up', steps: (p) => [s.chown(p, 1000, 1000)], kinds: META },
  { name: 'lchown', claim: 'lchown() copies the object (a symlink itself) up', steps: (p) => [s.lchown(p, 1000, 1000)], kinds: ['file', 'symlink'] },
  { name: 'utimes', claim: 'utimes() copies the object up', steps: (p) => [s.utimens(p, s.T1, s.T1)], kinds: META },
  { name: 'setxattr', claim: 'setxattr() copies the object up', steps: (p) => [s.setxattr(p, 'user.new', 'v')], kinds: META },
  { name: 'lsetxattr', claim: 'lsetxattr() copies the object up (Linux refuses user xattrs on symlinks: EPERM, no copy)', steps: (p) => [s.lsetxattr(p, 'user.new', 'v')], kinds: ['file', 'symlink'] },
  // "Copyup ... has already occurred when": the open for write did it.
  { name: 'write', claim: 'write() finds the copy made at open(O_WRONLY)', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')], kinds: DATA },
  { name: 'ftruncate', claim: 'ftruncate() finds the copy made at open(O_WRONLY)', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.ftruncate('fd1', 2), s.close('fd1')], kinds: DATA },
  { name: 'mmap-shared-write', claim: 'a writable shared mmap() finds the copy made at open(O_RDWR)', steps: (p) => [s.open(p, 'O_RDWR', 'fd1'), s.mmapwrite('fd1', 'HE'), s.close('fd1')], kinds: MAPPABLE },
];

const brokenLinkPosix =
  'on a plain file every name shares one inode and so its new data, metadata and link count; the spec copies up only the name used, the other names keep the lower inode ("Known non-POSIX behaviors": link counts)';

/** After the trigger: what the copy must have carried over (the xattr; a symlink's target). */
const look = (k: KindName, p: string): Step => (k === 'symlink' ? s.readlink(p) : s.getxattr(p, 'user.origin'));

/** Positions where the object is visible: the trigger acts. Hidden ones only check the errno. */
const triggerCases: Case[] = TRIGGERS.flatMap((t) =>
  t.kinds.flatMap((k) =>
    ALL_POSITIONS.map((pos) => {
      const kind = KINDS[k];
      const p = objectPath(pos);
      const breaksLink = k === 'hardlinked' && pos.visible && !pos.upper;
      const accepts: Tag[] = [...(t.accepts ?? []), ...(breaksLink ? (['index-keeps-links'] as Tag[]) : [])];
      return kase(`copyup/${t.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: pos.visible
          ? `${t.claim} (${kind.name} ${pos.upper ? 'already on top: nothing to copy' : `at ${pos.name}`}); the lower layer is not written`
          : `${t.name} of a name hidden by a ${pos.name} fails with ENOENT and copies nothing up`,
        layers: place(pos, kind),
        steps: [s.lstat(p), ...t.steps(p), s.lstat(p), look(k, p)],
        show: companionPaths(pos, kind),
        ...(accepts.length ? { accepts } : {}),
        ...(breaksLink ? { posix: brokenLinkPosix } : {}),
      });
    }),
  ),
);

const symlinkCases: Case[] = [
  kase('copyup/lchown', 'lower-symlink-target-untouched', {
    spec: 'File copyup',
    claim: 'lchown() of a lower symlink copies the symlink up, target text kept; its target is not copied',
    layers: { lowers: [{ t: lowerFile(), l: symlink('t') }] },
    steps: [s.lchown('l', 1000, 1000), s.readlink('l')],
    show: ['t'],
  }),
];

export const copyupCases: Case[] = [...triggerCases, ...symlinkCases];
