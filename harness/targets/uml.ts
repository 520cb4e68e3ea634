// uml[:overlayfs[:options] | :fuse-overlayfs[:options] | :aufs[:options] | :reference[:options]]
// The devkit's User-Mode Linux guest (kernel 6.1), booted for the run unless it
// is up already (make devkit-up), reached over ssh exactly like ssh:// targets,
// and halted at the end if the run booted it. Layers live on the guest's /scratch (ext4).
// uml:aufs boots the devkit's own kernel with aufs (make devkit-aufs) as a guest of its
// own name; every other fs runs on Debian's UML kernel.
import { spawnSync } from 'node:child_process';
import { remoteFuse } from '../remote/fuse-remote.ts';
import { shellLine } from '../remote/shell.ts';
import { SshHost } from '../remote/ssh-host.ts';
import { AUFS_KERNEL, GUEST_NODE, GUEST_SCRATCH, GUEST_SRC, PROJECT, UmlGuest, umlSettings } from '../remote/uml.ts';
import { ReferenceServer } from './reference-server.ts';
import { referenceTarget } from './reference.ts';
import { remoteTarget } from './ssh.ts';
import { TargetError, type Target } from './target.ts';

export function umlTarget(spec: string): Target {
  if (spec !== 'uml' && !spec.startsWith('uml:')) throw new TargetError(`'${spec}' is not a uml target (uml, uml:overlayfs, uml:fuse-overlayfs, uml:aufs, uml:reference)`);
  const rest = spec.slice(4);
  const i = rest.indexOf(':');
  const fs = (i < 0 ? rest : rest.slice(0, i)) || 'overlayfs';
  const options = i < 0 ? [] : rest.slice(i + 1).split(',').filter(Boolean);
  const guest = new UmlGuest(fs === 'aufs' ? umlSettings({ name: 'uc-umlaufs', kernel: AUFS_KERNEL }) : umlSettings());
  const host = new SshHost(guest.endpoint(), { base: GUEST_SCRATCH, beforeConnect: () => guest.ensureUp(), afterDispose: () => guest.release() });
  guest.beforeHalt = () => host.vanish('the UML guest was halted');
  const target = fs === 'reference' ? umlReference(spec, options, host) : remoteTarget(spec, host, fs, options);
  return {
    ...target,
    async check() {
      const bad = guest.problems() ?? (await target.check());
      if (bad) return bad;
      const mounts = await host.run(['cat', '/proc/self/mounts'], { mux: true });
      if (!mounts.stdout.split('\n').some((l) => l.split(' ')[1] === GUEST_SCRATCH)) return `the guest has no ${GUEST_SCRATCH} (its ext4 scratch disk did not come up; see ${guest.consoleLog})`;
      return null;
    },
  };
}

/**
 * unionref --serve in the guest, on one ssh channel, run by the host's own node binary that
 * make devkit copies into the root (Debian bookworm's nodejs is 18; the reference needs 20).
 * It runs the project tree's bundle, which the host builds (the guest sees the tree read-only).
 */
function umlReference(spec: string, options: string[], host: SshHost): Target {
  const unionref = `${PROJECT}/reference/bin/unionref`;
  const guestUnionref = `${GUEST_SRC}/reference/bin/unionref`;
  const fuse = remoteFuse(host);
  return referenceTarget(spec, options, {
    host,
    async check() {
      const bad = await host.check();
      if (bad) return bad;
      const built = spawnSync(unionref, ['--help'], { stdio: 'ignore', timeout: 60_000 });
      if (built.status !== 0) return `${unionref} --help failed here (exit ${built.status}): its bundle cannot be built for the guest`;
      const node = await host.run([GUEST_NODE, '--version'], { mux: true });
      if (node.code !== 0) return `the guest has no ${GUEST_NODE} (make devkit copies the host's node there): ${node.stderr.trim()}`;
      return null;
    },
    server: () => new ReferenceServer(() => host.session.spawn(shellLine(['env', `PATH=${GUEST_NODE.replace(/\/node$/, '')}:/usr/sbin:/usr/bin:/sbin:/bin`, guestUnionref, '--serve']))),
    abort: (mnt) => fuse.abort(mnt),
  });
}
