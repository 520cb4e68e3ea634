// The spec's own words for a section, read from the spec file (SPEC=) where it is
// available: its text is never part of the project.
import { existsSync, readFileSync } from 'node:fs';

const MAX = 300;

/** The first sentence after the section's heading, or undefined without the file or the heading. */
export function specSentence(specFile: string | undefined, section: string): string | undefined {
  if (!specFile || !existsSync(specFile)) return undefined;
  const lines = readFileSync(specFile, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.trim().replace(/:$/, '') === section);
  if (at < 0) return undefined;
  const rest = lines.slice(at + 1).join('\n').replace(/^\s+/, '');
  const paragraph = rest.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ').trim();
  const sentence = /^(.*?[.!?])(\s|$)/.exec(paragraph)?.[1] ?? paragraph;
  return sentence.length <= MAX ? sentence : `${sentence.slice(0, sentence.lastIndexOf(' ', MAX))} …`;
}

/** SPEC= from the environment, as `make` passes it (a relative path is from where the command runs). */
export const specFile = () => process.env.SPEC || undefined;
