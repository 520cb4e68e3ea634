// This process's mount table, read from /proc/self/mountinfo: never touches the
// (possibly hung) filesystems themselves.
import { readFileSync } from 'node:fs';

export interface MountInfo {
  mountPoint: string;
  devMinor: number;
  fsType: string;
  source: string;
}

/** The kernel writes space, tab, newline and backslash in paths as \ooo. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** `from`: another process's table (/proc/PID/mountinfo), seen from its mount namespace. */
export function mountTable(from = '/proc/self/mountinfo'): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of readFileSync(from, 'utf8').split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0 || f.length < 10) continue;
    out.push({ mountPoint: unescape(f[4]!), devMinor: Number(f[2]!.split(':')[1]), fsType: f[sep + 1]!, source: unescape(f[sep + 2]!) });
  }
  return out;
}

/** The topmost mount at `mnt`, if any: in this process's table, or in `table` (a MountSpace's). */
export const mountInfo = (mnt: string, table: MountInfo[] = mountTable()): MountInfo | undefined =>
  [...table].reverse().find((m) => m.mountPoint === mnt);

/** Mount points at or below `dir`, in mount order. */
export const mountsUnder = (dir: string): string[] =>
  mountTable().map((m) => m.mountPoint).filter((m) => m === dir || m.startsWith(`${dir}/`));

/** Where a target's mounts live: this process's mount namespace, or a user namespace's (targets/userns.ts). */
export interface MountSpace {
  /** argv run where the mounts are. */
  enter(argv: string[]): string[];
  table(): MountInfo[];
}

export const ownMounts: MountSpace = { enter: (argv) => argv, table: () => mountTable() };
