// unionfs-fuse in copy-on-write mode (Debian's package): its own on-disk format.
import { unionfsReader, unionfsWriter } from '../formats/unionfs.ts';
import { localHost, type Host } from '../host.ts';
import { daemon, fuseTargetCheck, localFuse, type FuseDaemons } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export function unionfsFuseTarget(name: string, options: string[], host: Host = localHost, daemons: FuseDaemons = localFuse): Target {
  if (options.length) throw new TargetError(`unionfs-fuse takes no options here (got ${options.join(',')})`);
  return {
    name,
    oracle: false,
    host,
    reader: unionfsReader(),
    writer: unionfsWriter(),
    check: () => fuseTargetCheck(host, 'unionfs', 'unionfs-fuse'),
    layout: standardLayout,
    // Branches top first: the upper read-write, then each lower read-only. The
    // workdir is not used: unionfs-fuse copies up in place.
    mount: (l: Layout) => [
      daemon(daemons, ['unionfs', '-f', '-o', 'cow,allow_other,use_ino,suid,dev,hide_meta_files', [`${l.upper}=RW`, ...l.lowers.map((p) => `${p}=RO`)].join(':'), l.mnt], l.mnt),
    ],
    unmount: (l: Layout) => [{ what: `umount ${l.mnt}`, run: () => daemons.stop(l.mnt) }],
    abort: (l: Layout) => daemons.abort(l.mnt),
  };
}
