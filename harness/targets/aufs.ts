// aufs, where the kernel has it (this project's VM does not): every case is
// skipped with the reason, so a run says plainly why nothing was checked.
import { readFileSync } from 'node:fs';
import { aufsReader, aufsWriter } from '../formats/aufs.ts';
import { localHost, must } from '../host.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export function aufsTarget(name: string, options: string[]): Target {
  for (const o of options) if (!/^(udba=(none|reval|notify)|xino=.+|noxino|dirperm1|shwh|noplink)$/.test(o)) throw new TargetError(`aufs: unknown or unsupported option '${o}'`);
  return {
    name,
    oracle: false,
    host: localHost,
    reader: aufsReader(),
    writer: aufsWriter(),
    check: async () => (process.getuid?.() !== 0 ? 'aufs needs root to mount' : null),
    skipReason() {
      const fss = readFileSync('/proc/filesystems', 'utf8');
      if (/\taufs$/m.test(fss)) return null;
      return { tag: 'no-aufs-in-kernel', why: 'aufs is not in this kernel: /proc/filesystems has no aufs (modprobe aufs where it is built)' };
    },
    layout: standardLayout,
    mount: (l: Layout) => {
      const br = [`${l.upper}=rw`, ...l.lowers.map((p) => `${p}=ro`)].join(':');
      return [{ what: `aufs on ${l.mnt}`, run: async () => void (await must(localHost, ['mount', '-t', 'aufs', '-o', [`br=${br}`, ...options].join(','), 'none', l.mnt])) }];
    },
    unmount: (l: Layout) => [{ what: `umount ${l.mnt}`, run: async () => void (await must(localHost, ['umount', l.mnt])) }],
    abort: async (l: Layout) => void (await localHost.run(['umount', '-l', l.mnt])),
  };
}
