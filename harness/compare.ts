// make compare TARGETS="...": runs each target, records it under results/<target>/,
// and writes results/compare.md: totals, the cases where targets disagree, then every case.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from './record.ts';

/** What the comparison reads of a run's summary. */
type ComparedRun = Omit<RunSummary, 'sameAsGolden'>;

const classOf = (v: string | undefined) => (v ?? 'not run').split(':')[0]!;

export function compareMarkdown(runs: ComparedRun[]): string {
  const ids = [...new Set(runs.flatMap((r) => Object.keys(r.verdicts)))];
  const head = `| case | ${runs.map((r) => `\`${r.target}\``).join(' | ')} |`;
  const rule = `|---|${runs.map(() => '---|').join('')}`;
  const row = (id: string) => `| ${id} | ${runs.map((r) => r.verdicts[id] ?? 'not run').join(' | ')} |`;
  // Targets that skipped a case (aufs without aufs) have no say in whether the others agree.
  const said = (id: string) => runs.map((r) => r.verdicts[id] ?? 'not run').filter((v) => !v.startsWith('skip') && v !== 'not run');
  const disagree = ids.filter((id) => new Set(said(id)).size > 1);
  const byClass = (id: string) => runs.some((r) => classOf(r.verdicts[id]) === 'fail') ? 0 : 1;
  disagree.sort((a, b) => byClass(a) - byClass(b) || a.localeCompare(b));
  return [
    '# Targets compared',
    '',
    '## Totals',
    '',
    '| target | kernel | cases | pass | deviation | fail | skip | operations | wall time |',
    '|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => `| \`${r.target}\` | ${r.kernel} | ${Object.keys(r.verdicts).length} | ${r.counts.pass ?? 0} | ${r.counts.deviation ?? 0} | ${r.counts.fail ?? 0} | ${r.counts.skip ?? 0} | ${r.ops} | ${(r.wallMs / 1000).toFixed(1)} s |`),
    '',
    `## Cases where targets disagree (${disagree.length})`,
    '',
    'Cases with a failure come first; targets that skipped a case are not counted as disagreeing.',
    '',
    head, rule, ...disagree.map(row),
    '',
    `## Every case (${ids.length})`,
    '',
    head, rule, ...ids.map(row),
    '',
  ].join('\n');
}

export function writeCompare(resultsDir: string, runs: ComparedRun[]): string {
  const file = join(resultsDir, 'compare.md');
  writeFileSync(file, compareMarkdown(runs));
  return file;
}
