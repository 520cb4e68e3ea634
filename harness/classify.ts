// One verdict per case: pass, deviation:<tag>, fail[:why], skip:<why>. The
// transcript is compared with its golden section by section.
import { createTwoFilesPatch } from 'diff';
import type { Expected } from './golden.ts';
import { renderSections, SECTION_NAMES, sectionsOf, type SectionName, type Sections, type Transcript } from './transcript/transcript.ts';

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
    .split('\n').slice(1).join('\n');
}

/** A golden file read into its header and sections. */
export function goldenSections(text: string): Sections {
  const [header = '', ...lines] = text.replace(/\n$/, '').split('\n');
  const sections: Sections['sections'] = {};
  let current: string[] | undefined;
  for (const line of lines) {
    const m = /^== (\w+)$/.exec(line);
    if (m && (SECTION_NAMES as readonly string[]).includes(m[1]!)) sections[m[1] as SectionName] = current = [];
    else (current ??= []).push(line);
  }
  return { header, sections };
}

const same = (a: Sections, b: Sections, keep: readonly SectionName[]) =>
  a.header === b.header && keep.every((n) => (a.sections[n] ?? []).join('\n') === (b.sections[n] ?? []).join('\n') && (n in a.sections) === (n in b.sections));

/**
 * `oracle` targets (the plain directory) have no layers, so only steps and
 * merged view are compared, and a difference the case explains in `posix` is
 * `deviation:posix`; other targets may match an accepted alternative.
 */
export function judge(t: Transcript, expected: Expected, opts: { oracle: boolean; posix?: string }): Judged {
  if (expected.main === undefined) return { verdict: { class: 'fail', why: 'no-golden' } };
  const keep = opts.oracle ? SECTION_NAMES.filter((n) => n !== 'upper' && n !== 'lower') : SECTION_NAMES;
  const got = sectionsOf(t);
  const main = goldenSections(expected.main);
  const diff = () => unified(t.id, renderSections(main, keep), renderSections(got, keep));
  if (t.lower?.some((l) => l.changes.length > 0)) return { verdict: { class: 'fail', why: 'lower-changed' }, diff: diff() };
  if (same(got, main, keep)) return { verdict: { class: 'pass' } };
  if (opts.oracle) return { verdict: opts.posix ? { class: 'deviation', tag: 'posix' } : { class: 'fail' }, diff: diff() };
  for (const [tag, text] of expected.alternatives) if (same(got, goldenSections(text), keep)) return { verdict: { class: 'deviation', tag }, diff: diff() };
  return { verdict: { class: 'fail' }, diff: diff() };
}
