// make compare TARGETS="...": runs each target, records it under results/<target>/,
// and writes results/compare.md (totals, the cases where targets disagree, then every case),
// results/compare.json (the same as data, with the diffs) and results/compare.html (the page).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../suite/dsl.ts';
import type { RunSummary } from './record.ts';
import { compareData, type ComparedRun as RunWithResults } from './html/data.ts';
import { comparePage } from './html/page.ts';

/** What the comparison reads of a run's summary. */
type ComparedRun = Omit<RunSummary, 'sameAsGolden'>;

const classOf = (v: string | undefined) => (v ?? 'not run').split(':')[0]!;

/** "kernel 6.18 · fuse-overlayfs 1.10"; a summary recorded before versions were has its kernel alone. */
const versionsText = (r: ComparedRun) => (r.versions ? Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(' · ') : r.kernel);

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
    '| target | versions (asked at run time) | cases | pass | deviation | fail | skip | operations | wall time |',
    '|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => `| \`${r.target}\` | ${versionsText(r)} | ${Object.keys(r.verdicts).length} | ${r.counts.pass ?? 0} | ${r.counts.deviation ?? 0} | ${r.counts.fail ?? 0} | ${r.counts.skip ?? 0} | ${r.ops} | ${(r.wallMs / 1000).toFixed(1)} s |`),
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

/** Writes compare.md, compare.json and compare.html into `dir`; answers their paths. */
export function writeCompare(dir: string, runs: RunWithResults[], cases: Case[], specFile?: string): string[] {
  const data = compareData(runs, cases, specFile);
  const files = { md: join(dir, 'compare.md'), json: join(dir, 'compare.json'), html: join(dir, 'compare.html') };
  writeFileSync(files.md, compareMarkdown(runs.map((r) => r.summary)));
  writeFileSync(files.json, `${JSON.stringify(data, null, 1)}\n`);
  writeFileSync(files.html, comparePage(data));
  return Object.values(files);
}

/** --html FILE: the page for one run. */
export function writePage(file: string, run: RunWithResults, cases: Case[], specFile?: string): void {
  writeFileSync(file, comparePage(compareData([run], cases, specFile)));
}
