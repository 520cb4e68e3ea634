// What kind of difference a split is, for grouping the findings of one run
// before shrinking: the section, the op, and which fields differ.
import type { Split } from './compare.ts';
import { kindOf } from './shrink.ts';

/** The name of the field a transcript token carries: `nlink=2` -> nlink, `ino#3` -> ino, `0644` -> mode. */
function fieldOf(token: string, i: number): string {
  const m = /^([a-z.]+)[=#]/.exec(token);
  if (m) return m[1]!.startsWith('user.') ? 'xattr' : m[1]!;
  if (/^0[0-7]{3,4}$/.test(token)) return 'mode';
  if (/^-?\d+:-?\d+$/.test(token)) return 'owner';
  if (/^E[A-Z]+$/.test(token)) return token;
  return i === 0 ? 'kind' : 'value';
}

/** A step line's answer, or what a merged or upper line says of its path. */
const body = (l: string) => (l.includes(' = ') ? l.slice(l.indexOf(' = ') + 3) : l.slice(l.indexOf(': ') + 2));

/** The fields in which two lines differ ('absent' where one has no line). */
function differing(x: string, y: string): string[] {
  if (!x || !y) return ['absent'];
  const fields = (l: string) => new Map(l.split(' ').map((t, i) => [fieldOf(t, i), t]));
  const fx = fields(body(x));
  const fy = fields(body(y));
  return [...new Set([...fx.keys(), ...fy.keys()])].filter((k) => fx.get(k) !== fy.get(k)).sort();
}

export function signature(s: Split): string {
  if (s.section === 'run') return kindOf(s);
  return `${kindOf(s)}:${differing(s.a, s.b).join(',')}`;
}
