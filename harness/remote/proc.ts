// Runs a local program to completion with a time limit. Each program gets its
// own process group, so a Ctrl-C on the terminal reaches the harness (which
// then cleans up over ssh) and not the ssh clients it still needs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { CommandResult } from '../command.ts';

// Programs still running when the harness exits are ended with it (they have their own process groups).
const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) killGroup(pid);
});

export interface ProcOptions {
  input?: string | Buffer;
  timeoutMs?: number;
}

export function runProcess(cmd: string, args: readonly string[], opts: ProcOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) running.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {
      // the program exited without reading all its input; its status says why
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: '', stderr: `${cmd}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      const stderr = Buffer.concat(err).toString('utf8');
      const why = timedOut ? `${cmd}: no answer within ${opts.timeoutMs ?? 30_000} ms\n` : '';
      resolve({ code: code ?? (signal ? 128 : -1), stdout: Buffer.concat(out).toString('utf8'), stderr: why + stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Sends a signal; a process that is gone already is not an error (exit hooks must not throw). */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Whether a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true;
  }
}
