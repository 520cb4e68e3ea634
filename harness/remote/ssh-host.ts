// A Host on another machine, reached over one ssh session (see ssh-session.ts).
//
// A lost connection: the command that noticed fails (the target turns that into
// ExecutorGone, so the case fails and the run restarts its executor), and the
// next executor reconnects, retrying for a while; when that does not work either,
// the host is given up for the rest of the run and everything fails at once
// with the reason, instead of waiting for a timeout in every case.
import { ExecutorGone } from '../executor-client.ts';
import type { CommandResult } from '../command.ts';
import type { Host } from '../host.ts';
import type { ExecResult } from '../protocol.ts';
import type { Workspace } from '../workspace.ts';
import { missing, parseFacts, PROBE, type RemoteFacts } from './prereqs.ts';
import { remoteWorkspace } from './remote-workspace.ts';
import { SSH_FAILED, SshSession, type SshEndpoint } from './ssh-session.ts';
import { script } from './shell.ts';
import type { ExecChannel, RemoteHost, RemoteRunOptions } from './remote-host.ts';

export interface SshHostOptions {
  /** Remote directory under which each run makes its own scratch directory. */
  base: string;
  /** The remote node binary (default: `node` from the remote PATH). */
  node?: string;
  /** How long a reconnect keeps trying (default 20 s). */
  reconnectMs?: number;
  /** Before each connection attempt: the UML guest boots here if it is not up. */
  beforeConnect?: () => Promise<void>;
  /** After the run's remote files are removed and the session is closed: the UML guest halts here. */
  afterDispose?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SshHost implements Host, RemoteHost {
  readonly name: string;
  readonly session: SshSession;
  readonly base: string;
  readonly node: string;
  facts: RemoteFacts | undefined;
  /** The run's directory on the remote (bin/, ws/, pids/), once workspace() made it. */
  runDir: string | undefined;
  /** The run's current executor: commands go through its exec op while it is idle. */
  executor: ExecChannel | undefined;
  private transportError: string | undefined;
  private lostWhy: string | undefined;
  /** The remote's state went with it (a halted guest): nothing left there to clean up. */
  vanished = false;
  private announced = false;

  constructor(endpoint: SshEndpoint, readonly options: SshHostOptions) {
    this.session = new SshSession(endpoint);
    this.name = `ssh:${this.session.label}`;
    this.base = options.base;
    this.node = options.node ?? 'node';
  }

  get label(): string {
    return this.session.label;
  }

  /**
   * Runs argv on the remote. The per-case commands (mount, umount, rm) go
   * through the executor's exec op: one round trip on its channel instead of a
   * new ssh channel and login shell each (~0.1 s in UML, more where the
   * remote's shell rc files are slow). Whatever must work while the executor
   * is stuck or gone (abort, kill, cleanup) and anything with input goes over
   * the mux (`mux: true`, or when the executor is not idle).
   */
  async run(argv: string[], opts: RemoteRunOptions = {}): Promise<CommandResult> {
    if (this.lostWhy !== undefined) return { code: SSH_FAILED, stdout: '', stderr: this.lostWhy };
    const ex = this.executor;
    if (opts.mux !== true && opts.input === undefined && ex?.idle) return this.viaExecutor(ex, argv, opts.timeoutMs ?? 30_000);
    const r = await this.session.run(argv, opts);
    if (r.code === SSH_FAILED) this.transportError = r.stderr.trim() || 'ssh exited 255';
    else this.transportError = undefined;
    return r;
  }

  private async viaExecutor(ex: ExecChannel, argv: string[], timeoutMs: number): Promise<CommandResult> {
    try {
      const r = await ex.call({ op: 'exec', argv, timeoutMs }, timeoutMs + 10_000);
      this.transportError = undefined;
      if (r.ok) return r.value as ExecResult;
      return { code: 126, stdout: '', stderr: `the executor did not run ${argv[0]}: ${'errno' in r ? r.errno : r.refused}` };
    } catch (e) {
      this.transportError = (e as Error).message;
      return { code: SSH_FAILED, stdout: '', stderr: (e as Error).message };
    }
  }

  /** Forgets an earlier transport failure: what follows is judged on its own. */
  connectionOk(): void {
    this.transportError = undefined;
  }

  /** When the last command failed because the connection did: an ExecutorGone that says so. */
  connectionLost(): ExecutorGone | undefined {
    const why = this.lostWhy ?? this.transportError;
    return why === undefined ? undefined : new ExecutorGone(null, null, [], `the ssh connection to ${this.label} was lost: ${why}`);
  }

  /** The machine is gone with everything on it (the UML guest halts): close the session, fail fast from now on. */
  async vanish(why: string): Promise<void> {
    this.lostWhy = why;
    this.vanished = true;
    this.executor = undefined;
    await this.session.close();
  }

  /** Whether the host has been given up for this run (and why). */
  get lost(): string | undefined {
    return this.lostWhy;
  }

  /** Connects and checks the remote's prerequisites: null, or what is missing (one line each). */
  async check(): Promise<string | null> {
    try {
      await this.connect(0);
    } catch (e) {
      return (e as Error).message;
    }
    return missing(this.facts!, this.label, this.node);
  }

  /**
   * (Re)connects: a fresh master, then the probe, retrying for `retryMs`.
   * Throws with ssh's own words when it cannot; after a failed reconnect the host is given up.
   */
  async connect(retryMs = this.options.reconnectMs ?? 20_000): Promise<RemoteFacts> {
    if (this.lostWhy !== undefined) throw new Error(this.lostWhy);
    const deadline = Date.now() + retryMs;
    let why = '';
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.beforeConnect?.();
        const r = await this.session.run(script(PROBE, this.node), { timeoutMs: 30_000, master: true });
        if (r.code === 0) {
          this.facts = parseFacts(r.stdout);
          this.transportError = undefined;
          await this.session.noteMaster();
          this.announce();
          return this.facts;
        }
        why = r.stderr.trim() || `ssh exited ${r.code}`;
      } catch (e) {
        why = (e as Error).message;
      }
      if (Date.now() + 500 * attempt > deadline) break;
      await this.session.close(); // a master whose peer is gone would hang every new channel
      await sleep(500 * attempt);
    }
    const msg = `cannot reach ${this.label} over ssh: ${why}`;
    if (retryMs > 0) this.lostWhy = `${msg} (gave up after ${Math.round(retryMs / 1000)} s of retrying)`;
    throw new Error(msg);
  }

  workspace(): Promise<Workspace> {
    return remoteWorkspace(this);
  }

  /** Ends the session; the UML guest halts after this. */
  async close(): Promise<void> {
    await this.session.close();
    await this.options.afterDispose?.();
  }

  private announce(): void {
    if (this.announced || this.facts === undefined) return;
    this.announced = true;
    const f = this.facts;
    process.stderr.write(`union-conformance: ${this.label}: ${f.kernel} ${f.arch}, node ${f.node || 'missing'}\n`);
  }
}
