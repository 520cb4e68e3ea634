// aufs: br=UPPER=rw:LOWER0=ro:..., mounted by mount(8) on the target's machine, with the
// options from the TARGET string. Here, where the kernel has no aufs (Debian dropped it),
// every case is skipped with the reason; uml:aufs runs it in the devkit's aufs kernel.
import { readFileSync } from 'node:fs';
import { aufsReader, aufsWriter } from '../formats/aufs.ts';
import { localHost, must, type Host } from '../host.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

/** Options a user may add after `aufs:`; the branches are the harness's. */
const ALLOWED = /^(udba=(none|reval|notify)|xino=.+|noxino|dirperm1|nodirperm1|shwh|noplink|dirren|nodirren)$/;

export function aufsTarget(name: string, options: string[], host: Host = localHost): Target {
  for (const o of options) if (!ALLOWED.test(o)) throw new TargetError(`aufs: unknown or unsupported option '${o}' (allowed: udba=none|reval|notify, xino=PATH, noxino, dirperm1, shwh, noplink, dirren)`);
  const mountData = (l: Layout) => [`br=${[`${l.upper}=rw`, ...l.lowers.map((p) => `${p}=ro`)].join(':')}`, ...options].join(',');
  const hasAufs = (fss: string) => /\taufs$/m.test(fss);
  return {
    name,
    oracle: false,
    host,
    reader: aufsReader(),
    writer: aufsWriter(),
    async check() {
      if ((await host.run(['id', '-u'])).stdout.trim() !== '0') return 'aufs needs root to mount (run as root)';
      if (host === localHost) return null; // skipReason says it when the kernel has no aufs
      if (!hasAufs((await host.run(['cat', '/proc/filesystems'])).stdout)) return `the kernel on ${host.name} has no aufs (no 'aufs' in /proc/filesystems)`;
      return null;
    },
    ...(host === localHost
      ? {
          skipReason() {
            if (hasAufs(readFileSync('/proc/filesystems', 'utf8'))) return null;
            return { tag: 'no-aufs-in-kernel', why: 'aufs is not in this kernel: /proc/filesystems has no aufs (TARGET=uml:aufs runs it in the devkit, make devkit-aufs)' };
          },
        }
      : {}),
    layout: standardLayout,
    // mount(8): the executor's mount(2) takes only overlay and tmpfs.
    mount: (l: Layout) => [{ what: `aufs on ${l.mnt}`, run: async () => void (await must(host, ['mount', '-t', 'aufs', '-o', mountData(l), 'none', l.mnt])) }],
    unmount: (l: Layout) => [{ what: `umount ${l.mnt}`, run: async () => void (await must(host, ['umount', l.mnt])) }],
    async abort(l: Layout) {
      await host.run(['umount', '-l', l.mnt]);
    },
  };
}
