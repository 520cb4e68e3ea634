// The same results as TAP, through node-tap (for CI systems that read TAP).
import type { CaseResult } from './run.ts';
import { verdictText } from './classify.ts';
import { explain } from '../suite/tags.ts';

export async function tapReport(results: CaseResult[]): Promise<void> {
  const { t } = await import('tap');
  for (const r of results) {
    const v = r.verdict;
    const extra = { diff: r.diff, error: r.error };
    if (v.class === 'pass') t.pass(r.id);
    else if (v.class === 'deviation') t.pass(`${r.id} ${verdictText(v)}`, { ...extra, explanation: explain(v.tag), diagnostic: true });
    else if (v.class === 'skip') t.pass(r.id, { skip: v.why });
    else t.fail(`${r.id} ${verdictText(v)}`, extra);
  }
  t.end();
}
