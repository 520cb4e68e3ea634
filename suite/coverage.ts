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

/** Cases that check a behaviour. */
export function casesFor(beh: Behaviour, cases: Case[]): string[] {
  return cases.map((c) => c.id).filter((id) => beh.cases.some((p) => (p.endsWith('/') ? id.startsWith(p) : id === p)));
}
