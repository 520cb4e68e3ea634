// Cases made from `make fuzz` findings in other targets (suite/found/<id>,
// results/fuzz-known.txt), each kept as the spec's answer.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { chr, dir, file, opaque, symlink, whiteout, type FixtureNode, type Layers } from '../fixture.ts';
import { s } from '../steps.ts';
import type { Step } from '../steps.ts';

// fuse-overlayfs sets a directory's mtime to now when it changes the
// metadata of one it has copied up as the parent of a subdirectory's copyup
// (bc333bb4bfe4, 3458079836bb). The parent came up with its metadata
// ("Directory copyup"), and chmod/chown/setxattr change no mtime.
const PARENT_TRIGGERS: { name: string; step: Step }[] = [
  { name: 'chmod', step: s.chmod('a', 0o700) },
  { name: 'chown', step: s.chown('a', 1000, 1000) },
  { name: 'setxattr', step: s.setxattr('a', 'user.new', 'v') },
];

const parentMtime: Case[] = PARENT_TRIGGERS.map(({ name, step }) => kase('found/subdir-copyup-parent', name, {
  spec: 'Directory copyup',
  claim: `${name} of a directory copied up as a subdirectory's parent keeps its mtime`,
  layers: { lowers: [{ a: dir({ y: dir(), x: file() }) }] },
  steps: [s.chown('a/y', 1000, 1000), step, s.stat('a')],
}));

// fuse-overlayfs gives a lower directory it copied up another inode number
// once the union is mounted again: the upper directory's own (3971d5e6890c,
// 5cb3c7fd6b6b). A copied-up file keeps its number (persist/copyup-chmod);
// overlayfs, plain and the reference keep the directory's. reference:userxattr
// changes it too, as userns-no-origin says; the cases do not accept that tag,
// whose transcript would be fuse-overlayfs's (results/baseline.txt).
const DIR_COPYUPS: { name: string; step: Step }[] = [
  { name: 'chmod', step: s.chmod('d', 0o700) },
  { name: 'utimes', step: s.utimens('d', s.T1, s.T1) },
];

const dirInoAfterRemount: Case[] = DIR_COPYUPS.map(({ name, step }) => kase('found/copyup-dir-remount', name, {
  spec: 'Terminology',
  claim: `a lower directory copied up by ${name} keeps its inode number after the union is unmounted and mounted again`,
  layers: { lowers: [{ d: dir({ x: file() }) }] },
  steps: [s.stat('d'), step, s.remount(), s.stat('d')],
}));

// So does a file it copied up from the second lower layer (25f137af893c,
// 3155fa13169b); one from the topmost lower keeps its number. Here
// overlayfs:userxattr changes it too (userns-no-origin, not accepted).
const secondLowerInoAfterRemount = kase('found/copyup-remount', 'second-lower-file', {
  spec: 'Terminology',
  claim: 'a file of the second lower layer copied up by chmod keeps its inode number after the union is unmounted and mounted again',
  layers: { lowers: [{}, { f: file() }] },
  steps: [s.stat('f'), s.chmod('f', 0o600), s.remount(), s.stat('f')],
});

// fuse-overlayfs answers EIO when it copies up a lower character device, and
// leaves an empty regular file in its place (318923c3943f), as it does for a
// fifo (copyup/chown/lower-fifo); no other case has a lower device.
const DEVICE_COPYUPS: { name: string; step: Step }[] = [
  { name: 'chown', step: s.chown('c', 1000, 1000) },
  { name: 'utimes', step: s.utimens('c', s.T1, s.T1) },
];

const deviceCopyup: Case[] = DEVICE_COPYUPS.map(({ name, step }) => kase('found/lower-chr-copyup', name, {
  spec: 'File copyup',
  claim: `${name} of a lower character device copies it up as the same device`,
  layers: { lowers: [{ c: chr(1, 3) }] },
  steps: [step, s.lstat('c')],
}));

// fuse-overlayfs refuses (EXDEV) to rename a directory that only the upper
// layer has when a lower layer has a non-directory of that name beneath it
// (291f3dbcdfa9, d33410f2803b), as if the directory were merged with a lower
// one. The directory hides the lower object ("Terminology"), so it renames.
const LOWER_NONDIRS: { name: string; node: FixtureNode }[] = [
  { name: 'file', node: file() },
  { name: 'symlink', node: symlink('b') },
];

const renameUpperDir: Case[] = LOWER_NONDIRS.map(({ name, node }) => kase('found/rename-upper-dir-over-lower', name, {
  spec: 'Notes on rename()',
  claim: `a directory only the upper layer has, on top of a lower ${name} of the same name, renames: the lower ${name} is whited out`,
  layers: { lowers: [{ b: node }], upper: { b: dir() } },
  steps: [s.rename('b', 'a'), s.stat('a'), s.stat('b')],
}));

// unionfs-fuse merges a directory with what lies beneath a lower symlink of
// its name: the symlink's target directory (51eb5cb35ee2), or a directory in
// a lower layer below the symlink (070259bfd9ee). The symlink is no directory
// and hides what is beneath it ("Terminology").
const SYMLINK_HIDES: { name: string; layers: Layers; steps: Step[] }[] = [
  { name: 'rmdir', layers: { lowers: [{ d: symlink('.') }], upper: { d: dir() } }, steps: [s.listdir('d'), s.rmdir('d'), s.stat('d')] },
  { name: 'lower-dir-beneath', layers: { lowers: [{ a: symlink('a') }, { a: dir({ x: file() }) }], upper: { a: dir() } }, steps: [s.listdir('a'), s.stat('a/x')] },
];

const symlinkHides: Case[] = SYMLINK_HIDES.map(({ name, layers, steps }) => kase('found/upper-dir-over-lower-symlink', name, {
  spec: 'Terminology',
  claim: 'a directory on top of a lower symlink of the same name holds only its own entries: nothing the symlink points to or hides',
  layers, steps,
}));

// fuse-overlayfs copies a lower symlink up as root's, whoever owned it
// (93bd6d9c98e9): by utimensat(AT_SYMLINK_NOFOLLOW), or by rename (where its
// mtime also becomes now, as copyup/rename/lower-symlink shows).
const SYMLINK_COPYUPS: { name: string; step: Step; look: string }[] = [
  { name: 'utimes', step: { op: { op: 'utimensat', path: 'a', atime: s.T1, mtime: s.T1, nofollow: true } }, look: 'a' },
  { name: 'rename', step: s.rename('a', 'b'), look: 'b' },
];

const symlinkOwner: Case[] = SYMLINK_COPYUPS.map(({ name, step, look }) => kase('found/lower-symlink-owner', name, {
  spec: 'File copyup',
  claim: `a lower symlink copied up by ${name} keeps its owner`,
  layers: { lowers: [{ a: symlink('a', { uid: 1000, gid: 1000 }) }] },
  steps: [step, s.lstat(look)],
}));

// fuse-overlayfs renames an opaque directory without leaving a whiteout: the
// lower directory it hid shows again at the old name (79a08e27c86d).
const OPAQUE_RENAMES: { name: string; step: Step }[] = [
  { name: 'rename', step: s.rename('c', 'e') },
  { name: 'noreplace', step: s.renameat2('c', 'e', 'RENAME_NOREPLACE') },
];

const opaqueRename: Case[] = OPAQUE_RENAMES.map(({ name, step }) => kase('found/rename-opaque-dir', name, {
  spec: 'Notes on rename()',
  claim: `${name} of an opaque directory over a lower one leaves the old name whited out`,
  layers: { lowers: [{ c: dir({ y: file() }) }], upper: { c: opaque() } },
  steps: [step, s.stat('c'), s.listdir('e')],
}));

// Kernel overlayfs reads a directory that has nothing beneath it ("pure
// upper") straight from the upper layer, whiteouts and all (c760994eaffb,
// 2aea083ff4ec). overlayfs never writes such a whiteout itself: the layers
// come to hold one when a lower layer loses the directory while unmounted,
// or by an offline change to the upper tree, both of which overlayfs's
// documentation allows for an overlay without index, redirects or metacopy.
const upperOnlyWhiteout = { lowers: [{ other: file() }], upper: { d: dir({ x: whiteout() }) } };

export const foundCases: Case[] = [
  ...parentMtime,
  ...dirInoAfterRemount,
  secondLowerInoAfterRemount,
  ...deviceCopyup,
  ...renameUpperDir,
  ...symlinkHides,
  ...symlinkOwner,
  ...opaqueRename,
  // fuse-overlayfs copies the file up before removexattr() finds the name
  // missing (a256271b202c; a directory too, d01ac9ecf826, which a remount
  // then renumbers, as found/copyup-dir-remount shows). After a remount the
  // merged view reads what the layers hold, so the needless copy shows.
  kase('found/removexattr-absent', 'lower-file', {
    spec: 'File copyup',
    claim: 'removexattr() of a name the lower file lacks fails with ENODATA and copies nothing up',
    layers: { lowers: [{ f: file() }] },
    steps: [s.removexattr('f', 'user.a'), s.remount(), s.stat('f')],
  }),
  // fuse-overlayfs answers ENOMEM to every call on the name, a lookup first
  // (1c14c726602d: its chmod). overlayfs writes no such layers itself (its
  // directory over a removed lower name is opaque); an offline change to the
  // upper tree makes them.
  kase('found/upper-dir-over-lower-symlink', 'chmod', {
    spec: 'Terminology',
    claim: 'a directory on top hides a lower symlink of the same name: the name is the directory, and chmod() changes it',
    layers: { lowers: [{ a: symlink('a') }], upper: { a: dir({ y: dir() }) } },
    steps: [s.stat('a'), s.listdir('a'), s.chmod('a', 0o700)],
  }),
  kase('found/whiteout-upper-only', 'listdir', {
    spec: 'Terminology',
    claim: 'a whiteout is never an entry: not even in a directory that only the top layer has',
    layers: upperOnlyWhiteout, steps: [s.listdir('d'), s.stat('d/x')],
  }),
  kase('found/whiteout-upper-only', 'rmdir', {
    spec: 'Terminology',
    claim: 'a directory that holds only a whiteout is empty: rmdir() removes it',
    layers: upperOnlyWhiteout, steps: [s.rmdir('d'), s.stat('d')],
  }),
  // overlayfs with redirect_dir=on copies the source up (redirect and all)
  // before it finds the target not empty (3e8860a328d6).
  kase('found/rename-dir-onto-nonempty', 'lower', {
    spec: 'Notes on rename()',
    claim: 'rename of a lower directory onto a non-empty one fails and changes nothing',
    layers: { lowers: [{ d: dir() }], upper: { b: dir({ y: file() }) } },
    steps: [s.rename('d', 'b'), s.listdir('b')], show: ['d'],
    accepts: ['redirect-dir'],
    posix: 'POSIX says ENOTEMPTY; the spec returns EXDEV for a directory that exists on a lower layer ("Notes on rename()")',
  }),
];
