// A finding kept: suite/found/<id>/ holds the minimal program as a ready case
// (case.ts), each target's transcript (<target>.out) and summary.txt (a one-line
// summary, the targets, and the seed and path that reproduce it).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepText } from '../transcript/steps.ts';
import { targetSlug } from '../record.ts';
import type { Split } from './compare.ts';
import type { Program } from './program-case.ts';

export interface Finding {
  a: string;
  b: string;
  seed: number;
  /** The replay path of the minimal program. */
  path: string;
  program: Program;
  split: Split;
  transcripts: Record<string, string>;
}

/** The same minimal program on the same pair of targets is the same finding. */
export function findingId(a: string, b: string, p: Program): string {
  const pair = [a, b].sort();
  return createHash('sha256').update(JSON.stringify({ pair, layers: p.layers, steps: p.steps })).digest('hex').slice(0, 12);
}

/** "<a> / <b>: <where>: <a's line> | <b's line>" */
export function summary(f: Pick<Finding, 'a' | 'b' | 'split'>): string {
  const s = f.split;
  const where = s.section === 'steps' ? `step ${s.index! + 1}` : s.section === 'run' ? 'run' : `${s.section} ${s.path}`;
  const line = (x: string) => (x === '' ? '(absent)' : x);
  return `${f.a} / ${f.b}: ${where}: ${line(s.a)} | ${line(s.b)}`;
}

export const replayCommand = (f: Pick<Finding, 'a' | 'b' | 'seed' | 'path'>) =>
  `make fuzz TARGETS="${f.a} ${f.b}" SEED=${f.seed} REPLAY=${f.path}`;

function caseSource(id: string, f: Finding): string {
  const steps = f.program.steps.map((s) => `    // ${stepText(s)}\n    ${JSON.stringify(s)},`).join('\n');
  return `// ${summary(f)}
// Reproduce: ${replayCommand(f)}
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/${id}',
  spec: 'What happens when I...',
  claim: ${JSON.stringify(`${f.a} and ${f.b} differ where no deviation tag explains it`)},
  tags: ['found'],
  layers: ${JSON.stringify(f.program.layers)},
  steps: [
${steps}
  ],
};
`;
}

/** Writes the finding under `dir`/<id>/ and returns that directory. */
export function writeFinding(dir: string, id: string, f: Finding): string {
  const out = join(dir, id);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'case.ts'), caseSource(id, f));
  for (const [target, text] of Object.entries(f.transcripts)) writeFileSync(join(out, `${targetSlug(target)}.out`), text);
  writeFileSync(join(out, 'summary.txt'), `${summary(f)}\ntargets: ${f.a} ${f.b}\nseed: ${f.seed}\npath: ${f.path}\nreproduce: ${replayCommand(f)}\n`);
  return out;
}
