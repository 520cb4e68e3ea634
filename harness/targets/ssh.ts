// ssh://[user@]host[:port][/base]?fs=overlayfs[,options]|fuse-overlayfs[,options]|aufs[,options][&node=PATH][&config=FILE]
// The same overlayfs, fuse-overlayfs and aufs adapters, on a host reached over ssh.
//   base    remote directory for the run's scratch dirs (default /tmp)
//   node    the remote node binary (default: node on the remote PATH)
//   config  an ssh_config file to use instead of ~/.ssh/config (ssh -F)
import { remoteFuse } from '../remote/fuse-remote.ts';
import { aufsTarget } from './aufs.ts';
import { SshHost } from '../remote/ssh-host.ts';
import type { SshEndpoint } from '../remote/ssh-session.ts';
import { fuseOverlayfsTarget } from './fuse-overlayfs.ts';
import { overlayfsTarget } from './overlayfs.ts';
import type { Action, Barrier } from '../plan/plan.ts';
import { MountError } from './fuse-daemon.ts';
import { TargetError, type Layout, type Target } from './target.ts';

export const REMOTE_FS = ['overlayfs', 'fuse-overlayfs', 'aufs'] as const;

export function sshTarget(spec: string): Target {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new TargetError(`'${spec}' is not an ssh:// URL (ssh://user@host:port/base?fs=overlayfs)`);
  }
  if (url.hostname === '') throw new TargetError(`${spec}: no host`);
  for (const k of url.searchParams.keys()) if (!['fs', 'node', 'config'].includes(k)) throw new TargetError(`${spec}: unknown parameter '${k}' (known: fs, node, config)`);
  const [fs = 'overlayfs', ...fsOptions] = (url.searchParams.get('fs') ?? 'overlayfs').split(',').filter(Boolean);
  const base = decodeURIComponent(url.pathname) || '/tmp';
  if (!base.startsWith('/') || base.split('/').includes('..')) throw new TargetError(`${spec}: the remote base directory must be an absolute path`);
  const endpoint: SshEndpoint = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(url.searchParams.get('config') ? { configFile: url.searchParams.get('config')! } : {}),
  };
  const node = url.searchParams.get('node');
  return remoteTarget(spec, new SshHost(endpoint, { base: base === '/' ? '/tmp' : base.replace(/\/+$/, ''), ...(node ? { node } : {}) }), fs, fsOptions);
}

/** An adapter on `host`, whose check also checks the remote, and whose mounts fail as ExecutorGone when the connection does. */
export function remoteTarget(name: string, host: SshHost, fs: string, options: string[]): Target {
  let inner: Target;
  if (fs === 'overlayfs') inner = overlayfsTarget(name, options, host);
  else if (fs === 'fuse-overlayfs') inner = fuseOverlayfsTarget(name, options, host, remoteFuse(host));
  else if (fs === 'aufs') inner = aufsTarget(name, options, host);
  else throw new TargetError(`${name}: fs must be one of ${REMOTE_FS.join(', ')} (got '${fs}')`);
  // Each mount and unmount on its own, so that a lost connection is reported as such.
  const transport = (a: Action): Barrier => ({
    what: 'send' in a ? a.send.op : a.what,
    async run(io) {
      host.connectionOk();
      try {
        if (!('send' in a)) return void (await a.run(io));
        const r = await io.send(a.send);
        if (!r.ok) throw new MountError(`${a.send.op} on ${host.label}: ${'errno' in r ? r.errno : r.refused}`);
      } catch (e) {
        throw host.connectionLost() ?? e;
      }
    },
  });
  return {
    ...inner,
    name,
    async check() {
      return (await host.check()) ?? (await inner.check());
    },
    mount: (l: Layout) => inner.mount(l).map(transport),
    unmount: (l: Layout) => inner.unmount(l).map(transport),
  };
}
