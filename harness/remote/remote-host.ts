// The ssh host as its run directory and executor see it. SshHost implements it; the
// workspace and executor modules name this instead of SshHost, so that ssh-host.ts,
// which uses both of them, is not imported back by either.
import type { CommandResult } from '../command.ts';
import type { ExecutorCall } from '../executor-client.ts';
import type { Response } from '../protocol.ts';
import type { RemoteFacts } from './prereqs.ts';
import type { SshSession } from './ssh-session.ts';

/** The run's executor as the host uses it: commands go through its exec op while it is idle. */
export interface ExecChannel {
  readonly idle: boolean;
  call(op: ExecutorCall, timeoutMs: number): Promise<Response>;
}

export interface RemoteRunOptions {
  timeoutMs?: number;
  input?: Buffer;
  /** Over the ssh mux, never through the executor. */
  mux?: boolean;
}

export interface RemoteHost {
  readonly session: SshSession;
  readonly label: string;
  /** Remote directory under which each run makes its own scratch directory. */
  readonly base: string;
  /** The remote node binary. */
  readonly node: string;
  readonly facts: RemoteFacts | undefined;
  /** The run's directory on the remote (bin/, ws/, pids/), once the workspace made it. */
  runDir: string | undefined;
  executor: ExecChannel | undefined;
  /** The remote's state went with it (a halted guest): nothing left there to clean up. */
  readonly vanished: boolean;
  /** Why the host was given up for this run, if it was. */
  readonly lost: string | undefined;
  run(argv: string[], opts?: RemoteRunOptions): Promise<CommandResult>;
  connect(retryMs?: number): Promise<RemoteFacts>;
  /** Ends the session. */
  close(): Promise<void>;
}
