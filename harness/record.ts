// A recorded run: every transcript under DIR/<case id>.out and DIR/summary.json with the verdicts.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import { verdictText } from './classify.ts';
import { summaryCounts, type CaseResult } from './run.ts';

export interface RunSummary {
  target: string;
  kernel: string;
  wallMs: number;
  ops: number;
  counts: Record<string, number>;
  /** case id -> pass | deviation:<tag> | fail[:why] | skip:<why> */
  verdicts: Record<string, string>;
}

/** A directory name for a TARGET string (ssh://user@host:port/path has slashes). */
export const targetSlug = (target: string) => target.replace(/[^A-Za-z0-9._:=,@+-]/g, '_');

export function recordTranscript(dir: string, r: CaseResult): void {
  if (!r.transcript) return;
  const file = join(dir, `${r.id}.out`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, r.transcript);
}

export function recordSummary(dir: string, target: string, results: CaseResult[], wallMs: number): RunSummary {
  const summary: RunSummary = {
    target,
    kernel: release(),
    wallMs,
    ops: results.reduce((n, r) => n + r.ops, 0),
    counts: summaryCounts(results),
    verdicts: Object.fromEntries(results.map((r) => [r.id, verdictText(r.verdict)])),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
  return summary;
}

/** Empties a record dir before a new run, so no transcript of an older run stays behind. */
export const clearRecord = (dir: string) => rmSync(dir, { recursive: true, force: true });
