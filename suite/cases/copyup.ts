// "File copyup": every trigger, on a lower file and on one two levels down in lower-only dirs.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { lowerFile, POSITIONS } from '../positions.ts';
import * as s from '../steps.ts';
import type { Step } from '../steps.ts';
import type { Tag } from '../tags.ts';
import { symlink } from '../fixture.ts';

interface Trigger {
  name: string;
  claim: string;
  steps(p: string): Step[];
  accepts?: Tag[];
}

const TRIGGERS: Trigger[] = [
  { name: 'open-wronly', claim: 'open(O_WRONLY) copies the file up at open time', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.close('fd1')], accepts: ['copyup-new-ctime'] },
  { name: 'open-rdwr', claim: 'open(O_RDWR) copies the file up at open time', steps: (p) => [s.open(p, 'O_RDWR', 'fd1'), s.close('fd1')], accepts: ['copyup-new-ctime'] },
  { name: 'open-append', claim: 'open(O_APPEND) copies the file up at open time', steps: (p) => [s.open(p, 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'more\n'), s.close('fd1')] },
  { name: 'open-trunc', claim: 'open(O_TRUNC) copies the file up, keeping no data', steps: (p) => [s.open(p, 'O_WRONLY|O_TRUNC', 'fd1'), s.close('fd1')] },
  { name: 'truncate', claim: 'truncate() copies the file up with the N bytes kept', steps: (p) => [s.truncate(p, 3)] },
  { name: 'link', claim: 'link() copies the source up and creates the new name on the top layer', steps: (p) => [s.link(p, `${p}.link`)] },
  { name: 'rename', claim: 'rename() copies the file up to the new name and whites out the old one', steps: (p) => [s.rename(p, `${p}.new`)] },
  { name: 'chmod', claim: 'chmod() copies the file up', steps: (p) => [s.chmod(p, 0o600)] },
  { name: 'chown', claim: 'chown() copies the file up', steps: (p) => [s.chown(p, 1000, 1000)] },
  { name: 'lchown', claim: 'lchown() copies the file up', steps: (p) => [s.lchown(p, 1000, 1000)] },
  { name: 'utimes', claim: 'utimes() copies the file up', steps: (p) => [s.utimens(p, s.T1, s.T1)] },
  { name: 'setxattr', claim: 'setxattr() copies the file up', steps: (p) => [s.setxattr(p, 'user.new', 'v')] },
  { name: 'lsetxattr', claim: 'lsetxattr() copies the file up', steps: (p) => [s.lsetxattr(p, 'user.new', 'v')] },
  // "Copyup ... has already occurred when": the open for write did it.
  { name: 'write', claim: 'write() finds the copy made at open(O_WRONLY)', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.write('fd1', 'HI'), s.close('fd1')] },
  { name: 'ftruncate', claim: 'ftruncate() finds the copy made at open(O_WRONLY)', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.ftruncate('fd1', 2), s.close('fd1')] },
  { name: 'mmap-shared-write', claim: 'a writable shared mmap() finds the copy made at open(O_RDWR)', steps: (p) => [s.open(p, 'O_RDWR', 'fd1'), s.mmapwrite('fd1', 'HE'), s.close('fd1')] },
];

const positions = [POSITIONS.lower!, POSITIONS['lower-deep']!];

const triggerCases: Case[] = TRIGGERS.flatMap((t) =>
  positions.map((pos) =>
    kase(`copyup/${t.name}`, `${pos.name}-file`, {
      spec: 'File copyup',
      claim: `${t.claim}; the lower layer is not written`,
      layers: pos.layers(lowerFile()),
      steps: [s.stat(pos.path), ...t.steps(pos.path), s.stat(pos.path)],
      ...(t.accepts ? { accepts: t.accepts } : {}),
    }),
  ),
);

const symlinkCases: Case[] = [
  kase('copyup/lchown', 'lower-symlink', {
    spec: 'File copyup',
    claim: 'lchown() of a lower symlink copies the symlink up, target text kept',
    layers: { lowers: [{ t: lowerFile(), l: symlink('t') }] },
    steps: [s.lchown('l', 1000, 1000), s.readlink('l')],
    show: ['t'],
  }),
  kase('copyup/lsetxattr', 'lower-symlink', {
    spec: 'File copyup',
    claim: 'lsetxattr() on a lower symlink acts on the link itself; user xattrs on symlinks are refused by Linux (EPERM) and nothing is copied up',
    layers: { lowers: [{ t: lowerFile(), l: symlink('t') }] },
    steps: [s.lsetxattr('l', 'user.new', 'v'), s.readlink('l')],
    show: ['t'],
  }),
];

export const copyupCases: Case[] = [...triggerCases, ...symlinkCases];
