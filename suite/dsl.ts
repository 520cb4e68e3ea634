// A case: what the spec says (section + claim in our words), a layer fixture,
// and steps. Its expected transcript lives in results/golden/<id>.out.
import type { Layers } from './fixture.ts';
import { walk } from './fixture.ts';
import type { Step } from './steps.ts';
import { isTag, type Tag } from './tags.ts';
import { isOpName, specOf } from '../harness/ops/table.ts';

/** Section headings of shared/spec/union-mounts.txt that cases may cite. */
export const SECTIONS = [
  'Terminology',
  'What happens when I...',
  'File copyup',
  'Directory copyup',
  'Notes on rename()',
  'Known non-POSIX behaviors',
  'Permission checks',
  'Pathname lookup',
  'Hard read-only file systems',
  'Userland support',
  'Code paths',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface Case {
  /** family/trigger/position, e.g. copyup/chmod/lower-file */
  id: string;
  spec: Section;
  /** What the spec says, in our words. */
  claim: string;
  tags: string[];
  layers: Layers;
  steps: Step[];
  /** Paths shown in the merged view besides those the steps name. */
  show?: string[];
  /** Deviation tags this case accepts, each with an alternative golden transcript. */
  accepts?: Tag[];
  /**
   * Why the golden transcript differs from what a plain POSIX directory does,
   * citing the spec. Required exactly when it differs (checked by `make test`).
   */
  posix?: string;
}

const ID = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)+$/;

/** Problems with a case definition, as sentences; empty when the case is well formed. */
export function problems(c: Case): string[] {
  const out: string[] = [];
  if (typeof c.id !== 'string' || !ID.test(c.id)) out.push(`bad id ${JSON.stringify(c.id)}`);
  if (!SECTIONS.includes(c.spec)) out.push(`unknown spec section ${JSON.stringify(c.spec)}`);
  if (!c.claim || typeof c.claim !== 'string') out.push('no claim');
  if (!Array.isArray(c.steps) || c.steps.length === 0) out.push('no steps');
  if (!c.layers || !Array.isArray(c.layers.lowers) || c.layers.lowers.length === 0) out.push('no lower layer');
  for (const t of c.accepts ?? []) if (!isTag(t)) out.push(`unknown deviation tag ${t}`);
  for (const s of c.steps ?? []) {
    const op: unknown = s?.op?.op;
    if (typeof op !== 'string') out.push('a step without an op');
    // exec, mount, scan and the like are the harness's own: a case cannot name them.
    else if (!isOpName(op) || specOf(op).role === 'setup') out.push(`${JSON.stringify(op)} is not a step a case may take`);
  }
  for (const tree of c.layers?.lowers ?? []) {
    for (const [path, node] of walk(tree)) {
      if (node.kind === 'whiteout' || node.kind === 'fallthru') out.push(`${node.kind} in a lower layer at ${path}`);
      if (node.kind === 'dir' && node.opaque) out.push(`opaque dir in a lower layer at ${path}`);
    }
  }
  for (const tree of [...(c.layers?.lowers ?? []), ...(c.layers?.upper ? [c.layers.upper] : [])]) {
    const paths = new Set([...walk(tree)].map(([p]) => p));
    for (const [path, node] of walk(tree)) {
      if (node.kind === 'hardlink' && !paths.has(node.to)) out.push(`hardlink ${path} to missing ${node.to}`);
    }
  }
  return out;
}
