// Case -> plan: a pure function of the case, the target's mount actions and the layout.
import type { Case } from '../../suite/dsl.ts';
import type { Step } from '../../suite/steps.ts';
import type { Cred, DirEntry, Response } from '../protocol.ts';
import { pathsOf } from '../ops/table.ts';
import type { Layout } from '../targets/target.ts';
import type { Action, Answers, Io, Item, Mounting, Plan, Slot } from './plan.ts';

export interface PlanTarget {
  mount(l: Layout): Action[];
  unmount(l: Layout): Action[];
  /** False for the plain-directory oracle: nothing to scan after the case. */
  layered: boolean;
}

/** Every path a case's steps name, then the ones it asks to show; first appearance first. */
export function touchedPaths(c: Case): string[] {
  const paths = c.steps.flatMap((s) => pathsOf(s.op));
  return [...new Set([...paths, ...(c.show ?? [])])];
}

const setup = (what: string): Slot => ({ at: 'setup', what });

function actions(list: Action[], mount: Mounting): Item[] {
  return list.map((a): Item => ('send' in a ? { kind: 'request', op: a.send, slot: setup(a.send.op), mount } : { kind: 'barrier', barrier: a, mount }));
}

/** The raw telldir value behind pos#n: the n-th distinct position the steps so far answered. */
function position(steps: Step[], a: Answers, n: number): number | string {
  const seen: string[] = [];
  a.steps.forEach((r, i) => {
    if (steps[i]!.op.op === 'telldir' && r.ok && !seen.includes(String(r.value))) seen.push(String(r.value));
  });
  const raw = seen[n - 1];
  return raw === undefined ? -1 : /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
}

/** Reads a directory stream to its end: the entries sorted by name, without . and .. (the first error ends it). */
async function readRest(io: Io, dir: string, cred?: Cred): Promise<Response> {
  const entries: DirEntry[] = [];
  for (let i = 0; i < 100_000; i++) {
    const r = await io.send({ op: 'readdir', dir, ...(cred ? { cred } : {}) });
    if (!r.ok) return r;
    if (r.value === null) break;
    const e = r.value as DirEntry;
    if (e.name !== '.' && e.name !== '..') entries.push(e);
  }
  entries.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return { id: 0, ok: true, value: entries };
}

function stepItems(s: Step, index: number, steps: Step[], l: Layout, t: PlanTarget): Item[] {
  const slot: Slot = { at: 'step', index };
  const cred = s.cred ? { cred: s.cred } : {};
  const op = s.op;
  switch (op.op) {
    case 'nlink':
      return [{ kind: 'request', op: { op: 'lstat', path: op.path }, slot, ...cred }];
    case 'readrest':
      return [{ kind: 'barrier', barrier: { what: 'readrest', run: (io) => readRest(io, op.dir, s.cred) }, slot }];
    case 'remount':
      return [
        { kind: 'request', op: { op: 'reset' }, slot: setup('reset') },
        ...actions(t.unmount(l), 'unmount'),
        ...actions(t.mount(l), 'mount'),
        { kind: 'request', op: { op: 'root', path: l.mnt }, slot: setup('root') },
        { kind: 'done', slot },
      ];
    case 'upperfree':
      return [{ kind: 'request', op: { op: 'statfsupper', path: op.path, upper: t.layered && l.upper ? l.upper : l.mnt }, slot, ...cred }];
    case 'seekdir': {
      const n = Number(op.pos);
      return [{ kind: 'derived', build: (a) => ({ ...op, pos: position(steps, a, n) }), slot, ...cred }];
    }
    default:
      return [{ kind: 'request', op, slot, ...cred }];
  }
}

/**
 * The plan: wait a tick if the scratch filesystem needs one, mount, look at the
 * touched paths, the steps, look again, unmount, scan the layers.
 */
export function compile(c: Case, l: Layout, t: PlanTarget, tickWaitMs = 0): Plan {
  const paths = touchedPaths(c);
  const items: Item[] = [];
  if (tickWaitMs) items.push({ kind: 'barrier', barrier: { what: 'tick', run: () => new Promise((r) => setTimeout(r, tickWaitMs)) } });
  items.push(...actions(t.mount(l), 'mount'));
  items.push({ kind: 'request', op: { op: 'root', path: l.mnt }, slot: setup('root') });
  // The view before the steps feeds only the ctime comparison and the inode aliases.
  items.push({ kind: 'request', op: { op: 'snapshot', paths, statOnly: true }, slot: { at: 'before' } });
  c.steps.forEach((s, i) => items.push(...stepItems(s, i, c.steps, l, t)));
  items.push({ kind: 'request', op: { op: 'reset' }, slot: setup('reset') });
  items.push({ kind: 'request', op: { op: 'snapshot', paths }, slot: { at: 'after' } });
  const unmount = t.unmount(l);
  items.push(...actions(unmount, 'unmount'));
  if (t.layered) {
    items.push({ kind: 'request', op: { op: 'scan', path: l.upper! }, slot: { at: 'upper' } });
    l.lowers.forEach((p, index) => items.push({ kind: 'request', op: { op: 'scan', path: p }, slot: { at: 'lower', index } }));
  }
  return { items, steps: c.steps, paths, layered: t.layered, unmount };
}
