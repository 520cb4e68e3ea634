// Deviation tags: documented ways a union filesystem may differ from the 2010
// spec. A case lists the tags it accepts; a transcript that matches the
// alternative golden of an accepted tag is reported as `deviation:<tag>`.
// The numbers refer to "Where the 2010 union-mounts spec differs" in
// shared/notes/semantics.md.

export const TAGS = {
  'fresh-fd-after-copyup':
    'an fd opened O_RDONLY before a copyup reads the new upper data (overlayfs >= 4.19 reopens it; semantics #1)',
  'ro-fd-metadata-succeeds':
    'fchmod/fchown/futimens/fsetxattr on an O_RDONLY fd succeed and copy up, as POSIX says (semantics #2)',
  'in-memory-readdir':
    'readdir merges layers in memory per open; no fallthrus are written and the dir is not marked opaque (semantics #5, #6)',
  'redirect-dir':
    'rename of a lower directory succeeds by a redirect instead of EXDEV (overlayfs redirect_dir=on; semantics #8)',
  'index-keeps-links':
    'copyup of a multiply-linked lower file keeps the other names linked, so their link count is right (overlayfs index=on; semantics #9)',
  'merged-dir-nlink':
    'a merged directory reports a link count that differs from the count of its visible subdirectories + 2 (spec: "Link count on directories will be wrong")',
  'copyup-new-ctime':
    'a copyup that changes nothing else still gives the file a new ctime: the copy cannot take the original\'s ctime (the spec\'s copy has "the same metadata")',
  'copyup-dir-ctime':
    'copying an entry up writes the directory on top, which gives the merged directory a new ctime though none of its visible entries changed (the spec\'s copies have "the same metadata")',
  'tmpfile-parent-ctime':
    'linking an O_TMPFILE file into a directory that has a lower layer gives the directory above it a new ctime, though none of that directory\'s entries changed (overlayfs)',
  'fstat-by-inode':
    'fstat() on an fd opened before a copyup reports the copy\'s attributes while reads still return the lower data: FUSE answers fstat by inode, not by open file',
  'userns-no-origin':
    'mounted in a user namespace (overlayfs userxattr, unprivileged), overlayfs does not decode a copy\'s origin (decoding a file handle needs CAP_DAC_READ_SEARCH outside it): a name looked up afresh (another hard link, after a remount) reports the upper inode\'s st_ino, not the lower one the object had',
  'rename-whiteout-accepted':
    'renameat2(RENAME_WHITEOUT) is carried out as a plain directory carries it out, the source then a whiteout the union hides, where overlayfs refuses the flag with EINVAL (fuse-overlayfs)',
  posix:
    'a plain POSIX directory behaves differently here: the union semantics the spec documents differ by design',
} as const;

export type Tag = keyof typeof TAGS;

export const isTag = (s: string): s is Tag => Object.hasOwn(TAGS, s);

/** The explanation of a deviation, for one tag or several joined by "+". */
export const explain = (tags: string): string => tags.split('+').map((t) => `${t}: ${isTag(t) ? TAGS[t] : 'undocumented tag'}`).join('; ');
