// One case's requests to the executor. Requests are sent without waiting for
// their answers: the executor answers in order, so a whole case costs about one
// round trip. On this 2-core VM a round trip (two wake-ups of another process)
// costs more than most of the syscalls a case makes.
import type { Cred, Op, Response, Value } from './protocol.ts';

export interface Executor {
  call(op: Op & { cred?: Cred }, timeoutMs: number): Promise<Response>;
}

export class CaseTimeout extends Error {}
/** The harness itself could not do its part (write a layer, mount): not the target's answer. */
export class CaseSetupError extends Error {}

export class Requests {
  private readonly sent: Promise<Response>[] = [];

  constructor(
    private readonly exec: Executor,
    private readonly deadline: number,
    private readonly timeoutMs: number,
  ) {}

  /** Sends one request now; its rejection is marked handled here, whoever awaits the promise still sees it. */
  send = (op: Op & { cred?: Cred }): Promise<Response> => {
    const left = this.deadline - Date.now();
    const p = later(left <= 0 ? Promise.reject(new CaseTimeout(`case ran past ${this.timeoutMs} ms`)) : this.exec.call(op, left));
    this.sent.push(p);
    return p;
  };

  /** Waits until every request sent has been answered (or has failed), so nothing is still working in the case's directory. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.sent);
  }
}

/** `p`, with its rejection marked handled (it is awaited later, after other awaits); whoever awaits it still sees it. */
export function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** The value of a request the harness itself needed (not a step). */
export function setupValue(r: Response | undefined, what: string): Value {
  if (r === undefined) throw new CaseSetupError(`${what}: no answer`);
  if (!r.ok) throw new CaseSetupError(`${what}: ${'errno' in r ? r.errno : r.refused}`);
  return r.value;
}
