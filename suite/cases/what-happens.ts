// "What happens when I...": one case per line of the list.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file } from '../fixture.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';

const spec = 'What happens when I...' as const;
const lower = { lowers: [{ oldfile: lowerFile(), olddir: dir({ x: file('x\n') }), shareddir: dir({ a: file('a\n'), b: file('b\n') }) }], upper: { shareddir: dir({ c: file('c\n') }) } };
const w = (name: string, c: Omit<Case, 'id' | 'tags' | 'spec' | 'layers'> & { layers?: Case['layers'] }) =>
  kase('what-happens', name, { spec, layers: lower, ...c });

export const whatHappensCases: Case[] = [
  w('creat-newfile', { claim: 'creat() of a new name creates it on the topmost layer', steps: [s.open('newfile', 'O_WRONLY|O_CREAT|O_TRUNC', 'fd1', 0o644), s.write('fd1', 'new\n'), s.close('fd1')] }),
  w('unlink-oldfile', { claim: 'unlink() of a lower file creates a whiteout on the topmost layer', steps: [s.unlink('oldfile'), s.stat('oldfile')] }),
  w('edit-existingfile', { claim: 'editing a lower file copies it up at open(O_WR) time', steps: [s.open('oldfile', 'O_RDWR', 'fd1'), s.pwrite('fd1', 'J', 0), s.close('fd1')] }),
  w('truncate-existingfile', { claim: 'truncate copies the file up with the N bytes specified', steps: [s.truncate('oldfile', 4)] }),
  w('touch-existingfile', { claim: 'touch (utimes to now) copies the file up', steps: [s.utimens('oldfile', 'UTIME_NOW', 'UTIME_NOW')] }),
  w('chmod-existingfile', { claim: 'chmod() copies the file up', steps: [s.chmod('oldfile', 0o640)] }),
  w('chown-existingfile', { claim: 'chown() copies the file up', steps: [s.chown('oldfile', 1000, 1000)] }),
  w('mkdir-newdir', { claim: 'mkdir() of a new name creates it on the topmost layer, without the opaque flag (nothing to cover)', steps: [s.mkdir('newdir', 0o755), s.listdir('newdir')] }),
  w('rmdir-olddir', {
    claim: 'rmdir() of a lower directory (whose visible entries are gone) creates a whiteout on the topmost layer',
    steps: [s.unlink('olddir/x'), s.rmdir('olddir'), s.stat('olddir')],
  }),
  w('mkdir-olddir-after-rmdir', {
    claim: 'mkdir() of a name whited out by rmdir() creates a directory with the opaque flag: the old entries stay hidden',
    steps: [s.opendir('olddir', 'D'), s.open('olddir/x', 'O_RDONLY', 'fd0'), s.unlink('olddir/x'), s.rmdir('olddir'), s.mkdir('olddir', 0o755), s.listdir('olddir'), s.stat('olddir/x')],
  }),
  w('readdir-shareddir', {
    claim: 'readdir() of a directory in both layers shows the union; the entries of the bottom layer are copied up as fallthrus',
    steps: [s.listdir('shareddir')],
    accepts: ['in-memory-readdir'],
  }),
  w('link-oldfile', { claim: 'link() copies up the source and creates the new link on the topmost layer', steps: [s.link('oldfile', 'newlink'), s.stat('oldfile')], accepts: ['userns-no-origin'] }),
  w('symlink-oldfile', { claim: 'symlink() to a lower file is nothing special: the link is created on top, the file is not copied up', steps: [s.symlink('oldfile', 'symlink'), s.readlink('symlink'), s.stat('symlink')], show: ['oldfile'] }),
  w('rename-oldfile', { claim: 'rename() of a lower file copies it up to the new name on the top layer', steps: [s.rename('oldfile', 'newfile'), s.stat('oldfile')] }),
  w('rename-olddir', { claim: 'rename() of a directory that exists on a lower layer returns EXDEV', steps: [s.rename('olddir', 'newdir'), s.listdir('olddir')], accepts: ['redirect-dir'], posix: 'POSIX renames any directory; the spec returns EXDEV for a lower directory ("What happens when I...", "Notes on rename()")' }),
  w('rename-topmost-only-dir', {
    claim: 'rename() of a directory that exists only on the topmost layer succeeds',
    layers: { lowers: [{ oldfile: lowerFile() }], upper: { topdir: dir({ y: file('y\n') }) } },
    steps: [s.rename('topdir', 'topdir2'), s.listdir('topdir2')],
    show: ['topdir'],
  }),
];

