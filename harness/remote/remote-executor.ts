// The executor on a remote host: `node executor.mjs` at the end of one ssh
// channel. Killing it kills the remote process too (by pid file), since an
// executor stuck in a syscall would not notice its stdin closing.
import { spawn, type ChildProcess } from 'node:child_process';
import { ExecutorClient, ExecutorTimeout, type ExecutorCall, type SpawnOptions } from '../executor-client.ts';
import type { Response } from '../protocol.ts';
import { BUNDLE_MAIN } from './bundle.ts';
import { KILL_PIDFILE } from './scripts.ts';
import { script, shq } from './shell.ts';
import { SSH_FAILED } from './ssh-session.ts';
import type { RemoteHost } from './remote-host.ts';

export class RemoteExecutorClient extends ExecutorClient {
  private inFlight = 0;
  private stuck = false;

  private constructor(
    child: ChildProcess,
    options: SpawnOptions,
    private readonly host: RemoteHost,
    private readonly pidFile?: string,
  ) {
    super(child, options);
  }

  /** Starts the executor in run dir `runDir` on the host; `n` names its pid file. */
  static start(host: RemoteHost, runDir: string, n: number): RemoteExecutorClient {
    const pidFile = `${runDir}/pids/executor-${n}.pid`;
    const line = `echo $$ > ${shq(pidFile)} && exec ${shq(host.node)} ${shq(`${runDir}/bin/${BUNDLE_MAIN}`)} --workspace ${shq(`${runDir}/ws`)}`;
    const describeExit = (code: number | null) => (code === SSH_FAILED ? `the ssh connection to ${host.label} was lost (ssh exited ${SSH_FAILED})` : undefined);
    return new RemoteExecutorClient(host.session.spawn(line), { describeExit }, host, pidFile);
  }

  /** An executor that is gone from the start: the host could not be reached. */
  static unreachable(host: RemoteHost, why: string): RemoteExecutorClient {
    const child = spawn('sh', ['-c', `exit ${SSH_FAILED}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    return new RemoteExecutorClient(child, { describeExit: () => why }, host);
  }

  /** No call pending and none ever timed out: an exec op sent now is answered at once. */
  get idle(): boolean {
    return !this.gone && !this.stuck && this.inFlight === 0;
  }

  override async call(op: ExecutorCall, timeoutMs: number): Promise<Response> {
    this.inFlight++;
    try {
      return await super.call(op, timeoutMs);
    } catch (e) {
      if (e instanceof ExecutorTimeout) this.stuck = true;
      throw e;
    } finally {
      this.inFlight--;
    }
  }

  override async kill(): Promise<void> {
    this.stuck = true;
    if (this.pidFile !== undefined && this.host.runDir !== undefined && this.host.lost === undefined) {
      await this.host.run(script(KILL_PIDFILE, this.pidFile, this.host.runDir), { timeoutMs: 20_000, mux: true });
    }
    await super.kill();
  }
}
