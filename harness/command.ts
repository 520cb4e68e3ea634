// A command's outcome on any host, and running one on this machine. A module of its own
// so workspace.ts can run commands without importing host.ts, which imports workspace.ts.
import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs argv here (no shell); never throws for a non-zero exit. */
export const runLocal = (argv: string[], opts: { timeoutMs?: number } = {}): Promise<CommandResult> =>
  // execFile, not a shell: mount and umount run twice per case, and a shell start costs more than the mount.
  new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}${err.message}` : stderr });
    });
  });
