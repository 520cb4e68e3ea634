// results/compare.json: the comparison as data, the one input of the HTML page.
// Its schema is documented in the README ("results/compare.json").
import type { Case } from '../../suite/dsl.ts';
import { SECTIONS } from '../../suite/dsl.ts';
import { TAGS } from '../../suite/tags.ts';
import { parseTarget } from '../targets/target.ts';
import { stepText } from '../transcript/steps.ts';
import { layersText } from '../explain/layer-tree.ts';
import { specSentence } from '../explain/spec-text.ts';
import type { RunSummary } from '../record.ts';
import type { CaseResult } from '../run.ts';

export const SCHEMA = 'union-conformance/compare@1';

export interface TargetColumn {
  /** The TARGET string, e.g. overlayfs:redirect_dir=on,index=on */
  target: string;
  name: string;
  options: string[];
  /** Asked of the tools at run time: kernel, fuse-overlayfs, unionfs-fuse, unionref. */
  versions: Record<string, string>;
  cases: number;
  counts: { pass: number; deviation: number; fail: number; skip: number };
  ops: number;
  wallMs: number;
}

export interface CellResult {
  /** pass | deviation:<tag> | fail[:why] | skip:<why>, as the run's summary says. */
  verdict: string;
  /** The unified diff against the golden transcript (harness/classify.ts), where the case did not pass. */
  diff?: string;
  /** Why the harness could not run the case, where it could not. */
  error?: string;
}

export interface CaseRow {
  id: string;
  /** The id's first part: copyup, rename, ... */
  family: string;
  spec: string;
  /** The spec's first sentence of that section, only where the spec file was available to the run. */
  specSentence?: string;
  claim: string;
  posix?: string;
  layers: string;
  steps: string[];
  /** Keyed by TargetColumn.target; a target that did not run the case has no entry. */
  results: Record<string, CellResult>;
}

export interface CompareData {
  schema: typeof SCHEMA;
  targets: TargetColumn[];
  /** Deviation tag -> what it means. */
  tags: Record<string, string>;
  sections: string[];
  cases: CaseRow[];
}

/** A run as the comparison reads it: its summary and, where the run is in memory, its results (for the diffs). */
export interface ComparedRun {
  summary: Omit<RunSummary, 'sameAsGolden'>;
  results?: CaseResult[];
}

function column(r: ComparedRun): TargetColumn {
  const { name, options } = parseTarget(r.summary.target);
  const c = r.summary.counts;
  return {
    target: r.summary.target,
    name,
    options,
    versions: r.summary.versions ?? { kernel: r.summary.kernel },
    cases: Object.keys(r.summary.verdicts).length,
    counts: { pass: c.pass ?? 0, deviation: c.deviation ?? 0, fail: c.fail ?? 0, skip: c.skip ?? 0 },
    ops: r.summary.ops,
    wallMs: r.summary.wallMs,
  };
}

function cell(verdict: string, res: CaseResult | undefined): CellResult {
  return { verdict, ...(res?.diff && res.verdict.class !== 'pass' ? { diff: res.diff } : {}), ...(res?.error ? { error: res.error } : {}) };
}

/** The rows are the suite's cases that some run has a verdict for, in suite order. */
export function compareData(runs: ComparedRun[], cases: Case[], specFile?: string): CompareData {
  const ran = new Set(runs.flatMap((r) => Object.keys(r.summary.verdicts)));
  const byId = runs.map((r) => new Map((r.results ?? []).map((x) => [x.id, x])));
  return {
    schema: SCHEMA,
    targets: runs.map(column),
    tags: { ...TAGS },
    sections: [...SECTIONS],
    cases: cases.filter((c) => ran.has(c.id)).map((c): CaseRow => {
      const sentence = specSentence(specFile, c.spec);
      const results: Record<string, CellResult> = {};
      runs.forEach((r, i) => {
        const verdict = r.summary.verdicts[c.id];
        if (verdict !== undefined) results[r.summary.target] = cell(verdict, byId[i]!.get(c.id));
      });
      return {
        id: c.id,
        family: c.id.split('/')[0]!,
        spec: c.spec,
        ...(sentence ? { specSentence: sentence } : {}),
        claim: c.claim,
        ...(c.posix ? { posix: c.posix } : {}),
        layers: layersText(c.layers),
        steps: c.steps.map(stepText),
        results,
      };
    }),
  };
}
