// The exec op: one of the harness's own commands, run to completion. The
// child gets umask 022 (what a shell would give it), not the executor's 0, so a
// FUSE daemon started this way behaves as one started from a shell.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { ExecResult } from '../protocol.ts';

export function runExec(argv: string[], timeoutMs: number): ExecResult {
  const [cmd, ...args] = argv as [string, ...string[]];
  const umask = process.umask(0o022);
  try {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 });
    const stdout = r.stdout?.toString('utf8') ?? '';
    let stderr = r.stderr?.toString('utf8') ?? '';
    if (r.error && r.status === null && r.signal === null) return { code: 127, stdout, stderr: `${cmd}: ${r.error.message}` };
    if (r.signal === 'SIGKILL' && r.error) stderr += `${cmd}: killed after ${timeoutMs} ms\n`;
    const code = r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0);
    return { code, stdout, stderr };
  } finally {
    process.umask(umask);
  }
}
