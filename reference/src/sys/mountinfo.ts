// Reading /proc/self/mountinfo: finds a mount without touching it (the
// server must never access its own mount point).
import * as fs from 'node:fs';

export interface MountEntry { devMajor: number; devMinor: number; mountpoint: string; fstype: string }

const unescapeField = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The mounts at mountpoint, bottom first (the last one is what the path shows). */
export function findMounts(mountpoint: string): MountEntry[] {
  const found: MountEntry[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f.length < 10 || unescapeField(f[4]!) !== mountpoint) continue;
    const [maj, min] = f[2]!.split(':').map(Number);
    found.push({ devMajor: maj!, devMinor: min!, mountpoint, fstype: f[f.indexOf('-') + 1]! });
  }
  return found;
}

/** The topmost mount at mountpoint, if any. */
export function findMount(mountpoint: string): MountEntry | undefined {
  return findMounts(mountpoint).at(-1);
}
