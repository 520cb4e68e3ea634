// Every behaviour the spec enumerates, under a stable id, and which cases check it.
// `make spec-coverage` prints this map and fails while a behaviour has no case.
import type { Case, Section } from './dsl.ts';

export interface Behaviour {
  id: string;
  section: Section;
  /** The behaviour in our words. */
  what: string;
  /** Case ids that check it: a prefix (ending in "/") or an exact id. */
  cases: string[];
}

const b = (id: string, section: Section, what: string, ...cases: string[]): Behaviour => ({ id, section, what, cases });

export const BEHAVIOURS: Behaviour[] = [
  // "What happens when I..."
  b('wh.creat', 'What happens when I...', 'creat() of a new file creates it on top', 'what-happens/creat-newfile'),
  b('wh.unlink', 'What happens when I...', 'unlink() of a lower file leaves a whiteout', 'what-happens/unlink-oldfile', 'unlink/'),
  b('wh.edit', 'What happens when I...', 'editing copies up at open for write', 'what-happens/edit-existingfile'),
  b('wh.truncate', 'What happens when I...', 'truncate copies up with N bytes', 'what-happens/truncate-existingfile'),
  b('wh.touch-chmod-chown', 'What happens when I...', 'touch/chmod/chown copy up', 'what-happens/touch-existingfile', 'what-happens/chmod-existingfile', 'what-happens/chown-existingfile'),
  b('wh.mkdir', 'What happens when I...', 'mkdir() creates on top', 'what-happens/mkdir-newdir'),
  b('wh.rmdir', 'What happens when I...', 'rmdir() of a lower dir leaves a whiteout', 'what-happens/rmdir-olddir', 'rmdir/'),
  b('wh.mkdir-after-rmdir', 'What happens when I...', 'mkdir() over a whited-out dir is opaque', 'what-happens/mkdir-olddir-after-rmdir', 'mkdir/over-whiteout'),
  b('wh.readdir', 'What happens when I...', 'readdir() copies lower entries up as fallthrus', 'what-happens/readdir-shareddir'),
  b('wh.link', 'What happens when I...', 'link() copies the source up, new link on top', 'what-happens/link-oldfile', 'link/lower-file'),
  b('wh.symlink', 'What happens when I...', 'symlink() is nothing special', 'what-happens/symlink-oldfile'),
  b('wh.rename-file', 'What happens when I...', 'rename() of a lower file copies it up to the new name', 'what-happens/rename-oldfile'),
  b('wh.rename-dir', 'What happens when I...', 'rename() of a lower dir returns EXDEV', 'what-happens/rename-olddir'),
  b('wh.rename-topmost-dir', 'What happens when I...', 'rename() of a topmost-only dir succeeds', 'what-happens/rename-topmost-only-dir'),
  // "File copyup": triggers, the calls after an open for write, and nothing else
  ...['open-wronly', 'open-rdwr', 'open-append', 'open-trunc', 'truncate', 'link', 'rename', 'chmod', 'chown', 'lchown', 'utimes', 'setxattr', 'lsetxattr'].map((t) =>
    b(`copyup.${t}`, 'File copyup', `${t} copies a lower file up`, `copyup/${t}/`)),
  ...['write', 'ftruncate', 'mmap-shared-write'].map((t) => b(`copyup.after-open.${t}`, 'File copyup', `${t} finds the copy made at open`, `copyup/${t}/`)),
  b('copyup.nothing-else', 'File copyup', 'calls that change nothing copy nothing up', 'no-copyup/'),
  ...['fchmod', 'fchown', 'fsetxattr', 'futimens'].map((t) => b(`ro-fd.${t}`, 'File copyup', `${t}() fails on an O_RDONLY fd`, `ro-fd/${t}/`)),
  b('copyup.old-fd-keeps-lower', 'File copyup', 'an fd opened before a copyup keeps the lower object', 'ro-fd/read-after-copyup/'),
  // "Known non-POSIX behaviors"
  b('known.enospc-eio', 'Known non-POSIX behaviors', 'any writing call may return ENOSPC or EIO (copyup)', 'enospc/'),
  b('known.link-count', 'Known non-POSIX behaviors', 'other names of a multiply-linked lower file keep their link count', 'link/lower-multiply-linked', 'link/write-multiply-linked'),
  b('known.dir-link-count', 'Known non-POSIX behaviors', 'directory link counts are wrong before readdir, right after it', 'readdir/nlink/'),
  b('known.copyup-is-copy-rename', 'Known non-POSIX behaviors', 'open fds keep the read-only copy after copyup', 'ro-fd/read-after-copyup/'),
  b('known.rename-dir-exdev', 'Known non-POSIX behaviors', 'rename() of a directory may fail with EXDEV', 'rename/dir/'),
  b('known.d-ino-fallthru', 'Known non-POSIX behaviors', 'd_ino is the underlying inode for fallthrus', 'readdir/lower-only'),
  b('known.ro-fd-calls', 'Known non-POSIX behaviors', 'fchmod/fchown/futimensat/fsetxattr fail on O_RDONLY fds', 'ro-fd/fchmod/', 'ro-fd/fchown/', 'ro-fd/futimens/', 'ro-fd/fsetxattr/'),
  // "Notes on rename()"
  b('rename.dir-exdev', 'Notes on rename()', 'directories (other than topmost-only) give EXDEV', 'rename/dir/lower', 'rename/dir/merged', 'rename/dir/lower-empty'),
  b('rename.topmost-only-dir', 'Notes on rename()', 'a topmost-only directory can be renamed', 'rename/dir/upper-only', 'rename/dir/new-upper'),
  b('rename.copyup-rename-whiteout', 'Notes on rename()', 'copyup, rename of the copy, whiteout at the source', 'rename/file/'),
  b('rename.flags', 'Notes on rename()', 'the rename rules hold under renameat2 NOREPLACE and EXCHANGE', 'renameat2/'),
  // Directory copyup and readdir
  b('dircopyup.first-readdir', 'Directory copyup', 'the first readdir copies visible lower entries up as fallthrus', 'what-happens/readdir-shareddir'),
  b('readdir.duplicates', 'Directory copyup', 'a name in several layers is listed once', 'readdir/duplicates', 'readdir/duplicates-three-layers'),
  b('readdir.whiteouts-hidden', 'Directory copyup', 'whited-out names and whiteouts are not listed', 'readdir/whiteouts', 'readdir/after-unlink'),
  b('readdir.d-type', 'Directory copyup', 'entries carry d_type', 'readdir/d-type'),
  b('readdir.stable-offsets', 'Directory copyup', 'a telldir() position stays valid for an open stream across a copyup', 'readdir/stream-across-copyup', 'readdir/stream-across-unlink', 'readdir/stream-three-layers'),
  // Terminology: whiteout, opaque, fallthru
  b('whiteout.only-if-lower', 'Terminology', 'whiteouts only where a lower layer has the name', 'unlink/file/upper', 'rmdir/upper-only'),
  b('whiteout.persistent', 'Terminology', 'whiteouts and opaque flags are on-disk state', 'persist/'),
  b('opaque.replaces-whiteout', 'Terminology', 'a directory created over a whiteout is opaque', 'mkdir/over-whiteout', 'mkdir/over-file-whiteout'),
  b('opaque.hides-lower', 'Terminology', 'an opaque directory hides every lower entry', 'readdir/opaque', 'readdir/dir-over-file'),
  b('fallthru.overrides-opaque', 'Terminology', 'a fallthru lets one entry of an opaque dir show the lower object', 'fallthru/'),
  // Hard read-only lower layers and permission checks
  b('hard-ro.lower-unchanged', 'Hard read-only file systems', 'nothing the union does writes a lower layer', 'copyup/', 'rename/', 'unlink/'),
  b('perm.before-copyup', 'Permission checks', 'a call that fails its permission check copies nothing up', 'permission/', 'error/denied/'),
  b('perm.sticky', 'Permission checks', 'sticky lower directories guard names as on any filesystem', 'error/sticky/'),
  b('lookup.errors', 'Pathname lookup', 'lookup errors (ENOTDIR, ELOOP, ENAMETOOLONG) come before any copyup', 'error/enotdir/', 'error/eloop/', 'error/enametoolong/'),
  b('copyup.not-directories', 'File copyup', 'opening a directory for writing is EISDIR, with no copyup', 'error/eisdir/'),
];

/** A behaviour implementers keep breaking (issue 14), and the cases that check it. */
export interface FieldBehaviour {
  id: string;
  what: string;
  /** As Behaviour.cases; a pattern starting with "*" matches ids that contain the rest. */
  cases: string[];
}

const f = (id: string, what: string, ...cases: string[]): FieldBehaviour => ({ id, what, cases });

/** Each must be checked by at least FIELD_MIN cases. */
export const FIELD_MIN = 3;

export const FIELD_BEHAVIOURS: FieldBehaviour[] = [
  // The recurring bugs of union filesystems' trackers.
  f('hardlinks-copyup', 'hard links across copyup', 'link/', '*-hardlinked'),
  f('rename-lower-dir', 'renames of lower directories', 'rename/dir/', 'what-happens/rename-olddir', 'renameat2/'),
  f('rm-recreate', 'whiteouts and opaque dirs after rm + recreate', 'mkdir/over-whiteout', 'mkdir/over-file-whiteout', 'what-happens/mkdir-olddir-after-rmdir', 'held/rmdir-mkdir/', 'data/tmpfile/whiteout-'),
  f('shared-layers', 'layers written by one mount and read by the next (remount over the same layers)', 'persist/'),
  f('ino-dev-stable', 'st_ino/st_dev stability', 'stdev/', 'persist/', 'readdir/lower-only', 'namemax/'),
  f('stale-fd-mmap', 'stale read-only fds and mmaps after copyup', 'ro-fd/read-after-copyup/', 'mmap/'),
  f('timestamps', 'timestamps (nanoseconds, UTIME_NOW, UTIME_OMIT)', 'times/', 'copyup/utimes/'),
  f('xattrs-caps-copyup', 'xattrs and file capabilities on copyup', 'copyup/setxattr/', 'secattr/capability/', 'secattr/list/'),
  f('ownership-other-user', 'ownership and permission for a user other than the mounter (unprivileged mounts: TARGET=overlayfs:userxattr, reference:userxattr)', 'secattr/setid/', 'access/', 'exec/as-user/'),
  f('readdir-seek', 'readdir consistency and seek', 'readdir/', 'held/big-readdir/'),
  // The calls the issue names.
  f('mmap-across-copyup', 'MAP_SHARED/MAP_PRIVATE mappings made before a copyup, read after it', 'mmap/write/', 'mmap/truncate/', 'mmap/chmod/', 'mmap/setxattr/'),
  f('mmap-writable-msync', 'a writable MAP_SHARED mapping of a lower file, msync', 'mmap/shared-write/', 'mmap/shared-write-rdonly/', 'mmap/private-write/'),
  f('locks-across-copyup', 'flock, POSIX and OFD locks across a copyup, probed from another open file description', 'lock/'),
  f('copy-file-range', 'copy_file_range from and to lower files', 'data/copyrange-from/', 'data/copyrange-to/'),
  f('fallocate', 'fallocate, punch hole, zero range', 'data/fallocate/'),
  f('ficlone', 'FICLONE from and to lower files', 'data/ficlone-from/', 'data/ficlone-to/'),
  f('o-append', 'O_APPEND writes', 'data/append/', 'copyup/open-append/'),
  f('o-tmpfile', 'O_TMPFILE + linkat into a lower directory', 'data/tmpfile/'),
  f('o-direct', 'an O_DIRECT read of a lower file', 'data/direct-read/'),
  f('exec-etxtbsy', 'a lower executable and an fd open for write (ETXTBSY)', 'exec/while-open-write/'),
  f('exec-copied-up', 'exec of a file that was copied up', 'exec/after-chmod/', 'exec/after-append/', 'exec/after-rewrite/'),
  f('setid-other-user', 'setuid/setgid after a write by another user', 'secattr/setid/'),
  f('trusted-security-list', 'trusted.* and security.* as listed through the union', 'secattr/list/'),
  f('statfs', 'statfs/fstatfs on the union: f_type, and the top layer\'s size and free space', 'statfs/'),
  f('faccessat', 'access/faccessat (AT_EACCESS) as another user', 'access/'),
  f('st-dev', 'st_dev of directories and non-directories, before and after copyup', 'stdev/'),
  f('path-max', 'paths at PATH_MAX-1, and deeper through a held directory', 'depth/', 'deeper/'),
  f('name-max', 'NAME_MAX names at every layer position', 'namemax/'),
  f('held-dir-rmdir', 'an open fd of a lower directory across rmdir + mkdir', 'held/rmdir-mkdir/'),
  f('held-dir-copyup', 'fchdir into a lower directory (or opens through a held one), then a copyup inside it', 'held/fchdir-copyup/', 'held/openat-'),
  f('big-dir-seekdir', 'a 10,000-entry merged directory with seekdir to every 100th offset', 'held/big-readdir/'),
];

const matches = (id: string, p: string) => (p.startsWith('*') ? id.includes(p.slice(1)) : p.endsWith('/') || p.endsWith('-') ? id.startsWith(p) : id === p);

/** Cases that check a behaviour. */
export function casesFor(beh: Behaviour | FieldBehaviour, cases: Case[]): string[] {
  return cases.map((c) => c.id).filter((id) => beh.cases.some((p) => matches(id, p)));
}
