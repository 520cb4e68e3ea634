// Golden transcripts: results/golden/<id>.out, and <id>.<tags>.out for accepted deviations,
// where <tags> is one tag or several joined by "+" (a transcript that shows two at once).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tag } from '../suite/tags.ts';

export interface Expected {
  main?: string;
  /** Keyed by the tags in the file name, joined by "+". */
  alternatives: Map<string, string>;
}

export const goldenFile = (root: string, id: string, tags?: string) => join(root, `${id}${tags ? `.${tags}` : ''}.out`);

// A run lists a golden directory for every case in it that accepts a deviation: once is enough.
const listings = new Map<string, string[]>();
const listing = (dir: string): string[] => {
  let names = listings.get(dir);
  if (!names) listings.set(dir, (names = existsSync(dir) ? readdirSync(dir) : []));
  return names;
};

export function loadExpected(root: string, id: string, accepts: readonly Tag[]): Expected {
  const main = goldenFile(root, id);
  const alternatives = new Map<string, string>();
  const dir = dirname(main);
  const prefix = `${basename(id)}.`;
  if (accepts.length) {
    for (const name of listing(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith('.out')) continue;
      const tags = name.slice(prefix.length, -'.out'.length);
      if (tags && tags.split('+').every((t) => accepts.includes(t as Tag))) alternatives.set(tags, readFileSync(join(dir, name), 'utf8'));
    }
  }
  return { main: existsSync(main) ? readFileSync(main, 'utf8') : undefined, alternatives };
}
