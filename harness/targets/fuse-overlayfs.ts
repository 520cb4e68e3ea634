// fuse-overlayfs (Debian's package): overlayfs's on-disk format, served from user space.
import { existsSync } from 'node:fs';
import { overlayWriter } from '../formats/overlayfs.ts';
import { fuseOverlayfsReader } from '../formats/fuse-overlayfs.ts';
import { localHost } from '../host.ts';
import { abortFuse, startFuse, stopFuse } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export function fuseOverlayfsTarget(name: string, options: string[]): Target {
  for (const o of options) if (!/^(xino=(on|off|auto)|noacl|squash_to_root|static_nlink)$/.test(o)) throw new TargetError(`fuse-overlayfs: unknown or unsupported option '${o}'`);
  return {
    name,
    oracle: false,
    host: localHost,
    reader: fuseOverlayfsReader(),
    writer: overlayWriter(),
    async check() {
      if (process.getuid?.() !== 0) return 'fuse-overlayfs targets need root here (the suite switches users and mounts)';
      if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (modprobe fuse)';
      const which = await localHost.run(['sh', '-c', 'command -v fuse-overlayfs']);
      if (which.code !== 0) return 'fuse-overlayfs is not installed (apt-get install fuse-overlayfs)';
      return null;
    },
    layout: standardLayout,
    mount: (l: Layout) =>
      startFuse(['fuse-overlayfs', '-f', '-o', [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`, 'allow_other', ...options].join(','), l.mnt], l.mnt),
    unmount: (l: Layout) => stopFuse(l.mnt),
    abort: (l: Layout) => abortFuse(l.mnt),
  };
}
