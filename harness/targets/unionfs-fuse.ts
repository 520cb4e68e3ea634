// unionfs-fuse in copy-on-write mode (Debian's package): its own on-disk format.
import { existsSync } from 'node:fs';
import { unionfsReader, unionfsWriter } from '../formats/unionfs.ts';
import { localHost } from '../host.ts';
import { abortFuse, startFuse, stopFuse } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export function unionfsFuseTarget(name: string, options: string[]): Target {
  if (options.length) throw new TargetError(`unionfs-fuse takes no options here (got ${options.join(',')})`);
  return {
    name,
    oracle: false,
    host: localHost,
    reader: unionfsReader(),
    writer: unionfsWriter(),
    async check() {
      if (process.getuid?.() !== 0) return 'unionfs-fuse targets need root here (the suite switches users and mounts)';
      if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (modprobe fuse)';
      if ((await localHost.run(['sh', '-c', 'command -v unionfs'])).code !== 0) return 'unionfs-fuse is not installed (apt-get install unionfs-fuse)';
      return null;
    },
    layout: standardLayout,
    // Branches top first: the upper read-write, then each lower read-only. The
    // workdir is not used: unionfs-fuse copies up in place.
    mount: (l: Layout) =>
      startFuse(['unionfs', '-f', '-o', 'cow,allow_other,use_ino,suid,dev,hide_meta_files', [`${l.upper}=RW`, ...l.lowers.map((p) => `${p}=RO`)].join(':'), l.mnt], l.mnt),
    unmount: (l: Layout) => stopFuse(l.mnt),
    abort: (l: Layout) => abortFuse(l.mnt),
  };
}
