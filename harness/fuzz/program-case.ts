// A generated program on generated layers is a Case like any other.
import fc from 'fast-check';
import type { Case } from '../../suite/dsl.ts';
import { merge, walk, type Layers } from '../../suite/fixture.ts';
import type { Step } from '../../suite/steps.ts';
import { layersArb } from './layers.ts';
import { programArb } from './program.ts';

export interface Program {
  layers: Layers;
  steps: Step[];
}

export const programsArb: fc.Arbitrary<Program> = fc.record({ layers: layersArb, steps: programArb });

/** The case for a program: its merged view shows every path of the merged tree besides those the steps name. */
export function programCase(id: string, p: Program): Case {
  return {
    id: `fuzz/${id}`,
    spec: 'What happens when I...',
    claim: 'a generated program: every target named agrees, or differs only as a deviation tag explains',
    tags: ['fuzz'],
    layers: p.layers,
    steps: p.steps,
    show: [...walk(merge(p.layers))].map(([path]) => path),
  };
}

/** The programs of `seed` at positions from..from+count-1: the values fc.check would try, in its order. */
export const programsAt = (seed: number, from: number, count: number): Program[] =>
  fc.sample(programsArb, { seed, path: String(from), numRuns: count });

/** The program at a replay path: position:shrink:shrink... (fast-check's own path format). */
export const programAtPath = (seed: number, path: string): Program => {
  const [p] = fc.sample(programsArb, { seed, path, numRuns: 1 });
  if (!p) throw new Error(`no program at path ${path} of seed ${seed}`);
  return p;
};

/** The shrinks from..from+count-1 of the program at `path`, in fast-check's order. */
export const shrinksOf = (seed: number, path: string, from: number, count: number): Program[] =>
  fc.sample(programsArb, { seed, path: `${path}:${from}`, numRuns: count });
