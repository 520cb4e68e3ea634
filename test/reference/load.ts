// CPU load for the stress tests: one busy loop per core, started and ended
// by the test itself (by pid).
import { type ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';

export interface Load {
  stop(): void;
}

export function loadEveryCore(): Load {
  const loops: ChildProcess[] = os.cpus().map(() => spawn('bash', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  return {
    stop: () => {
      for (const p of loops) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    },
  };
}

/** The count a stress test runs, from an environment variable (a positive integer) or its default. */
export function countFromEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${v}: not a positive integer`);
  return n;
}
