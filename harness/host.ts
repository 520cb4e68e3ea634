// Where a target's commands run: this machine now, a remote one over SSH later.
import { $ } from 'zx';
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
  async run(argv, opts = {}) {
    const p = $({ nothrow: true, quiet: true, timeout: opts.timeoutMs ?? 30_000 })`${argv}`;
    const out = await p;
    return { code: out.exitCode ?? -1, stdout: out.stdout, stderr: out.stderr };
  },
  workspace: async () => (await import('./workspace.ts')).localWorkspace(),
};

/** Runs a command and throws an Error naming it and its stderr when it fails. */
export async function must(host: Host, argv: string[], opts?: { timeoutMs?: number }): Promise<string> {
  const r = await host.run(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
