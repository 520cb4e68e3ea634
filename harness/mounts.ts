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

export function mountTable(): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0 || f.length < 10) continue;
    out.push({ mountPoint: unescape(f[4]!), devMinor: Number(f[2]!.split(':')[1]), fsType: f[sep + 1]!, source: unescape(f[sep + 2]!) });
  }
  return out;
}

/** The topmost mount at `mnt`, if any. */
export const mountInfo = (mnt: string): MountInfo | undefined => mountTable().reverse().find((m) => m.mountPoint === mnt);

/** Mount points at or below `dir`, in mount order. */
export const mountsUnder = (dir: string): string[] =>
  mountTable().map((m) => m.mountPoint).filter((m) => m === dir || m.startsWith(`${dir}/`));
