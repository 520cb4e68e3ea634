// A recorded run: DIR/summary.json with the verdicts, and DIR/<case id>.out for each transcript
// that differs from its main golden (results/golden/<id>.out). A transcript equal to it is
// not written, and the summary lists it under sameAsGolden: a missing file means "equals golden".
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verdictText } from './classify.ts';
import { goldenFile } from './golden.ts';
import { summaryCounts, type CaseResult } from './run.ts';

export interface RunSummary {
  target: string;
  /** The target machine's kernel release ('' when it could not be asked). */
  kernel: string;
  /** Asked of the target's machine at run time (harness/versions.ts): kernel, and fuse-overlayfs, unionfs-fuse, aufs or unionref. */
  versions?: Record<string, string>;
  wallMs: number;
  ops: number;
  counts: Record<string, number>;
  /** case id -> pass | deviation:<tag> | fail[:why] | skip:<why> */
  verdicts: Record<string, string>;
  /** Cases whose transcript is byte-identical to results/golden/<id>.out, so no <id>.out was written. */
  sameAsGolden: string[];
}

/** A directory name for a TARGET string (ssh://user@host:port/path has slashes). */
export const targetSlug = (target: string) => target.replace(/[^A-Za-z0-9._:=,@+-]/g, '_');

function sameAsGolden(goldenDir: string, r: CaseResult): boolean {
  const golden = goldenFile(goldenDir, r.id);
  return r.transcript !== undefined && existsSync(golden) && readFileSync(golden, 'utf8') === r.transcript;
}

export function recordTranscript(dir: string, r: CaseResult, goldenDir: string): void {
  if (!r.transcript || sameAsGolden(goldenDir, r)) return;
  const file = join(dir, `${r.id}.out`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, r.transcript);
}

/** A run's summary: what summary.json holds. */
export function summarize(target: string, results: CaseResult[], wallMs: number, goldenDir: string, versions: Record<string, string> = {}): RunSummary {
  return {
    target,
    kernel: versions.kernel ?? '',
    versions,
    wallMs,
    ops: results.reduce((n, r) => n + r.ops, 0),
    counts: summaryCounts(results),
    verdicts: Object.fromEntries(results.map((r) => [r.id, verdictText(r.verdict)])),
    sameAsGolden: results.filter((r) => sameAsGolden(goldenDir, r)).map((r) => r.id),
  };
}

export function recordSummary(
  dir: string, target: string, results: CaseResult[], wallMs: number, goldenDir: string, versions: Record<string, string> = {},
): RunSummary {
  const summary = summarize(target, results, wallMs, goldenDir, versions);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
  return summary;
}

/** Empties a record dir before a new run, so no transcript of an older run stays behind. */
export const clearRecord = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** A recorded run that cannot be read back. */
export class RecordError extends Error {}

/**
 * The summary a run recorded under results/<target>/, as the comparison's column for a target
 * that is not run again (uml:aufs takes about an hour): its cases since added show as not run.
 */
export function recordedSummary(resultsDir: string, target: string): RunSummary {
  const file = join(resultsDir, targetSlug(target), 'summary.json');
  if (!existsSync(file)) throw new RecordError(`recorded:${target}: no recorded run (${file} is missing: make compare TARGETS=${target} records one)`);
  let s: Partial<RunSummary>;
  try {
    s = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunSummary>;
  } catch {
    throw new RecordError(`recorded:${target}: ${file} is not JSON`);
  }
  const isRecord = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (s.target !== target || !isRecord(s.verdicts) || !isRecord(s.counts) || typeof s.wallMs !== 'number' || typeof s.ops !== 'number') {
    throw new RecordError(`recorded:${target}: ${file} is not the summary of a run of ${target}`);
  }
  return s as RunSummary;
}
