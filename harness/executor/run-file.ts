// The execfile op: runs a file of the case root as a program, to completion or
// for at most a few seconds. The file is handed to the child as an open fd
// (its fd 3) and executed as /proc/self/fd/3, so nothing outside the root is
// named; a script's interpreter reads it through the same fd. Without a cred
// the program runs as nobody; with one, as that user (the executor has
// switched to it).

import { spawnSync } from 'node:child_process';
import { fromNodeError } from './errors.ts';

const LIMIT_MS = 3000;
const NOBODY = 65534;

/** `exit=0 out="ran\n"`; a failed execve(2) is its errno; a program killed at the limit says `killed`. */
export function runFile(fd: number, asNobody: boolean): string {
  const r = spawnSync('/proc/self/fd/3', [], {
    stdio: ['ignore', 'pipe', 'ignore', fd],
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    timeout: LIMIT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 16,
    ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  const failed = r.status === null && r.signal === null ? fromNodeError(r.error) : null;
  if (failed !== null) throw failed;
  const out = JSON.stringify(r.stdout?.toString('utf8') ?? '');
  if (r.signal === 'SIGKILL') return `killed out=${out}`;
  return r.signal ? `signal=${r.signal} out=${out}` : `exit=${r.status} out=${out}`;
}
