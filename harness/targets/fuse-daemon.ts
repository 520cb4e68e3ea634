// A FUSE filesystem served by a child process we start in the foreground: we
// know its pid, wait for its mount, and can always free a hung mount.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { localHost, type Host } from '../host.ts';
import { mountInfo, ownMounts, type MountSpace } from '../mounts.ts';
import type { Barrier } from '../plan/plan.ts';

const daemons = new Map<string, ChildProcess>();

process.on('exit', () => {
  for (const child of daemons.values()) if (child.exitCode === null && child.pid) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
});

export { mountInfo };

export class MountError extends Error {}

/** Starts `argv` (which must stay in the foreground) and resolves once `mnt` is mounted. */
export async function startFuse(argv: string[], mnt: string, timeoutMs = 15_000): Promise<void> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  daemons.set(mnt, child);
  const deadline = Date.now() + timeoutMs;
  while (!mountInfo(mnt)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      daemons.delete(mnt);
      throw new MountError(`${argv[0]} exited (${child.exitCode ?? child.signalCode}) before mounting: ${stderr.trim()}`);
    }
    if (Date.now() > deadline) {
      await stopDaemon(mnt);
      throw new MountError(`${argv[0]} timed out after ${timeoutMs / 1000} s: nothing was mounted at ${mnt}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Clean unmount: the daemon exits by itself once its mount is gone. */
export async function stopFuse(mnt: string): Promise<void> {
  const r = await localHost.run(['umount', mnt], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new MountError(`umount ${mnt}: ${r.stderr.trim()}`);
  await waitExit(mnt, 5_000);
}

/** For a hung or crashed filesystem: abort the FUSE connection, detach, and end the daemon; `space`: where it is mounted. */
export async function abortFuse(mnt: string, space: MountSpace = ownMounts): Promise<void> {
  const info = mountInfo(mnt, space.table());
  if (info) {
    const conns = '/sys/fs/fuse/connections';
    if (existsSync(conns) && readdirSync(conns).length === 0) await localHost.run(['mount', '-t', 'fusectl', 'fusectl', conns]);
    const abort = `${conns}/${info.devMinor}/abort`;
    if (existsSync(abort)) writeFileSync(abort, '1');
    await localHost.run(space.enter(['umount', '-l', mnt]));
  }
  await stopDaemon(mnt);
}

async function waitExit(mnt: string, ms: number): Promise<void> {
  const child = daemons.get(mnt);
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const late = new Promise<'late'>((r) => setTimeout(() => r('late'), ms).unref());
    if ((await Promise.race([exited, late])) === 'late') await stopDaemon(mnt);
  }
  daemons.delete(mnt);
}

async function stopDaemon(mnt: string): Promise<void> {
  const child = daemons.get(mnt);
  daemons.delete(mnt);
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGKILL');
  await exited;
}

/** How a FUSE target starts and ends its daemon: as our child here, or on another host (harness/remote/fuse-remote.ts). */
export interface FuseDaemons {
  /** Starts `argv` (a daemon that stays in the foreground) and resolves once `mnt` is mounted. */
  start(argv: string[], mnt: string): Promise<void>;
  stop(mnt: string): Promise<void>;
  abort(mnt: string): Promise<void>;
}

export const localFuse: FuseDaemons = { start: (argv, mnt) => startFuse(argv, mnt), stop: stopFuse, abort: abortFuse };

/** The barrier that starts a FUSE daemon serving `mnt`. */
export const daemon = (daemons: FuseDaemons, argv: string[], mnt: string): Barrier => ({ what: `${argv[0]} on ${mnt}`, run: () => daemons.start(argv, mnt) });

/** What a FUSE target needs on its host, each missing piece said plainly; null when all is there. */
export async function fuseTargetCheck(host: Host, binary: string, pkg: string): Promise<string | null> {
  if ((await host.run(['id', '-u'])).stdout.trim() !== '0') return `${pkg} targets need root here (the suite switches users and mounts)`;
  if ((await host.run(['test', '-c', '/dev/fuse'])).code !== 0) return '/dev/fuse is missing (modprobe fuse)';
  if ((await host.run(['sh', '-c', `command -v ${binary}`])).code !== 0) return `${pkg} is not installed (apt-get install ${pkg})`;
  return null;
}
