// Kernel overlayfs, with mount options from the TARGET string.
import { localHost, must, type Host } from '../host.ts';
import { overlayReader, overlayWriter } from '../formats/overlayfs.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';
import type { Executor } from '../requests.ts';
import type { Op } from '../protocol.ts';

async function syscall(ex: Executor, op: Op): Promise<void> {
  const r = await ex.call(op, 30_000);
  if (!r.ok) throw new Error(`${op.op} ${'target' in op ? op.target : ''}: ${'errno' in r ? r.errno : r.refused}`);
}

/** Options a user may add after `overlayfs:`; the layer options are the harness's. */
const ALLOWED = /^(redirect_dir=(on|off|follow|nofollow)|index=(on|off)|xino=(on|off|auto)|metacopy=(on|off)|nfs_export=(on|off)|userxattr|volatile|uuid=(null|off|on|auto))$/;

export function overlayfsTarget(name: string, options: string[], host: Host = localHost): Target {
  for (const o of options) if (!ALLOWED.test(o)) throw new TargetError(`overlayfs: unknown or unsupported option '${o}' (allowed: redirect_dir, index, xino, metacopy, nfs_export, userxattr, volatile, uuid)`);
  const mountData = (l: Layout) => [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`, ...options].join(',');
  const mountOp = (l: Layout): Op => ({ op: 'mount', source: 'overlay', target: l.mnt, fstype: 'overlay', data: mountData(l) });
  const prefix = options.includes('userxattr') ? 'user.overlay.' : 'trusted.overlay.';
  return {
    name,
    oracle: false,
    host,
    reader: overlayReader(prefix),
    writer: overlayWriter(prefix),
    async check() {
      if ((await host.run(['id', '-u'])).stdout.trim() !== '0') return 'overlayfs needs root to mount (run as root)';
      const fss = (await host.run(['cat', '/proc/filesystems'])).stdout;
      if (!/\toverlay$/m.test(fss)) return "this kernel has no overlay filesystem (no 'overlay' in /proc/filesystems; try modprobe overlay)";
      return null;
    },
    layout: standardLayout,
    // Through the executor's mount(2) when there is one: a mount(8) process per case costs more than the case.
    async mount(l: Layout, ex?: Executor) {
      if (ex) await syscall(ex, mountOp(l));
      else await must(host, ['mount', '-t', 'overlay', 'overlay', '-o', mountData(l), l.mnt]);
    },
    mountOps: (l: Layout) => ({ mount: [mountOp(l)], unmount: [{ op: 'umount', target: l.mnt }] }),
    async unmount(l: Layout, ex?: Executor) {
      if (ex) await syscall(ex, { op: 'umount', target: l.mnt });
      else await must(host, ['umount', l.mnt]);
    },
    async abort(l: Layout) {
      await host.run(['umount', '-l', l.mnt]);
    },
  };
}
