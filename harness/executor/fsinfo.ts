// Which filesystem an object reports, relative to the case root (the union's
// root), so that a transcript reads the same on any filesystem that keeps the
// rule: statfs(2)'s f_type ("root", or its name where it differs), whether
// block size, block count and fsid are the root's, and whether st_dev is the
// root's. Free counts are left out: they change with anything else written
// to the same disk; upperCountsText compares them with the top layer's, for a
// case whose top layer has a filesystem of its own.

import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, O_CLOEXEC, O_FLAGS, O_PATH, fstatat, raw, sys } from './libc.ts';

const O_DIRECTORY = O_FLAGS.O_DIRECTORY;

const MAGIC: ReadonlyMap<bigint, string> = new Map([
  [0x794c7630n, 'overlayfs'],
  [0x65735546n, 'fuse'],
  [0x01021994n, 'tmpfs'],
  [0xef53n, 'ext4'],
  [0x58465342n, 'xfs'],
  [0x9123683en, 'btrfs'],
  [0x61756673n, 'aufs'],
]);

/** struct statfs on x86_64 (120 bytes): f_type @0, f_bsize @8, f_blocks @16, f_fsid @56, f_namelen @64. */
function fstatfsBuffer(fd: number): Buffer {
  const b = Buffer.alloc(120);
  sys('fstatfs', () => raw.fstatfs(fd, b));
  return b;
}

function statfsOf(fd: number): { type: bigint; identity: string; namelen: bigint } {
  const b = fstatfsBuffer(fd);
  const identity = [b.readBigInt64LE(8), b.readBigUInt64LE(16), b.readBigUInt64LE(56)].join(':');
  return { type: b.readBigInt64LE(0), identity, namelen: b.readBigInt64LE(64) };
}

/** `type=root namelen=255 fs=root`; a type other than the root's by name (`type=ext4`); fs=other when its blocks or fsid are not the root's. */
export function statfsText(fd: number, rootFd: number): string {
  const [st, root] = [statfsOf(fd), statfsOf(rootFd)];
  const type = st.type === root.type ? 'root' : (MAGIC.get(st.type) ?? `0x${st.type.toString(16)}`);
  return `type=${type} namelen=${st.namelen} fs=${st.identity === root.identity ? 'root' : 'other'}`;
}

const COUNTS = { bsize: 8, blocks: 16, bfree: 24, bavail: 32, files: 40, ffree: 48 } as const;
const counts = (fd: number): bigint[] => {
  const b = fstatfsBuffer(fd);
  return Object.values(COUNTS).map((off) => b.readBigInt64LE(off));
};

/**
 * `bsize=upper blocks=upper bfree=upper ...`: which of statfs()'s size and free counts of the
 * object equal those of the directory `upper` (`other` where not). Taken as object, upper,
 * object again, until the object's two agree (nothing was written between), at most 20 times.
 * An object on the upper directory's own filesystem (the plain oracle, whose "upper" is the
 * directory itself, on a scratch filesystem other cases write to) has its counts by identity.
 */
export function upperCountsText(fd: number, upper: string): string {
  const ufd = sys('open', () => raw.open(upper, O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
  try {
    const same = fstatat(fd, '', AT_EMPTY_PATH).dev === fstatat(ufd, '', AT_EMPTY_PATH).dev;
    if (same) return Object.keys(COUNTS).map((k) => `${k}=upper`).join(' ');
    for (let i = 0; ; i++) {
      const [before, up, after] = [counts(fd), counts(ufd), counts(fd)];
      if (i < 19 && before.join() !== after.join()) continue;
      return Object.keys(COUNTS).map((k, j) => `${k}=${before[j] === up[j] ? 'upper' : 'other'}`).join(' ');
    }
  } finally {
    raw.close(ufd);
  }
}

/** `root` when the object (not following a final symlink) reports the case root's st_dev, else `other`. */
export function devText(dirfd: number, name: string, rootFd: number): string {
  const flags = name === '' ? AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW : AT_SYMLINK_NOFOLLOW;
  const dev = fstatat(dirfd, name, flags).dev;
  return dev === fstatat(rootFd, '', AT_EMPTY_PATH).dev ? 'root' : 'other';
}
