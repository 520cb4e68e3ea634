// A FUSE filesystem served by a child process we start in the foreground: we
// know its pid, wait for its mount, and can always free a hung mount.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { localHost } from '../host.ts';

const daemons = new Map<string, ChildProcess>();

process.on('exit', () => {
  for (const child of daemons.values()) if (child.exitCode === null && child.pid) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
});

interface MountInfo {
  mountPoint: string;
  devMinor: number;
  fsType: string;
}

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Reads the mount table only: never touches the (possibly hung) filesystem itself. */
export function mountInfo(mnt: string): MountInfo | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0 || unescape(f[4] ?? '') !== mnt) continue;
    return { mountPoint: mnt, devMinor: Number((f[2] ?? '0:0').split(':')[1]), fsType: f[sep + 1] ?? '' };
  }
  return undefined;
}

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
      throw new MountError(`${argv[0]} did not mount ${mnt} within ${timeoutMs} ms: ${stderr.trim()}`);
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

/** For a hung or crashed filesystem: abort the FUSE connection, detach, and end the daemon. */
export async function abortFuse(mnt: string): Promise<void> {
  const info = mountInfo(mnt);
  if (info) {
    const conns = '/sys/fs/fuse/connections';
    if (existsSync(conns) && readdirSync(conns).length === 0) await localHost.run(['mount', '-t', 'fusectl', 'fusectl', conns]);
    const abort = `${conns}/${info.devMinor}/abort`;
    if (existsSync(abort)) writeFileSync(abort, '1');
    await localHost.run(['umount', '-l', mnt]);
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
