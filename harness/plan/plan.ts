// A case compiled for one target and layout: the requests in the order they go
// out, the barriers where something needs earlier answers, and where each
// answer belongs.
import type { Cred, Op, Response } from '../protocol.ts';
import type { Step } from '../../suite/steps.ts';

/** Where an answer belongs: a step's line, a view of the mount, a layer's scan, or the harness's own setup. */
export type Slot =
  | { at: 'step'; index: number }
  | { at: 'before' | 'after' | 'upper' }
  | { at: 'lower'; index: number }
  | { at: 'setup'; what: string };

/** A way to send requests to the case's executor, as barriers need. */
export interface Io {
  send(op: Op & { cred?: Cred }): Promise<Response>;
}

/**
 * Something done outside the request stream once every earlier request is
 * answered: a mount by a daemon, a wait. It may send requests of its own, and
 * answer for a slot.
 */
export interface Barrier {
  what: string;
  run(io: Io): Promise<Response | void>;
}

/** How a target mounts or unmounts: requests to the executor (mount(2)), barriers, or both. */
export type Action = { send: Op } | Barrier;

export type Item =
  | { kind: 'request'; op: Op; cred?: Cred; slot: Slot; mount?: Mounting }
  /** Waits for every earlier answer, then sends what `build` makes of them (a seekdir to a telldir position). */
  | { kind: 'derived'; build(a: Answers): Op; cred?: Cred; slot: Slot }
  | { kind: 'barrier'; barrier: Barrier; slot?: Slot; mount?: Mounting }
  /** A step that has no answer of its own (a remount): it succeeded when the items before it did. */
  | { kind: 'done'; slot: Slot };

/** Whether an item mounts or unmounts the union: what to undo when a case breaks off. */
export type Mounting = 'mount' | 'unmount';

export interface Plan {
  items: Item[];
  steps: Step[];
  /** Paths shown in the merged view: every path the steps name, then the case's `show`. */
  paths: string[];
  /** The target has layers to scan after the case (not the plain-directory oracle). */
  layered: boolean;
  unmount: Action[];
}

export interface Answers {
  steps: Response[];
  before?: Response;
  after?: Response;
  upper?: Response;
  lowers: Response[];
}
