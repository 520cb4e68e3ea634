// Where a target's commands run: this machine now, a remote one over SSH later.
import { execFile } from 'node:child_process';
import type { Workspace } from './workspace.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Host {
  name: string;
  /** Runs argv (no shell); never throws for a non-zero exit. */
  run(argv: string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** A fresh scratch directory for one run, with an executor to work in it. */
  workspace(): Promise<Workspace>;
}

export const localHost: Host = {
  name: 'local',
  // execFile, not a shell: mount and umount run twice per case, and a shell start costs more than the mount.
  run: (argv, opts = {}) =>
    new Promise((resolve) => {
      execFile(argv[0]!, argv.slice(1), { timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}${err.message}` : stderr });
      });
    }),
  workspace: async () => (await import('./workspace.ts')).localWorkspace(),
};

/** Runs a command and throws an Error naming it and its stderr when it fails. */
export async function must(host: Host, argv: string[], opts?: { timeoutMs?: number }): Promise<string> {
  const r = await host.run(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
