// A run's scratch directory on the machine the target lives on, and the executor that works in it.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountsUnder, mountTable } from './mounts.ts';
import { ExecutorClient } from './executor-client.ts';
import { localExecutor } from './executor-build.ts';
import { quickRunFlags } from './v8-flags.ts';
import { runLocal } from './command.ts';

export interface Workspace {
  /** Absolute path on the target's machine. */
  dir: string;
  /** Starts an executor confined to `dir`; `quick`: for a short run (v8-flags.ts); `prefix`: the command it runs under (nsenter ...). */
  spawnExecutor(opts?: { quick?: boolean; prefix?: string[] }): Promise<ExecutorClient>;
  /** Removes a case's directory, now or soon; never through a mount (that would reach into an upper layer). */
  removeCaseDir(dir: string): Promise<void>;
  /** Removes the whole scratch directory. */
  dispose(): Promise<void>;
}

/** A run's scratch directory carries the pid, so a later run can tell an abandoned one. */
export const SCRATCH_PREFIX = 'union-conformance-';

/**
 * The layers live on a tmpfs of the run's own unless UNION_CONFORMANCE_SCRATCH=disk:
 * on a disk, removing each case's files and the copy-up's fsync cost more than the case.
 */
export async function localWorkspace(): Promise<Workspace> {
  await sweepAbandoned();
  const dir = mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  const scratch = process.env.UNION_CONFORMANCE_SCRATCH ?? 'tmpfs';
  if (scratch !== 'tmpfs' && scratch !== 'disk') throw new Error(`UNION_CONFORMANCE_SCRATCH must be tmpfs or disk, not '${scratch}'`);
  if (scratch === 'tmpfs') {
    const r = await runLocal(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'union-conformance', dir]);
    if (r.code !== 0) throw new Error(`mount tmpfs on ${dir}: ${r.stderr.trim()}`);
  }
  chmodSync(dir, 0o755); // cases run some steps as other users, who must reach the mount
  const bundle = localExecutor().catch((e: Error) => {
    process.stderr.write(`union-conformance: the executor bundle could not be built (${e.message}); running it through tsx\n`);
    return undefined;
  });
  const removal = new BatchRemoval();
  return {
    dir,
    spawnExecutor: async (opts) => ExecutorClient.spawnLocal(dir, { v8Flags: quickRunFlags(opts?.quick ?? false), ...(opts?.prefix ? { prefix: opts.prefix } : {}) }, await bundle),
    removeCaseDir: async (caseDir) => removal.add(caseDir),
    dispose: async () => {
      await removal.flush();
      // A terminal's Ctrl-C reaches every process of the group: an umount at work then dies, and
      // leaves its mount. What is left inside is detached, and said; the tmpfs is unmounted again.
      for (const m of mountsUnder(dir).filter((m) => m !== dir).reverse()) {
        process.stderr.write(`cleanup: detaching ${m}, left mounted\n`);
        await runLocal(['umount', '-l', m]);
      }
      if (scratch === 'tmpfs') {
        let r = await runLocal(['umount', dir]);
        if (r.code !== 0 && mountsUnder(dir).length) r = await runLocal(['umount', '-l', dir]);
        if (r.code !== 0 && mountsUnder(dir).length) throw new Error(`umount ${dir}: ${r.stderr.trim()}`);
      }
      removeUnmounted(dir);
    },
  };
}

/**
 * Removes finished case directories a batch at a time, each batch by one `rm` process that
 * runs beside the next cases: removing a case's files from JavaScript costs the harness more
 * than running the case. A directory with a mount below it is left, and said; `rm` itself
 * stays on the scratch filesystem (--one-file-system).
 */
class BatchRemoval {
  private queue: string[] = [];
  private running: Promise<void>[] = [];

  add(dir: string): void {
    if (this.queue.push(dir) >= REMOVE_BATCH) this.start();
  }

  async flush(): Promise<void> {
    this.start();
    await Promise.all(this.running);
  }

  private start(): void {
    const batch = this.queue.splice(0);
    if (!batch.length) return;
    const mounts = mountTable().map((m) => m.mountPoint);
    const free = batch.filter((dir) => {
      const inside = mounts.filter((m) => m === dir || m.startsWith(`${dir}/`));
      if (inside.length) process.stderr.write(`not removing ${dir}: still mounted at ${inside.join(', ')}\n`);
      return !inside.length;
    });
    if (!free.length) return;
    this.running.push(runLocal(['rm', '-rf', '--one-file-system', '--', ...free], { timeoutMs: 600_000 }).then((r) => {
      if (r.code !== 0) process.stderr.write(`removing case directories: ${r.stderr.trim()}\n`);
    }));
  }
}

/** Case directories removed at once. */
const REMOVE_BATCH = 64;

function removeUnmounted(dir: string): void {
  const mounts = mountsUnder(dir);
  if (mounts.length) throw new Error(`not removing ${dir}: still mounted at ${mounts.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
}

/** Scratch dirs of runs whose process is gone: detach their mounts, then remove them. */
async function sweepAbandoned(): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = join(tmpdir(), name);
    for (const mnt of mountsUnder(dir).reverse()) await runLocal(['umount', '-l', mnt]);
    try {
      removeUnmounted(dir);
    } catch (e) {
      process.stderr.write(`abandoned run ${dir}: ${(e as Error).message}\n`);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
