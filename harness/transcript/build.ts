// Answers -> transcript: a pure function of the plan, its answers and the layers before the case.
import type { ScanEntry, SnapshotItem } from '../protocol.ts';
import { specOf } from '../ops/table.ts';
import type { FormatReader } from '../formats/vocabulary.ts';
import { lowerPaths, upperLines } from '../formats/vocabulary.ts';
import type { Answers, Plan } from '../plan/plan.ts';
import { CaseSetupError, setupValue } from '../requests.ts';
import { Aliases } from './format.ts';
import { lowerCheck } from './lower.ts';
import { mergedLines } from './merged.ts';
import { answerText, stepText, type Ids } from './steps.ts';
import type { Transcript } from './transcript.ts';

export interface LayersBefore {
  /** Each lower layer's scan before the case. */
  lowers: ScanEntry[][];
  reader?: FormatReader;
}

export function transcriptOf(id: string, plan: Plan, a: Answers, layers: LayersBefore): Transcript {
  const ids: Ids = { ino: new Aliases('ino'), pos: new Aliases('pos') };
  // Inode aliases are numbered in order of first appearance: the view before the steps first.
  const before = setupValue(a.before, 'snapshot') as SnapshotItem[];
  for (const item of before) if (item.view) ids.ino.of(item.view.stat.ino);
  const steps = plan.steps.map((s, i) => {
    const r = a.steps[i];
    if (r === undefined) throw new CaseSetupError(`step ${i + 1} (${s.op.op}): no answer`);
    return { call: stepText(s), answer: answerText(specOf(s.op.op).answer, r, ids) };
  });
  const after = setupValue(a.after, 'snapshot') as SnapshotItem[];
  const t: Transcript = { id, steps, merged: mergedLines(before, after, ids) };
  if (plan.layered) {
    const upper = setupValue(a.upper, 'scan') as ScanEntry[];
    t.upper = upperLines(layers.reader!.read(upper), lowerPaths(layers.lowers));
    t.lower = layers.lowers.map((was, i) => lowerCheck(i, was, setupValue(a.lowers[i], 'scan') as ScanEntry[]));
  }
  return t;
}
