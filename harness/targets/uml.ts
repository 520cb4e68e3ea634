// uml[:overlayfs[:options] | :fuse-overlayfs[:options] | :reference]
// The devkit's User-Mode Linux guest (kernel 6.1), booted for the run unless it
// is up already (make devkit-up), reached over ssh exactly like ssh:// targets,
// and halted at the end if the run booted it. Layers live on the guest's /scratch (ext4).
import { SshHost } from '../remote/ssh-host.ts';
import { GUEST_SCRATCH, UmlGuest } from '../remote/uml.ts';
import { remoteTarget } from './ssh.ts';
import { standardLayout, TargetError, type Target } from './target.ts';

export function umlTarget(spec: string): Target {
  if (spec !== 'uml' && !spec.startsWith('uml:')) throw new TargetError(`'${spec}' is not a uml target (uml, uml:overlayfs, uml:fuse-overlayfs, uml:reference)`);
  const rest = spec.slice(4);
  const i = rest.indexOf(':');
  const fs = (i < 0 ? rest : rest.slice(0, i)) || 'overlayfs';
  const options = i < 0 ? [] : rest.slice(i + 1).split(',').filter(Boolean);
  const guest = new UmlGuest();
  const host = new SshHost(guest.endpoint(), { base: GUEST_SCRATCH, beforeConnect: () => guest.ensureUp(), afterDispose: () => guest.release() });
  guest.beforeHalt = () => host.vanish('the UML guest was halted');
  if (fs === 'reference') return umlReference(spec, guest, host);
  const target = remoteTarget(spec, host, fs, options);
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

/** The reference filesystem needs Node.js 20 (package.json engines); Debian bookworm's guest has 18. Say so rather than try. */
function umlReference(spec: string, guest: UmlGuest, host: SshHost): Target {
  const why = () => `the reference filesystem cannot run in the UML guest: it needs Node.js 20 or later, and the guest has nodejs ${guest.nodeVersion() ?? '(unknown: no devkit root yet)'} (Debian bookworm)`;
  const refuse = () => [{ what: 'unionref in the guest', run: async () => { throw new TargetError(why()); } }];
  return {
    name: spec,
    oracle: false,
    host,
    check: async () => guest.problems() ?? why(),
    layout: standardLayout,
    mount: refuse,
    unmount: refuse,
    abort: async () => {},
  };
}
