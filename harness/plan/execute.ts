// Plan -> answers. Requests go out without waiting for one another (the
// executor answers in order, so a case costs about one round trip); a barrier
// waits for every earlier answer first.
import type { Response } from '../protocol.ts';
import { setupValue, type Requests } from '../requests.ts';
import type { Action, Answers, Plan, Slot } from './plan.ts';

const DONE: Response = { id: 0, ok: true, value: null };

/** Keeps an answer where its slot says; an answer to the harness's own request must be a success. */
function keep(a: Answers, slot: Slot, r: Response): void {
  switch (slot.at) {
    case 'setup':
      setupValue(r, slot.what);
      return;
    case 'step': a.steps[slot.index] = r; return;
    case 'lower': a.lowers[slot.index] = r; return;
    default: a[slot.at] = r;
  }
}

async function runAction(io: Requests, a: Action): Promise<void> {
  if ('send' in a) keep({ steps: [], lowers: [] }, { at: 'setup', what: a.send.op }, await io.send(a.send));
  else await a.run(io);
}

/**
 * Runs the plan. `setup` is the case's layers being written (its failure is the
 * harness's); `abort` frees a mount that cannot be unmounted cleanly when the
 * case breaks off.
 */
export async function execute(plan: Plan, io: Requests, setup: Promise<unknown>, abort: () => Promise<void>): Promise<Answers> {
  const answers: Answers = { steps: [], lowers: [] };
  let pending: { slot: Slot; r: Promise<Response> }[] = [];
  const collect = async () => {
    await setup;
    for (const p of pending) keep(answers, p.slot, await p.r);
    pending = [];
  };
  // Whether the union may still be mounted when the case breaks off: a mount was issued, and no unmount since is known to have worked.
  let mounted = false;
  let unmounts: Promise<Response>[] = [];
  try {
    for (const item of plan.items) {
      switch (item.kind) {
        case 'request': {
          const r = io.send(item.cred ? { ...item.op, cred: item.cred } : item.op);
          pending.push({ slot: item.slot, r });
          if (item.mount === 'mount') [mounted, unmounts] = [true, []];
          if (item.mount === 'unmount') unmounts.push(r);
          break;
        }
        case 'derived': {
          await collect();
          const op = item.build(answers);
          pending.push({ slot: item.slot, r: io.send(item.cred ? { ...op, cred: item.cred } : op) });
          break;
        }
        case 'barrier': {
          await collect();
          if (item.mount === 'mount') mounted = true;
          const r = await item.barrier.run(io);
          if (item.mount === 'unmount') mounted = false;
          if (item.slot && r) keep(answers, item.slot, r);
          break;
        }
        case 'done':
          pending.push({ slot: item.slot, r: Promise.resolve(DONE) });
          break;
      }
    }
    await collect();
    return answers;
  } catch (e) {
    await io.drain(); // nothing may still be at work in the case's directory
    const unmounted = unmounts.length > 0 && (await Promise.allSettled(unmounts)).every((x) => x.status === 'fulfilled' && x.value.ok);
    if (mounted && !unmounted) {
      try {
        for (const a of plan.unmount) await runAction(io, a);
      } catch {
        await abort();
      }
    }
    throw e;
  }
}
