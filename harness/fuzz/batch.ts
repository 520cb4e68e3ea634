// Runs a batch of programs on every target (runSuite: lanes, shared lower
// layers, cleanup) and judges each pair of targets on each program.
import type { Case } from '../../suite/dsl.ts';
import { goldenSections } from '../classify.ts';
import { runSuite, type CaseResult } from '../run.ts';
import type { Target } from '../targets/target.ts';
import type { Tag } from '../../suite/tags.ts';
import { compare, type Judgement, type Side, type Split } from './compare.ts';
import { contextOf } from './model.ts';

export interface FuzzTarget {
  target: Target;
  tags: ReadonlySet<Tag>;
}

/** What one target made of one program. */
export type Outcome = { kind: 'ran'; transcript: string } | { kind: 'failed'; why: string } | { kind: 'skipped'; why: string };

export interface PairVerdict {
  a: number;
  b: number;
  judgement: Judgement | { kind: 'skipped'; why: string } | { kind: 'failed'; why: string };
}

/** No program has a golden file: the verdicts runSuite gives are ignored, only the transcripts count. */
const NO_GOLDEN = '/nonexistent/union-conformance-fuzz';

function outcome(r: CaseResult | undefined): Outcome {
  if (!r) return { kind: 'failed', why: 'no result' };
  if (r.verdict.class === 'skip') return { kind: 'skipped', why: r.verdict.why };
  if (r.transcript !== undefined) return { kind: 'ran', transcript: r.transcript };
  return { kind: 'failed', why: `${r.verdict.class === 'fail' ? r.verdict.why ?? 'fail' : r.verdict.class}: ${r.error ?? ''}`.trim() };
}

/** outcomes[i][t]: program i on target t. Targets run one after another, each with its lanes. */
export async function runPrograms(cases: Case[], targets: FuzzTarget[], caseTimeoutMs: number): Promise<Outcome[][]> {
  const out: Outcome[][] = cases.map(() => []);
  for (const [t, { target }] of targets.entries()) {
    const rs = await runSuite(cases, target, { goldenDir: NO_GOLDEN, caseTimeoutMs });
    const byId = new Map(rs.map((r) => [r.id, r]));
    cases.forEach((c, i) => (out[i]![t] = outcome(byId.get(c.id))));
  }
  return out;
}

const side = (f: FuzzTarget, transcript: string): Side => ({ target: f.target.name, oracle: f.target.oracle, tags: f.tags, sections: goldenSections(transcript) });

/** Every pair of targets on one program. */
export function judgeProgram(c: Case, outcomes: Outcome[], targets: FuzzTarget[]): PairVerdict[] {
  const ran = outcomes.flatMap((o) => (o.kind === 'ran' ? [goldenSections(o.transcript).sections.merged ?? []] : []));
  const ctx = contextOf(c, ran);
  const verdicts: PairVerdict[] = [];
  for (let a = 0; a < targets.length; a++) {
    for (let b = a + 1; b < targets.length; b++) {
      verdicts.push({ a, b, judgement: judgePair(outcomes[a]!, outcomes[b]!, targets[a]!, targets[b]!, ctx) });
    }
  }
  return verdicts;
}

function judgePair(x: Outcome, y: Outcome, a: FuzzTarget, b: FuzzTarget, ctx: ReturnType<typeof contextOf>): PairVerdict['judgement'] {
  if (x.kind === 'skipped' || y.kind === 'skipped') return { kind: 'skipped', why: x.kind === 'skipped' ? x.why : (y as { why: string }).why };
  if (x.kind === 'failed' && y.kind === 'failed') return { kind: 'failed', why: x.why };
  if (x.kind === 'failed' || y.kind === 'failed') {
    const split: Split = { section: 'run', a: x.kind === 'failed' ? x.why : 'ran', b: y.kind === 'failed' ? y.why : 'ran' };
    return { kind: 'finding', split, tags: [] };
  }
  return compare(side(a, x.transcript), side(b, y.transcript), ctx);
}
