// The UML guest's network: a namespace of our own with one tap device in it.
// Nothing of it exists in the host's namespace, so no packet of the guest's can
// leave the machine, and ssh reaches the guest only through a ProxyCommand
// that runs inside the namespace.
import { existsSync } from 'node:fs';
import { runProcess } from './proc.ts';

export interface GuestNet {
  ns: string;
  tap: string;
  hostIp: string;
  guestIp: string;
  prefix: number;
}

export const nsExists = (ns: string): boolean => existsSync(`/run/netns/${ns}`);

async function ip(...args: string[]): Promise<void> {
  const r = await runProcess('ip', args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
}

export async function createNet(n: GuestNet): Promise<void> {
  await ip('netns', 'add', n.ns);
  try {
    await ip('-n', n.ns, 'link', 'set', 'lo', 'up');
    await ip('-n', n.ns, 'tuntap', 'add', 'dev', n.tap, 'mode', 'tap');
    await ip('-n', n.ns, 'addr', 'add', `${n.hostIp}/${n.prefix}`, 'dev', n.tap);
    await ip('-n', n.ns, 'link', 'set', n.tap, 'up');
  } catch (e) {
    await deleteNet(n.ns);
    throw e;
  }
}

/** Deleting the namespace deletes the tap device in it. */
export async function deleteNet(ns: string): Promise<void> {
  if (nsExists(ns)) await ip('netns', 'del', ns);
}

/**
 * argv run in the namespace's network only. Not `ip netns exec`, which also makes the command a
 * mount namespace of its own: a copy of every mount of that moment (a FUSE mount of another run
 * among them), held for as long as the command (a guest: minutes) lives.
 */
export const inNet = (ns: string, argv: string[]): string[] => ['nsenter', `--net=/run/netns/${ns}`, ...argv];

/** The only way ssh reaches the guest: a TCP connect made inside the namespace. */
export const proxyCommand = (ns: string): string => inNet(ns, ['socat', '-', 'TCP:%h:%p,connect-timeout=3']).join(' ');

/** Whether something listens on guest:port, asked from inside the namespace. */
export async function answers(ns: string, addr: string, port: number): Promise<boolean> {
  const [cmd, ...args] = inNet(ns, ['socat', '-u', 'OPEN:/dev/null', `TCP:${addr}:${port},connect-timeout=1`]);
  const r = await runProcess(cmd!, args, { timeoutMs: 5_000 });
  return r.code === 0;
}
