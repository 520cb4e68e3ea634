// A few conveniences for writing case tables.
import type { Case } from './dsl.ts';

/** Shorthand: ids and tags from the family, the rest as given. */
export const kase = (family: string, name: string, c: Omit<Case, 'id' | 'tags'> & { tags?: string[] }): Case => ({
  ...c,
  id: `${family}/${name}`,
  tags: [family.split('/')[0]!, ...(c.tags ?? [])],
});
