// A transcript is data: the steps with their answers, the merged view, the
// upper layer in the common vocabulary, the check of each lower layer. Text is
// made of it only to show or store it.
import type { LowerCheck } from './lower.ts';
import { lowerText } from './lower.ts';

export type SectionName = 'steps' | 'merged' | 'upper' | 'lower';
export const SECTION_NAMES: readonly SectionName[] = ['steps', 'merged', 'upper', 'lower'];

export interface StepLine {
  call: string;
  answer: string;
}

export interface Transcript {
  id: string;
  steps: StepLine[];
  merged: string[];
  /** Absent on targets without layers (the plain-directory oracle). */
  upper?: string[];
  lower?: LowerCheck[];
}

/** A transcript's sections as lines, and the golden file's: what a verdict compares. */
export interface Sections {
  header: string;
  sections: Partial<Record<SectionName, string[]>>;
}

export function sectionsOf(t: Transcript): Sections {
  const sections: Sections['sections'] = {
    steps: t.steps.map((s) => `${s.call} = ${s.answer}`),
    merged: t.merged,
  };
  if (t.upper) sections.upper = t.upper;
  if (t.lower) sections.lower = t.lower.map(lowerText);
  return { header: `# ${t.id}`, sections };
}

/** The text of the named sections (all by default), as a golden file holds it. */
export function renderSections(s: Sections, keep: readonly SectionName[] = SECTION_NAMES): string {
  const out = [s.header];
  for (const name of SECTION_NAMES) {
    const lines = s.sections[name];
    if (lines && keep.includes(name)) out.push(`== ${name}`, ...lines);
  }
  return `${out.join('\n')}\n`;
}

export const render = (t: Transcript): string => renderSections(sectionsOf(t));
