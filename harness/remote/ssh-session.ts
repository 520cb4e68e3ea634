// One ssh connection to a host, run by the system's OpenSSH client (so the
// user's ~/.ssh/config, keys, agent and ProxyCommands apply): a ControlMaster
// that carries every command of the run and the executor's stream as channels.
//
// Commands that must work while the executor is stuck or gone (kill it, abort
// a hung FUSE mount, remove the run) and the uploads go over this mux as their
// own channels: an executor blocked in a syscall could not run them. The
// per-case commands go through the executor instead (see SshHost.run).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult } from '../command.ts';
import { alive, runProcess, signal, type ProcOptions } from './proc.ts';
import { shellLine } from './shell.ts';

export interface SshEndpoint {
  /** Host name, address or ssh_config alias. */
  host: string;
  user?: string;
  port?: number;
  /** `-F FILE`: this ssh_config instead of ~/.ssh/config. */
  configFile?: string;
  /** More `-o` options; a namespace host always carries its ProxyCommand here. */
  options?: string[];
}

export const endpointLabel = (e: SshEndpoint): string => `${e.user ? `${e.user}@` : ''}${e.host}${e.port ? `:${e.port}` : ''}`;

/** ssh's own exit status for "could not connect" and "connection lost". */
export const SSH_FAILED = 255;

const open = new Set<SshSession>();
process.on('exit', () => {
  for (const s of open) s.closeSync();
});

export class SshSession {
  readonly label: string;
  private dirPath: string | undefined;
  private masterPid: number | undefined;

  constructor(readonly endpoint: SshEndpoint) {
    this.label = endpointLabel(endpoint);
  }

  /** A private directory for the control socket, made on first use (and again after close). */
  private get dir(): string {
    if (this.dirPath === undefined) {
      this.dirPath = mkdtempSync(join(tmpdir(), 'uc-ssh-'));
      open.add(this);
    }
    return this.dirPath;
  }

  private get controlPath(): string {
    return join(this.dir, 'mux');
  }

  /**
   * Every ssh invocation gets the same options: the same mux, the same timeouts, the same proxy.
   * Only `master` invocations (connect) may become the master, so that every master is one we know
   * and end; any other finds the master or, when it is gone, makes a connection of its own for its one command.
   */
  private args(extra: string[] = [], master = false): string[] {
    const e = this.endpoint;
    const o = (kv: string) => ['-o', kv];
    return [
      ...(e.configFile ? ['-F', e.configFile] : []),
      ...o('BatchMode=yes'),
      ...o(`ControlMaster=${master ? 'auto' : 'no'}`),
      ...o(`ControlPath=${this.controlPath}`),
      ...o('ControlPersist=60'),
      ...o('ServerAliveInterval=5'),
      ...o('ServerAliveCountMax=3'),
      ...o('ConnectTimeout=10'),
      ...(e.options ?? []).flatMap(o),
      '-T',
      '-x',
      '-e',
      'none',
      ...(e.port ? ['-p', String(e.port)] : []),
      ...(e.user ? ['-l', e.user] : []),
      ...extra,
      e.host,
    ];
  }

  /** Runs argv on the remote host (quoted for its shell); `master`: start the master if there is none. */
  run(argv: readonly string[], opts: ProcOptions & { master?: boolean } = {}): Promise<CommandResult> {
    return runProcess('ssh', [...this.args([], opts.master), shellLine(argv)], opts);
  }

  /** A long-lived remote command whose stdin/stdout/stderr are ours: the executor's stream. */
  spawn(commandLine: string): ChildProcess {
    return spawn('ssh', [...this.args(), commandLine], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  }

  /** Learns the pid of the current master, so that it can be ended even if `-O exit` cannot. */
  async noteMaster(): Promise<void> {
    const r = await runProcess('ssh', this.args(['-O', 'check']), { timeoutMs: 10_000 });
    const m = /pid=(\d+)/.exec(r.stderr);
    if (m) this.masterPid = Number(m[1]);
  }

  /** Ends the master (and with it every channel), then removes the private directory. */
  async close(): Promise<void> {
    if (this.dirPath === undefined) return;
    if (existsSync(this.controlPath)) await runProcess('ssh', this.args(['-O', 'exit']), { timeoutMs: 5_000 });
    const pid = this.masterPid;
    if (pid !== undefined && this.isOurMaster(pid)) {
      signal(pid, 'SIGTERM');
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      if (alive(pid)) signal(pid, 'SIGKILL');
    }
    this.masterPid = undefined;
    rmSync(this.dir, { recursive: true, force: true });
    this.dirPath = undefined;
    open.delete(this);
  }

  /** Last resort when the harness exits without close(): no async work possible here. */
  closeSync(): void {
    const pid = this.masterPid;
    if (pid !== undefined && this.isOurMaster(pid)) signal(pid, 'SIGTERM');
    try {
      if (this.dirPath !== undefined) rmSync(this.dirPath, { recursive: true, force: true });
    } catch {
      // an exit hook must not throw: the hooks after it would not run
    }
  }

  /** The pid is still an ssh master on our control socket (not a reused pid). */
  private isOurMaster(pid: number): boolean {
    if (!alive(pid)) return false;
    try {
      return this.dirPath !== undefined && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.dirPath);
    } catch {
      return false;
    }
  }
}
