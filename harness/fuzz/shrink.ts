// Shrinking with fast-check's own shrink tree, walked by replay path
// (seed + "position:shrink:shrink..."), a batch of candidates at a time: each
// candidate is a program run on real targets, and a batch shares one runSuite
// per target. Like fc.check, it takes the first candidate (in the tree's order)
// that still fails, and stops when none of a node's candidates does.
import type { Split } from './compare.ts';
import { shrinksOf, type Program } from './program-case.ts';

/** Whether each program still fails the same way: the split, or null. */
export type Probe = (programs: Program[]) => Promise<(Split | null)[]>;

export interface Shrunk {
  path: string;
  split: Split;
  /** Candidates run. */
  tried: number;
}

/** A split's kind: the section and (for a step) the op, so that shrinking does not drift to another difference. */
export function kindOf(s: Split): string {
  if (s.section === 'steps') return `steps:${/^(?:\[\S+\] )?(\S+)/.exec(s.a || s.b)?.[1] ?? ''}`;
  if (s.section === 'run') return `run:${(s.a === 'ran' ? s.b : s.a).split(':')[0]}`;
  return s.section;
}

export async function shrink(seed: number, path: string, split: Split, probe: Probe, opts: { batch: number; maxTries: number }): Promise<Shrunk> {
  const kind = kindOf(split);
  let current = { path, split };
  let tried = 0;
  for (;;) {
    let next: typeof current | undefined;
    for (let from = 0; !next && tried < opts.maxTries; from += opts.batch) {
      const candidates = shrinksOf(seed, current.path, from, opts.batch);
      if (candidates.length === 0) break;
      const splits = await probe(candidates);
      tried += candidates.length;
      const k = splits.findIndex((s) => s !== null && kindOf(s) === kind);
      if (k >= 0) next = { path: `${current.path}:${from + k}`, split: splits[k]! };
    }
    if (!next) return { ...current, tried };
    current = next;
  }
}
