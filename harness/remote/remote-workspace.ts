// A run's scratch directory on a remote host, and its executor:
//   <base>/union-conformance-remote-<pid>-XXXXXX/{bin/ (the bundle), ws/ (the workspace), pids/}
// Made and filled in one round trip; removed with its mounts and processes at the end.
import type { Workspace } from '../workspace.ts';
import { BUNDLE_MAIN, executorBundle } from './bundle.ts';
import { RemoteExecutorClient } from './remote-executor.ts';
import { CREATE_RUN_DIR, DISPOSE_RUN_DIR, HAS_BUNDLE, REMOVE_CASE_DIR, RESTORE_RUN_DIR } from './scripts.ts';
import { script } from './shell.ts';
import type { RemoteHost } from './remote-host.ts';

export async function remoteWorkspace(host: RemoteHost): Promise<Workspace> {
  if (host.facts === undefined) await host.connect(0);
  const bundle = await executorBundle();
  const made = await host.run(script(CREATE_RUN_DIR, host.base, String(process.pid)), { input: bundle, timeoutMs: 120_000 });
  const runDir = made.stdout.trim();
  if (made.code !== 0 || !runDir.startsWith('/')) {
    throw new Error(`${host.label}: cannot make a run directory under ${host.base}: ${made.stderr.trim() || made.stdout.trim()}`);
  }
  host.runDir = runDir;
  let started = 0;
  let disposed = false;

  /** After a reconnect (a rebooted guest has a fresh scratch disk), the bundle may have to be shipped again. */
  const ready = async (): Promise<string | undefined> => {
    try {
      if (started > 0) await host.connect();
      const has = await host.run(script(HAS_BUNDLE, runDir, BUNDLE_MAIN), { mux: true });
      if (has.code === 0) return undefined;
      const put = await host.run(script(RESTORE_RUN_DIR, runDir), { input: bundle, timeoutMs: 120_000 });
      return put.code === 0 ? undefined : `${host.label}: cannot restore ${runDir}: ${put.stderr.trim()}`;
    } catch (e) {
      return (e as Error).message;
    }
  };

  return {
    dir: `${runDir}/ws`,
    async spawnExecutor() {
      const why = await ready();
      started++;
      const ex = why === undefined ? RemoteExecutorClient.start(host, runDir, started) : RemoteExecutorClient.unreachable(host, why);
      host.executor = ex;
      return ex;
    },
    async removeCaseDir(caseDir) {
      const r = await host.run(script(REMOVE_CASE_DIR, caseDir));
      if (r.code !== 0) throw new Error(`${host.label}: ${r.stderr.trim() || `cannot remove ${caseDir}`}`);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        host.executor = undefined;
        if (!host.vanished) {
          const r = await host.run(script(DISPOSE_RUN_DIR, runDir), { timeoutMs: 60_000, mux: true });
          if (r.code !== 0) throw new Error(`${host.label}: could not remove ${runDir}: ${r.stderr.trim()}`);
        }
      } finally {
        host.runDir = undefined;
        await host.close();
      }
    },
  };
}
