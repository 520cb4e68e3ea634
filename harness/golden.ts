// Golden transcripts: results/golden/<id>.out, and <id>.<tag>.out for each accepted deviation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tag } from '../suite/tags.ts';

export interface Expected {
  main?: string;
  alternatives: Map<Tag, string>;
}

export const goldenFile = (root: string, id: string, tag?: string) => join(root, `${id}${tag ? `.${tag}` : ''}.out`);

export function loadExpected(root: string, id: string, accepts: readonly Tag[]): Expected {
  const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);
  const alternatives = new Map<Tag, string>();
  for (const tag of accepts) {
    const text = read(goldenFile(root, id, tag));
    if (text !== undefined) alternatives.set(tag, text);
  }
  return { main: read(goldenFile(root, id)), alternatives };
}
