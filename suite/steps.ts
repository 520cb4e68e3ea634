// Step builders, one set per op of the table (harness/ops/table.ts): `s.open('a', 'O_RDONLY', 'fd1')`.
import type { Cred } from '../harness/protocol.ts';
import { OPS, type StepName, type StepOp } from '../harness/ops/table.ts';
import type { TimeSpec } from '../harness/ops/fields.ts';

export interface Step {
  op: StepOp;
  cred?: Cred;
}

type Table = typeof OPS;
type Builders<N extends StepName> = {
  [K in keyof Table[N]['steps']]: Table[N]['steps'][K] extends (...a: infer A) => unknown ? (...a: A) => Step : never;
};
type Merged<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AllBuilders = Merged<{ [N in StepName]: Builders<N> }[StepName]>;

function builders(): AllBuilders {
  const out: Record<string, (...a: never[]) => Step> = {};
  for (const [name, spec] of Object.entries(OPS)) {
    if (spec.role === 'setup') continue;
    for (const [builder, args] of Object.entries(spec.steps as Record<string, (...a: never[]) => object>)) {
      out[builder] = (...a: never[]) => ({ op: { op: name, ...args(...a) } as StepOp });
    }
  }
  return out as AllBuilders;
}

/** Run steps with another user's credentials. */
const as = (cred: Cred, ...steps: Step[]): Step[] => steps.map((st) => ({ ...st, cred }));

export const USER = { uid: 1000, gid: 1000 } as const satisfies Cred;
export const T1: TimeSpec = { sec: 1300000000, nsec: 123456789 };

export const s = { ...builders(), as, USER, T1 };
