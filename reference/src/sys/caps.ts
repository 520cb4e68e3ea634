// Whether the process behind a FUSE request holds CAP_SYS_ADMIN (its effective set, in
// /proc/PID/status), as overlayfs asks before it lists trusted.* names.
import * as fs from 'node:fs';

const CAP_SYS_ADMIN = 21n;

/** A caller whose status cannot be read (gone, or pid 0: not in our pid namespace) counts as root when its uid is 0. */
export function hasSysAdmin(pid: number, uid: number): boolean {
  let status: string;
  try {
    status = pid > 0 ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  } catch {
    status = '';
  }
  const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return eff === undefined ? uid === 0 : ((BigInt(`0x${eff}`) >> CAP_SYS_ADMIN) & 1n) === 1n;
}
