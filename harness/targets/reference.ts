// The bundled reference filesystem, unionref: one `unionref --serve` child per
// run (reference-server.ts) makes every case's mount, started on the first
// mount and ended by close() at the end of the run. A server that stops
// answering is killed and replaced for the next case.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { overlayReader, overlayWriter } from '../formats/overlayfs.ts';
import { localHost, type Host } from '../host.ts';
import { ownMounts, type MountSpace } from '../mounts.ts';
import { userNamespaceCheck, userNamespaceHost } from './userns.ts';
import { userNamespaceSkip } from './userns-skip.ts';
import { abortFuse, MountError } from './fuse-daemon.ts';
import { ReferenceServer, ServerGone } from './reference-server.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

const UNIONREF = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'reference/bin/unionref');

const MOUNT_TIMEOUT_MS = 15_000;
/** The server waits up to 4 s for a server thread to end after its unmount. */
const UNMOUNT_TIMEOUT_MS = 10_000;

/** Where unionref runs: here, or on another machine (the UML guest: uml:reference). */
export interface ReferencePlace {
  host: Host;
  check(): Promise<string | null>;
  /** space: the mounts a local server runs in (the run's user namespace, for userxattr). */
  server(space: MountSpace): ReferenceServer;
  /** FUSE abort and lazy unmount of `mnt` on that machine. */
  abort(mnt: string, space: MountSpace): Promise<void>;
}

const HERE: ReferencePlace = {
  host: localHost,
  async check() {
    if (process.getuid?.() !== 0) return 'the reference target needs root here (the suite switches users and mounts)';
    if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (modprobe fuse)';
    if (!existsSync(UNIONREF)) return `${UNIONREF} is missing`;
    return null;
  },
  server: (space) => new ReferenceServer(UNIONREF, space),
  abort: abortFuse,
};

export function referenceTarget(name: string, options: string[], place: ReferencePlace = HERE): Target {
  for (const o of options) if (o !== 'userxattr') throw new TargetError(`reference: unknown option '${o}' (known: userxattr)`);
  const userxattr = options.includes('userxattr');
  const prefix = userxattr ? 'user.overlay.' : 'trusted.overlay.';
  // userxattr: the server mounts unprivileged, in the run's user namespace (userns.ts).
  if (userxattr && place !== HERE) throw new TargetError('reference: userxattr runs on this machine only');
  const namespaced = userxattr ? userNamespaceHost() : null;
  const host = namespaced ?? place.host;
  const space = (): MountSpace => namespaced?.namespace() ?? ownMounts;
  let server: ReferenceServer | null = null;
  const current = (): ReferenceServer => {
    if (server === null || !server.alive) server = place.server(space());
    return server;
  };
  /**
   * One request. A server that does not answer in time is killed (what it
   * had mounted is detached); one found dead gets a successor, which is
   * asked again if `retry` (a mount: the dead server made nothing of it).
   */
  const ask = async (op: 'mount' | 'unmount', l: Layout, timeoutMs: number, retry: boolean): Promise<string | null> => {
    const opts = [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`, ...options].join(',');
    const s = op === 'mount' ? current() : server;
    if (s === null) return `${l.mnt}: not mounted by unionref --serve`;
    try {
      return await s.request(op === 'mount' ? { op, options: opts, mnt: l.mnt } : { op, mnt: l.mnt }, timeoutMs);
    } catch (e) {
      if (!(e instanceof ServerGone)) throw e;
      const died = !s.alive;
      await s.kill();
      if (died && retry) return ask(op, l, timeoutMs, false);
      throw new MountError(e.message);
    }
  };
  return {
    name,
    oracle: false,
    host,
    ...(userxattr ? { skipCase: userNamespaceSkip } : {}),
    reader: overlayReader(prefix),
    writer: overlayWriter(prefix),
    async check() {
      const missing = await place.check();
      return missing ?? (userxattr ? userNamespaceCheck() : null);
    },
    layout: standardLayout,
    mount: (l: Layout) => [{
      what: `unionref on ${l.mnt}`,
      async run() {
        const error = await ask('mount', l, MOUNT_TIMEOUT_MS, true);
        if (error !== null) throw new MountError(`mount ${l.mnt}: ${error}`);
      },
    }],
    unmount: (l: Layout) => [{
      what: `umount ${l.mnt}`,
      async run() {
        if (!server?.mounts.has(l.mnt)) throw new MountError(`${l.mnt}: not mounted by unionref --serve`);
        const error = await ask('unmount', l, UNMOUNT_TIMEOUT_MS, false);
        if (error !== null) throw new MountError(error);
      },
    }],
    async abort(l: Layout) {
      await place.abort(l.mnt, space()); // FUSE abort + lazy umount: frees the mount whatever the server does
      const s = server;
      if (s === null || !s.alive || !s.mounts.has(l.mnt)) return;
      // Its server thread ends once the connection is aborted; one that does not is stuck: restart the server.
      const error = await ask('unmount', l, 5_000, false).catch(() => 'no answer');
      if (error !== null && s.alive) await s.kill();
    },
    async close() {
      const s = server;
      server = null;
      await s?.close();
    },
  };
}
