// Two targets' transcripts of one program: they agree, differ only as the
// deviation model explains, or differ in a way nothing explains (a finding).
// The oracle (plain) is compared on steps and merged view only, as classify.ts does.
import type { Sections } from '../transcript/transcript.ts';
import type { Tag } from '../../suite/tags.ts';
import { MODEL, UNSPECIFIED, type Context, type Difference, type Reason } from './model.ts';

export interface Side {
  target: string;
  oracle: boolean;
  tags: ReadonlySet<Tag>;
  sections: Sections;
}

/** A line that differs, as target a and target b have it. */
export interface Split {
  /** `run`: one target ran the program, the other could not (a timeout, a crash). */
  section: Difference['section'] | 'run';
  index?: number;
  path?: string;
  a: string;
  b: string;
}

export type Judgement =
  | { kind: 'agree' }
  | { kind: 'explained'; tags: Reason[] }
  | { kind: 'finding'; split: Split; tags: Reason[] };

type LineSplit = Split & { section: Difference['section'] };

/**
 * Applies the tags of both targets to the two lines until they agree or no tag changes them:
 * the tags that made them agree, `rest` with the tag that parted the states, or null.
 */
function explain(s: LineSplit, a: Side, b: Side, c: Context): { tags: Reason[]; rest: boolean } | null {
  const where = { section: s.section, ...(s.index !== undefined ? { index: s.index } : {}), ...(s.path !== undefined ? { path: s.path } : {}) };
  let [x, y] = [s.a, s.b];
  const used = new Set<Reason>();
  for (const [name, rule] of Object.entries(UNSPECIFIED) as [keyof typeof UNSPECIFIED, (typeof UNSPECIFIED)[keyof typeof UNSPECIFIED]][]) {
    const e = rule({ ...where, tagged: x, other: y }, c);
    if (e && e !== 'rest') {
      [x, y] = [e.tagged, e.other];
      used.add(name);
    }
  }
  for (let changed = true; changed && x !== y;) {
    changed = false;
    for (const [tagged, flip] of [[a, false], [b, true]] as const) {
      for (const tag of tagged.tags) {
        const e = MODEL[tag](flip ? { ...where, tagged: y, other: x } : { ...where, tagged: x, other: y }, c);
        if (e === 'rest') return { tags: [...used, tag], rest: true };
        if (!e) continue;
        const [nx, ny] = flip ? [e.other, e.tagged] : [e.tagged, e.other];
        if (nx === x && ny === y) continue;
        [x, y] = [nx, ny];
        used.add(tag);
        changed = true;
      }
    }
  }
  return x === y ? { tags: [...used], rest: false } : null;
}

const keyed = (lines: string[]) => new Map(lines.map((l) => [l.slice(0, l.indexOf(': ')), l]));

/** Every differing line, section by section, in transcript order. */
function* splits(a: Sections, b: Sections, layered: boolean): Generator<LineSplit> {
  const sa = a.sections;
  const sb = b.sections;
  const stepsA = sa.steps ?? [];
  const stepsB = sb.steps ?? [];
  for (let i = 0; i < Math.max(stepsA.length, stepsB.length); i++) {
    if (stepsA[i] !== stepsB[i]) yield { section: 'steps', index: i, a: stepsA[i] ?? '', b: stepsB[i] ?? '' };
  }
  const sections = layered ? (['merged', 'upper', 'lower'] as const) : (['merged'] as const);
  for (const name of sections) {
    const la = keyed(sa[name] ?? []);
    const lb = keyed(sb[name] ?? []);
    for (const path of new Set([...la.keys(), ...lb.keys()])) {
      const x = la.get(path) ?? '';
      const y = lb.get(path) ?? '';
      if (x !== y) yield { section: name, path, a: x, b: y };
    }
  }
}

export function compare(a: Side, b: Side, c: Context): Judgement {
  const tags = new Set<Reason>();
  for (const s of splits(a.sections, b.sections, !a.oracle && !b.oracle)) {
    const e = explain(s, a, b, c);
    if (!e) return { kind: 'finding', split: s, tags: [...tags] };
    for (const tag of e.tags) tags.add(tag);
    if (e.rest) break;
  }
  return tags.size ? { kind: 'explained', tags: [...tags] } : { kind: 'agree' };
}
