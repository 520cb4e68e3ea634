// union-conformance --explain CASE: what a case checks and how to see it without the harness.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Case } from '../suite/dsl.ts';
import { goldenFile } from './golden.ts';
import { stepText } from './transcript/steps.ts';
import { layersText } from './explain/layer-tree.ts';
import { reproducer } from './explain/reproducer.ts';
import { specSentence } from './explain/spec-text.ts';
import { TargetError, type Target } from './targets/target.ts';
import { UnsupportedFixture } from './layer-writer.ts';

const indent = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => `  ${l}`).join('\n');

export function explainCase(c: Case, target: Target, goldenDir: string, spec: string | undefined): string {
  const sentence = specSentence(spec, c.spec);
  const golden = goldenFile(goldenDir, c.id);
  return [
    `# ${c.id}`,
    '',
    `spec section: ${c.spec}`,
    ...(sentence ? [`the spec says: ${sentence}`] : []),
    `claim: ${c.claim}`,
    ...(c.posix ? [`unlike a plain directory: ${c.posix}`] : []),
    ...(c.accepts?.length ? [`accepted deviations: ${c.accepts.join(', ')}`] : []),
    '',
    'layers:',
    indent(layersText(c.layers)),
    '',
    'steps:',
    indent(c.steps.map(stepText).join('\n')),
    '',
    `golden transcript (${relative(process.cwd(), golden)}):`,
    indent(existsSync(golden) ? readFileSync(golden, 'utf8') : '(none yet)'),
    '',
    ...reproducerPart(c, target),
  ].join('\n');
}

function reproducerPart(c: Case, target: Target): string[] {
  try {
    return [`reproducer on ${target.name} (bash, as root; it prints the steps as the transcript does):`, '', reproducer(c, target)];
  } catch (e) {
    if (e instanceof UnsupportedFixture) return [`no reproducer on ${target.name}: its on-disk format cannot hold these layers (${e.message}); the suite skips the case there`, ''];
    if (e instanceof TargetError) return [`no reproducer: ${e.message}`, ''];
    throw e;
  }
}
