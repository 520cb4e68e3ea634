// Which filesystem an object reports, relative to the case root (the union's
// root), so that a transcript reads the same on any filesystem that keeps the
// rule: statfs(2)'s f_type ("root", or its name where it differs), whether
// block size, block count and fsid are the root's, and whether st_dev is the
// root's. Free counts are left out: they change with anything else written
// to the same disk.

import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, fstatat, raw, sys } from './libc.ts';

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
function statfsOf(fd: number): { type: bigint; identity: string; namelen: bigint } {
  const b = Buffer.alloc(120);
  sys('fstatfs', () => raw.fstatfs(fd, b));
  const identity = [b.readBigInt64LE(8), b.readBigUInt64LE(16), b.readBigUInt64LE(56)].join(':');
  return { type: b.readBigInt64LE(0), identity, namelen: b.readBigInt64LE(64) };
}

/** `type=root namelen=255 fs=root`; a type other than the root's by name (`type=ext4`); fs=other when its blocks or fsid are not the root's. */
export function statfsText(fd: number, rootFd: number): string {
  const [st, root] = [statfsOf(fd), statfsOf(rootFd)];
  const type = st.type === root.type ? 'root' : (MAGIC.get(st.type) ?? `0x${st.type.toString(16)}`);
  return `type=${type} namelen=${st.namelen} fs=${st.identity === root.identity ? 'root' : 'other'}`;
}

/** `root` when the object (not following a final symlink) reports the case root's st_dev, else `other`. */
export function devText(dirfd: number, name: string, rootFd: number): string {
  const flags = name === '' ? AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW : AT_SYMLINK_NOFOLLOW;
  const dev = fstatat(dirfd, name, flags).dev;
  return dev === fstatat(rootFd, '', AT_EMPTY_PATH).dev ? 'root' : 'other';
}
