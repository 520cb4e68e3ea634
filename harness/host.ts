// Where a target's commands run: this machine, or a remote one over ssh (remote/ssh-host.ts).
import { runLocal, type CommandResult } from './command.ts';
import type { Workspace } from './workspace.ts';

export interface Host {
  name: string;
  /** This machine (its workspace on a tmpfs of its own, a lane per core). */
  local?: boolean;
  /** Runs argv (no shell); never throws for a non-zero exit. */
  run(argv: string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** A fresh scratch directory for one run, with an executor to work in it. */
  workspace(): Promise<Workspace>;
}

export const localHost: Host = {
  name: 'local',
  local: true,
  run: runLocal,
  workspace: async () => (await import('./workspace.ts')).localWorkspace(),
};

/** Runs a command and throws an Error naming it and its stderr when it fails. */
export async function must(host: Host, argv: string[], opts?: { timeoutMs?: number }): Promise<string> {
  const r = await host.run(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
