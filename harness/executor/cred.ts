// Per-request credentials: supplementary groups, then gid, then uid, for the
// duration of one call; back to root (uid 0, gid 0, no groups) afterwards,
// also when the call fails.
//
// Real and effective ids are both switched (setresuid(uid, uid, 0)), so that
// access(2), which checks the real ids, answers for the requested user too;
// the saved id stays 0, which is what makes the switch reversible.

import type { Cred } from '../protocol.ts';
import { Refused } from './errors.ts';
import { raw, sys } from './libc.ts';

function setgroups(groups: number[]): void {
  if (process.setgroups === undefined) throw new Refused('this platform cannot switch credentials');
  process.setgroups(groups);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function isRoot(): boolean {
  return typeof process.geteuid === 'function' && process.geteuid() === 0;
}

/** Puts the process in its resting state: root with no supplementary groups. */
export function restoreRoot(): void {
  sys('setresuid', () => raw.setresuid(0, 0, 0));
  sys('setresgid', () => raw.setresgid(0, 0, 0));
  setgroups([]);
}

export function withCred<T>(cred: Cred | null | undefined, f: () => T): T {
  if (cred === undefined || cred === null) return f();
  if (!isRoot()) throw new Refused('cred needs an executor running as root');
  try {
    setgroups(cred.groups ?? []);
    sys('setresgid', () => raw.setresgid(cred.gid, cred.gid, 0));
    sys('setresuid', () => raw.setresuid(cred.uid, cred.uid, 0));
  } catch (e) {
    restoreRoot();
    throw new Refused(`cannot set credentials ${JSON.stringify(cred)}: ${message(e)}`);
  }
  try {
    return f();
  } finally {
    restoreRoot();
  }
}
