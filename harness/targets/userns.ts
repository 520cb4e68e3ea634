// The `:userxattr` variants' machine: this one, with the run's mounts made unprivileged in a
// user and mount namespace of the run's own, as `unshare -Urm` makes it (root mapped to root,
// one uid and one gid; no capability outside). A holder process keeps the namespace for the
// run; the executors, the reference's server and the target's commands enter it (nsenter), so
// that all of them see the same mounts. The namespace is made after the workspace's tmpfs is
// mounted, so it sees the workspace; what is mounted in it is gone with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { runLocal } from '../command.ts';
import type { Host } from '../host.ts';
import { mountTable, type MountInfo, type MountSpace } from '../mounts.ts';
import { localWorkspace } from '../workspace.ts';

const holders = new Set<ChildProcess>();
process.on('exit', () => {
  for (const h of holders) if (h.pid !== undefined && h.exitCode === null) try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ }
});

export class UserNamespace implements MountSpace {
  private constructor(private readonly holder: ChildProcess & { pid: number }) {}

  /**
   * `unshare -Urm`, except that setgroups(2) stays allowed (unshare's -r denies it): the
   * executor drops its supplementary groups after every call. The maps are written from
   * here, as root may: util-linux refuses --map-group with --setgroups=allow.
   */
  static async start(): Promise<UserNamespace> {
    const holder = spawn('unshare', ['--user', '--mount', '--propagation=private', '--', 'sh', '-c', 'echo ready; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
    holders.add(holder);
    holder.once('exit', () => holders.delete(holder));
    let stderr = '';
    holder.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<boolean>((resolve) => {
      createInterface({ input: holder.stdout! }).once('line', () => resolve(true));
      holder.once('exit', () => resolve(false));
      holder.once('error', () => resolve(false));
    });
    if (!ready || holder.pid === undefined) throw new Error(`unshare --user --mount: ${stderr.trim() || 'exited before the namespace was made'}`);
    const ns = new UserNamespace(holder as ChildProcess & { pid: number });
    try {
      writeFileSync(`/proc/${holder.pid}/uid_map`, '0 0 1\n');
      writeFileSync(`/proc/${holder.pid}/gid_map`, '0 0 1\n');
    } catch (e) {
      await ns.close();
      throw new Error(`mapping root into the user namespace: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    return ns;
  }

  /** argv run inside the namespace, as its root. */
  enter(argv: string[]): string[] {
    return ['nsenter', `--target=${this.holder.pid}`, '--user', '--mount', '--preserve-credentials', '--', ...argv];
  }

  /** The namespace's mount table (the harness's own does not hold the run's mounts). */
  table(): MountInfo[] {
    return this.closed ? [] : mountTable(`/proc/${this.holder.pid}/mountinfo`);
  }

  private get closed(): boolean {
    return this.holder.exitCode !== null || this.holder.signalCode !== null;
  }

  /** Ends the holder (its stdin closes); the namespace goes once the last process in it has. */
  async close(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((r) => this.holder.once('exit', () => r()));
    this.holder.stdin!.end();
    await exited;
  }
}

/** Whether this machine lets a process make a user namespace (said plainly when not). */
export async function userNamespaceCheck(): Promise<string | null> {
  const r = await runLocal(['unshare', '--user', '--map-root-user', '--mount', 'true']);
  return r.code === 0 ? null : `cannot make a user namespace here (unshare -Urm: ${r.stderr.trim() || `exit ${r.code}`})`;
}

/**
 * This machine, with a run's mounts and commands in a user namespace of the run's own. A
 * command before the run's workspace is made (a target's check) runs outside it.
 */
export function userNamespaceHost(): Host & { namespace(): UserNamespace | null } {
  let ns: UserNamespace | null = null;
  return {
    name: 'local (user namespace)',
    local: true,
    namespace: () => ns,
    run: (argv, opts) => runLocal(ns ? ns.enter(argv) : argv, opts),
    async workspace() {
      const ws = await localWorkspace();
      const own = await UserNamespace.start().catch(async (e: unknown) => {
        await ws.dispose();
        throw e;
      });
      ns = own;
      return {
        ...ws,
        spawnExecutor: (o) => ws.spawnExecutor({ ...o, prefix: own.enter([]) }),
        async dispose() {
          ns = null;
          await own.close();
          await ws.dispose();
        },
      };
    },
  };
}
