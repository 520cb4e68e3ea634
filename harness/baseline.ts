// Known failures per target, so CI fails only on what is new (or newly fixed).
// File format: one "<target> <case id>" per line; '#' starts a comment.
import { readFileSync } from 'node:fs';
import type { CaseResult } from './run.ts';

export type Baseline = Map<string, Set<string>>;

export class BaselineError extends Error {}

export function parseBaseline(text: string, file = 'baseline'): Baseline {
  const out: Baseline = new Map();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    if (!m) throw new BaselineError(`${file}:${i + 1}: expected "<target> <case id>", got "${raw.trim()}"`);
    const [, target, id] = m as unknown as [string, string, string];
    if (!out.has(target)) out.set(target, new Set());
    out.get(target)!.add(id);
  });
  return out;
}

export const loadBaseline = (file: string) => parseBaseline(readFileSync(file, 'utf8'), file);

export interface Gate {
  /** Failing and not known: these fail the run. */
  newFailures: string[];
  /** Known to fail but passing (or deviating) now: also fail the run, so the baseline gets updated. */
  fixed: string[];
  /** Failing as known. */
  known: string[];
}

export function gate(target: string, results: CaseResult[], baseline: Baseline): Gate {
  const known = baseline.get(target) ?? new Set<string>();
  const g: Gate = { newFailures: [], fixed: [], known: [] };
  for (const r of results) {
    const failing = r.verdict.class === 'fail';
    if (failing && known.has(r.id)) g.known.push(r.id);
    else if (failing) g.newFailures.push(r.id);
    else if (known.has(r.id) && r.verdict.class !== 'skip') g.fixed.push(r.id);
  }
  return g;
}

export const gateFails = (g: Gate) => g.newFailures.length > 0 || g.fixed.length > 0;

export function gateReport(g: Gate): string {
  const lines = [`baseline: ${g.known.length} known failures, ${g.newFailures.length} new, ${g.fixed.length} fixed`];
  for (const id of g.newFailures) lines.push(`  new failure: ${id}`);
  for (const id of g.fixed) lines.push(`  fixed (remove from the baseline): ${id}`);
  return lines.join('\n');
}
