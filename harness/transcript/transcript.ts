// A transcript is sections of lines: steps, merged view, upper layer, lower layers.
export type SectionName = 'steps' | 'merged' | 'upper' | 'lower';

export interface Transcript {
  id: string;
  steps: string[];
  merged: string[];
  /** Absent on targets without layers (the plain-directory oracle). */
  upper?: string[];
  lower?: string[];
}

export function render(t: Transcript): string {
  const out = [`# ${t.id}`, '== steps', ...t.steps, '== merged', ...t.merged];
  if (t.upper) out.push('== upper', ...t.upper);
  if (t.lower) out.push('== lower', ...t.lower);
  return out.join('\n') + '\n';
}

/** Drops the named sections from a rendered transcript (to compare only what a target can show). */
export function without(text: string, drop: SectionName[]): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    const m = /^== (\w+)$/.exec(line);
    if (m) skipping = drop.includes(m[1] as SectionName);
    if (!skipping) out.push(line);
  }
  return `${out.join('\n').trimEnd()}\n`;
}
