// The three union implementations the benchmark compares, each mounted on
// the same lower layer with its own fresh upper/work.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REF_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/unionref');

/** variant: measured only where a benchmark asks for it (Bench.variants), shown '-' elsewhere. */
export interface Target { name: string; mount: (opts: string, mnt: string) => void; variant?: boolean }

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: status ${r.status} signal ${r.signal} ${r.stderr}`);
}

export const TARGETS: Target[] = [
  { name: 'reference', mount: (o, mnt) => run(REF_BIN, ['-o', o, mnt]) },
  // overlayfs's volatile: no fsync of a copyup (fuse-overlayfs never syncs one; kernel overlayfs does by default)
  { name: 'reference-volatile', mount: (o, mnt) => run(REF_BIN, ['-o', `${o},volatile`, mnt]), variant: true },
  { name: 'fuse-overlayfs', mount: (o, mnt) => run('fuse-overlayfs', ['-o', o, mnt]) },
  { name: 'kernel', mount: (o, mnt) => run('mount', ['-t', 'overlay', 'overlay', '-o', o, mnt]) },
];

export function isMounted(mnt: string): boolean {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === mnt);
}

/** Unmounts, retrying a busy mount for a few seconds before detaching it. */
export function unmount(mnt: string): void {
  for (let i = 0; i < 100 && isMounted(mnt); i++) {
    spawnSync('umount', [mnt]);
    if (isMounted(mnt)) spawnSync('sleep', ['0.05']);
  }
  if (isMounted(mnt)) spawnSync('umount', ['-l', mnt]);
  if (isMounted(mnt)) throw new Error(`cannot unmount ${mnt}`);
}

/** Lazily unmounts everything mounted below dir (cleanup before removing it). */
export function unmountAllUnder(dir: string): void {
  const mnts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));
  for (const m of mnts.reverse()) spawnSync('umount', ['-l', m]);
}

/** The pid of the FUSE server that has mnt among its arguments, or null (kernel overlayfs). */
export function serverPid(mnt: string): number | null {
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let args: string[];
    try {
      args = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (args.includes(mnt)) return Number(e);
  }
  return null;
}

/** Peak resident set (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(m[1]) / 1024;
}
