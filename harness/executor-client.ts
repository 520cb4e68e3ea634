// The harness's side of the executor protocol: a child process spoken to over
// its stdin/stdout, one JSON line each way. It needs nothing but those two
// byte streams, so the child can be a local `node .../executor/main.ts` or
// `node executor.mjs` at the end of an ssh channel (remote/remote-executor.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StringDecoder } from 'node:string_decoder';
import type { Cred, Op, Response, Value } from './protocol.ts';
import { V8_FLAGS_ENV } from './v8-flags.ts';

export type ExecutorCall = Op & { cred?: Cred };

/** No answer came within the time allowed. The executor may be stuck in a syscall: kill it. */
export class ExecutorTimeout extends Error {
  constructor(
    readonly op: string,
    readonly id: number,
    readonly timeoutMs: number,
  ) {
    super(`executor did not answer ${op} (id ${id}) within ${timeoutMs} ms`);
    this.name = 'ExecutorTimeout';
  }
}

/** The executor process ended (or never started): every pending and later call fails with this. */
export class ExecutorGone extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: readonly string[],
    reason?: string,
  ) {
    const how = reason ?? (signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`);
    const tail = stderrTail.length > 0 ? `; last stderr:\n  ${stderrTail.join('\n  ')}` : '';
    super(`executor gone: ${how}${tail}`);
    this.name = 'ExecutorGone';
  }
}

/** A Response that was not ok, where a value was expected (thrown by value()). */
export class ExecutorCallFailed extends Error {
  constructor(readonly response: Exclude<Response, { ok: true }>) {
    super('errno' in response ? `executor call failed: ${response.errno}` : `executor refused: ${response.refused}`);
    this.name = 'ExecutorCallFailed';
  }
}

/** The value of an ok Response; throws ExecutorCallFailed otherwise. */
export function value<T extends Value = Value>(r: Response): T {
  if (r.ok) return r.value as T;
  throw new ExecutorCallFailed(r);
}

/** The errno name of a failed Response, or undefined (ok, or refused). */
export function errnoOf(r: Response): string | undefined {
  return !r.ok && 'errno' in r ? r.errno : undefined;
}

interface Pending {
  op: string;
  resolve: (r: Response) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const STDERR_TAIL = 40;

// Children still running: killed when this process exits, whatever the path out.
const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

const MAIN = fileURLToPath(new URL('./executor/main.ts', import.meta.url));

export interface SpawnOptions {
  /** Copy the executor's stderr to ours as it comes (it is always kept for ExecutorGone). */
  echoStderr?: boolean;
  /** V8 flags for the executor (v8-flags.ts). */
  v8Flags?: string;
  /** Says in words why the process ended, when its status means more than a number (ssh's 255: the connection was lost). */
  describeExit?: (code: number | null, signal: NodeJS.Signals | null) => string | undefined;
  /** A command the executor runs under, which must exec it (nsenter ...: the same pid). */
  prefix?: string[];
}

export class ExecutorClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private readonly stderrLines: string[] = [];
  private stderrPartial = '';
  private goneError: ExecutorGone | null = null;
  private readonly exited: Promise<void>;

  /** Wraps a child whose stdin and stdout are pipes speaking the executor protocol. */
  constructor(
    readonly child: ChildProcess,
    private readonly options: SpawnOptions = {},
  ) {
    const { stdin, stdout, stderr } = child;
    if (stdin === null || stdout === null) throw new Error('ExecutorClient needs a child with piped stdin and stdout');
    track(child);
    stdin.on('error', () => {
      // EPIPE when the child died; reported through 'close'.
    });
    stdout.on('data', (chunk: Buffer) => this.onStdout(this.decoder.write(chunk)));
    stderr?.setEncoding('utf8');
    stderr?.on('data', (chunk: string) => this.onStderr(chunk));
    this.exited = new Promise<void>((resolve) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.onStdout(this.decoder.end());
        this.onGone(new ExecutorGone(code, signal, this.stderrTail(), this.options.describeExit?.(code, signal)));
        resolve();
      });
      child.on('error', (err) => {
        // Failed to spawn: there will be no 'close' with an exit status to wait for.
        if (child.pid === undefined) {
          this.onGone(new ExecutorGone(null, null, this.stderrTail(), `could not start: ${err.message}`));
          resolve();
        }
      });
    });
  }

  /**
   * Starts the executor on this machine: `bundle` (executor-build.ts) when given, else
   * `node --import tsx harness/executor/main.ts --workspace DIR`.
   */
  static spawnLocal(workspace: string, options: SpawnOptions = {}, bundle?: string): ExecutorClient {
    const args = bundle ? [bundle] : ['--import', import.meta.resolve('tsx'), MAIN];
    const argv = [...(options.prefix ?? []), process.execPath, ...args, '--workspace', workspace];
    const child = spawn(argv[0]!, argv.slice(1), {
      env: options.v8Flags ? { ...process.env, [V8_FLAGS_ENV]: options.v8Flags } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new ExecutorClient(child, options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has ended (calls then fail with ExecutorGone). */
  get gone(): boolean {
    return this.goneError !== null;
  }

  /** The last lines the executor wrote to stderr. */
  stderrTail(): string[] {
    const tail = this.stderrPartial !== '' ? [...this.stderrLines, this.stderrPartial] : [...this.stderrLines];
    return tail.slice(-STDERR_TAIL);
  }

  /** Sends one request and resolves with its Response (errno and refusals included). */
  call(op: ExecutorCall, timeoutMs: number): Promise<Response> {
    if (this.goneError !== null) return Promise.reject(this.goneError);
    const id = this.nextId++;
    const line = JSON.stringify(Object.assign({ id }, op, { id })) + '\n';
    return new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ExecutorTimeout(op.op, id, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { op: op.op, resolve, reject, timer });
      this.send(line);
    });
  }

  // Requests made in one turn of the event loop go out in one write: a pipelined
  // case sends dozens, and a write per line costs more than the executor's work.
  private outbox: string[] = [];

  private send(line: string): void {
    if (this.outbox.push(line) > 1) return;
    queueMicrotask(() => {
      const lines = this.outbox.join('');
      this.outbox = [];
      this.child.stdin?.write(lines);
    });
  }

  /** SIGKILL the executor and wait until it is gone. */
  async kill(): Promise<void> {
    if (this.goneError === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already exited; 'close' follows
      }
    }
    await this.exited;
  }

  /** End stdin (the executor exits at EOF), wait for it; SIGKILL after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.goneError !== null) return;
    this.child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const how = await Promise.race([this.exited.then(() => 'exited' as const), late]);
    clearTimeout(timer);
    if (how === 'late') await this.kill();
  }

  private onStdout(text: string): void {
    if (text === '') return;
    this.partial += text;
    let nl = this.partial.indexOf('\n');
    while (nl >= 0) {
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line);
      nl = this.partial.indexOf('\n');
    }
  }

  private onLine(line: string): void {
    let r: Response;
    try {
      r = JSON.parse(line) as Response;
    } catch {
      this.noteStderr(`[client] unparseable executor output: ${line.slice(0, 200)}`);
      return;
    }
    // Answers come in order: one that could not name its id belongs to the oldest call.
    const id = typeof r.id === 'number' && this.pending.has(r.id) ? r.id : r.id === -1 ? this.pending.keys().next().value : undefined;
    if (id === undefined) return; // the answer to a call that already timed out
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(r);
  }

  private onStderr(chunk: string): void {
    if (this.options.echoStderr === true) process.stderr.write(chunk);
    const lines = (this.stderrPartial + chunk).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    for (const l of lines) this.noteStderr(l);
  }

  private noteStderr(line: string): void {
    this.stderrLines.push(line);
    if (this.stderrLines.length > STDERR_TAIL) this.stderrLines.shift();
  }

  private onGone(err: ExecutorGone): void {
    if (this.goneError !== null) return;
    this.goneError = err;
    live.delete(this.child);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}
