// What the field families' cases that copy an object up may show besides the
// spec's transcript, and why a plain directory differs from it: the same rules
// as the copyup family (results/golden/README.md).
import type { Case } from '../dsl.ts';
import { copiesUp, type Position } from '../positions.ts';
import type { Tag } from '../tags.ts';

export const brokenLinkPosix =
  'on a plain file every name shares one inode and so its new data, metadata and link count; the spec copies up only the name used, the other names keep the lower inode ("Known non-POSIX behaviors": link counts)';

/**
 * For a case whose steps copy up the object (kind `kind`) at `pos`: the documented
 * deviations it accepts, and, for a multiply-linked file, why plain differs.
 */
export function copyupNotes(pos: Position, kind: string, copies = true): Pick<Case, 'accepts' | 'posix'> {
  if (!copies || !copiesUp(pos)) return {};
  const linked = kind.startsWith('hardlinked');
  const accepts: Tag[] = ['copyup-new-ctime', 'copyup-dir-ctime', ...(linked ? (['index-keeps-links'] as Tag[]) : [])];
  return linked ? { accepts, posix: brokenLinkPosix } : { accepts };
}

/** Joins two notes on one case: accepted tags of both, both reasons. */
export function withNotes(a: Pick<Case, 'accepts' | 'posix'>, b: Pick<Case, 'accepts' | 'posix'>): Pick<Case, 'accepts' | 'posix'> {
  const accepts = [...new Set([...(a.accepts ?? []), ...(b.accepts ?? [])])];
  const posix = [a.posix, b.posix].filter(Boolean).join('; ');
  return { ...(accepts.length ? { accepts } : {}), ...(posix ? { posix } : {}) };
}
