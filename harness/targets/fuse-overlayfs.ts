// fuse-overlayfs (Debian's package): overlayfs's on-disk format, served from user space.
import { overlayWriter } from '../formats/overlayfs.ts';
import { fuseOverlayfsReader } from '../formats/fuse-overlayfs.ts';
import { localHost, type Host } from '../host.ts';
import { daemon, fuseTargetCheck, localFuse, type FuseDaemons } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export function fuseOverlayfsTarget(name: string, options: string[], host: Host = localHost, daemons: FuseDaemons = localFuse): Target {
  for (const o of options) if (!/^(xino=(on|off|auto)|noacl|squash_to_root|static_nlink)$/.test(o)) throw new TargetError(`fuse-overlayfs: unknown or unsupported option '${o}'`);
  return {
    name,
    oracle: false,
    host,
    reader: fuseOverlayfsReader(),
    writer: overlayWriter(),
    check: () => fuseTargetCheck(host, 'fuse-overlayfs', 'fuse-overlayfs'),
    layout: standardLayout,
    // libfuse mounts nodev unless told `dev` (root only); kernel overlayfs and the reference open devices.
    mount: (l: Layout) => [
      daemon(daemons, ['fuse-overlayfs', '-f', '-o', [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`, 'allow_other', 'dev', ...options].join(','), l.mnt], l.mnt),
    ],
    unmount: (l: Layout) => [{ what: `umount ${l.mnt}`, run: () => daemons.stop(l.mnt) }],
    abort: (l: Layout) => daemons.abort(l.mnt),
  };
}
