// Kernel overlayfs, with mount options from the TARGET string.
import { localHost, type Host } from '../host.ts';
import { overlayReader, overlayWriter } from '../formats/overlayfs.ts';
import { userNamespaceCheck, userNamespaceHost } from './userns.ts';
import { userNamespaceSkip } from './userns-skip.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

/** Options a user may add after `overlayfs:`; the layer options are the harness's. */
const ALLOWED = /^(redirect_dir=(on|off|follow|nofollow)|index=(on|off)|xino=(on|off|auto)|metacopy=(on|off)|nfs_export=(on|off)|userxattr|volatile|uuid=(null|off|on|auto))$/;

export function overlayfsTarget(name: string, options: string[], host: Host = localHost): Target {
  for (const o of options) if (!ALLOWED.test(o)) throw new TargetError(`overlayfs: unknown or unsupported option '${o}' (allowed: redirect_dir, index, xino, metacopy, nfs_export, userxattr, volatile, uuid)`);
  const mountData = (l: Layout) => [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`, ...options].join(',');
  const userxattr = options.includes('userxattr');
  const prefix = userxattr ? 'user.overlay.' : 'trusted.overlay.';
  // userxattr here: mounted unprivileged, in the run's user namespace (userns.ts).
  const namespaced = userxattr && host === localHost;
  if (namespaced) host = userNamespaceHost();
  return {
    name,
    oracle: false,
    host,
    ...(namespaced ? { skipCase: userNamespaceSkip } : {}),
    reader: overlayReader(prefix),
    writer: overlayWriter(prefix),
    async check() {
      if ((await host.run(['id', '-u'])).stdout.trim() !== '0') return 'overlayfs needs root to mount (run as root)';
      const fss = (await host.run(['cat', '/proc/filesystems'])).stdout;
      if (!/\toverlay$/m.test(fss)) return "this kernel has no overlay filesystem (no 'overlay' in /proc/filesystems; try modprobe overlay)";
      return namespaced ? userNamespaceCheck() : null;
    },
    layout: standardLayout,
    // Through the executor's mount(2): a mount(8) process per case costs more than the case.
    mount: (l: Layout) => [{ send: { op: 'mount', source: 'overlay', target: l.mnt, fstype: 'overlay', data: mountData(l) } }],
    unmount: (l: Layout) => [{ send: { op: 'umount', target: l.mnt } }],
    async abort(l: Layout) {
      await host.run(['umount', '-l', l.mnt]);
    },
  };
}
