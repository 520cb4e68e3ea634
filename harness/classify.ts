// One verdict per case: pass, deviation:<tag>, fail[:why], skip:<why>.
import { createTwoFilesPatch } from 'diff';
import type { Expected } from './golden.ts';
import { without, type SectionName } from './transcript/transcript.ts';
import { lowerChanged } from './transcript/lower.ts';

export type Verdict =
  | { class: 'pass' }
  | { class: 'deviation'; tag: string }
  | { class: 'fail'; why?: string }
  | { class: 'skip'; why: string };

export const verdictText = (v: Verdict) =>
  v.class === 'pass' ? 'pass' : v.class === 'deviation' ? `deviation:${v.tag}` : v.class === 'fail' ? (v.why ? `fail:${v.why}` : 'fail') : `skip:${v.why}`;

export interface Judged {
  verdict: Verdict;
  /** Unified diff against the main golden transcript, when the case did not pass. */
  diff?: string;
}

export function unified(id: string, expected: string, actual: string): string {
  return createTwoFilesPatch(`golden/${id}.out`, `actual/${id}`, expected, actual, '', '', { context: 3 })
    .split('\n').slice(2).join('\n');
}

/**
 * `oracle` targets (the plain directory) have no layers, so only steps and
 * merged view are compared, and a difference the case explains in `posix` is
 * `deviation:posix`; other targets may match an accepted alternative.
 */
export function judge(id: string, actual: string, expected: Expected, opts: { oracle: boolean; posix?: string }): Judged {
  if (expected.main === undefined) return { verdict: { class: 'fail', why: 'no-golden' } };
  const drop: SectionName[] = opts.oracle ? ['upper', 'lower'] : [];
  const norm = (t: string) => without(t, drop);
  const got = norm(actual);
  const diff = () => unified(id, norm(expected.main!), got);
  if (actual.split('\n').some(lowerChanged)) return { verdict: { class: 'fail', why: 'lower-changed' }, diff: diff() };
  if (got === norm(expected.main)) return { verdict: { class: 'pass' } };
  if (opts.oracle) return { verdict: opts.posix ? { class: 'deviation', tag: 'posix' } : { class: 'fail' }, diff: diff() };
  for (const [tag, text] of expected.alternatives) if (got === norm(text)) return { verdict: { class: 'deviation', tag }, diff: diff() };
  return { verdict: { class: 'fail' }, diff: diff() };
}
