// The fuzzing run: programs in batches on every target until RUNS or TIME is
// reached, each pair of targets judged on each program; then one finding of
// each kind per pair shrunk to a minimal program and kept (suite/found/) unless known.
import { runPrograms, judgeProgram, type FuzzTarget, type Outcome } from './batch.ts';
import type { Split } from './compare.ts';
import { findingId, writeFinding, type Finding } from './found.ts';
import { knownAt, knownById, type Known } from './known.ts';
import type { Reason } from './model.ts';
import { programCase, programsAt, programAtPath, type Program } from './program-case.ts';
import { shrink } from './shrink.ts';
import { signature } from './signature.ts';

export interface FuzzOptions {
  targets: FuzzTarget[];
  seed: number;
  runs?: number;
  seconds?: number;
  batch: number;
  known: Known[];
  /** Where new findings are written; none: not written. */
  foundDir?: string;
  caseTimeoutMs: number;
  /** At most this many findings are shrunk (one per pair and kind of difference). */
  maxShrinks: number;
  progress?: (line: string) => void;
}

export interface PairTally {
  programs: number;
  agree: number;
  explained: Partial<Record<Reason, number>>;
  findings: number;
  skipped: number;
  failed: number;
}

export interface Reported extends Finding {
  id: string;
  known?: Known;
  /** Raw findings of the run with the same kind of difference on this pair. */
  alike: number;
  dir?: string;
}

export interface FuzzReport {
  programs: number;
  seconds: number;
  pairs: Map<string, PairTally>;
  findings: Reported[];
  /** Kinds of difference left unshrunk (over maxShrinks): signature -> count. */
  unshrunk: Map<string, number>;
}

interface Raw {
  index: number;
  a: number;
  b: number;
  split: Split;
}

const pairName = (t: FuzzTarget[], a: number, b: number) => `${t[a]!.target.name} / ${t[b]!.target.name}`;
const transcript = (o: Outcome | undefined) => (o?.kind === 'ran' ? o.transcript : `(${o?.kind ?? 'no outcome'}: ${o && 'why' in o ? o.why : ''})\n`);

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const pairs = new Map<string, PairTally>();
  const raws: Raw[] = [];
  let done = 0;
  while (o.runs !== undefined ? done < o.runs : elapsed() < (o.seconds ?? 0)) {
    const count = o.runs !== undefined ? Math.min(o.batch, o.runs - done) : o.batch;
    const cases = programsAt(o.seed, done, count).map((p, i) => programCase(`p${done + i}`, p));
    const outcomes = await runPrograms(cases, o.targets, o.caseTimeoutMs);
    cases.forEach((c, i) => {
      for (const v of judgeProgram(c, outcomes[i]!, o.targets)) {
        const name = pairName(o.targets, v.a, v.b);
        const t = pairs.get(name) ?? { programs: 0, agree: 0, explained: {}, findings: 0, skipped: 0, failed: 0 };
        pairs.set(name, t);
        t.programs++;
        const j = v.judgement;
        if (j.kind === 'agree') t.agree++;
        else if (j.kind === 'skipped') t.skipped++;
        else if (j.kind === 'failed') t.failed++;
        else if (j.kind === 'explained') for (const tag of j.tags) t.explained[tag] = (t.explained[tag] ?? 0) + 1;
        else {
          t.findings++;
          raws.push({ index: done + i, a: v.a, b: v.b, split: j.split });
        }
      }
    });
    done += count;
    o.progress?.(`${done} programs, ${(done / elapsed()).toFixed(1)}/s, ${raws.length} unexplained`);
  }
  const seconds = elapsed();
  const { findings, unshrunk } = await keep(o, raws);
  return { programs: done, seconds, pairs, findings, unshrunk };
}

/** One raw finding per pair and kind of difference is shrunk, unless the known list has it already. */
async function keep(o: FuzzOptions, raws: Raw[]): Promise<{ findings: Reported[]; unshrunk: Map<string, number> }> {
  const groups = new Map<string, Raw[]>();
  for (const r of raws) {
    const key = `${pairName(o.targets, r.a, r.b)} ${signature(r.split)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const byId = new Map<string, Reported>();
  const unshrunk = new Map<string, number>();
  let shrinks = 0;
  for (const [key, group] of groups) {
    const r = group[0]!;
    const [a, b] = [o.targets[r.a]!, o.targets[r.b]!];
    const at = knownAt(o.known, a.target.name, b.target.name, `${o.seed}:${r.index}`);
    if (at) {
      const seen = byId.get(at.id) ?? { ...(await finding(o, r, String(r.index), r.split, false)), id: at.id, known: at, alike: 0 };
      byId.set(at.id, { ...seen, alike: seen.alike + group.length });
      continue;
    }
    if (shrinks++ >= o.maxShrinks) {
      unshrunk.set(key, group.length);
      continue;
    }
    o.progress?.(`shrinking ${key} (${group.length} alike)`);
    const pair = [a, b];
    const probe = async (programs: Program[]) => {
      const cases = programs.map((p, i) => programCase(`s${i}`, p));
      const outcomes = await runPrograms(cases, pair, o.caseTimeoutMs);
      return cases.map((c, i) => {
        const j = judgeProgram(c, outcomes[i]!, pair)[0]!.judgement;
        return j.kind === 'finding' ? j.split : null;
      });
    };
    const s = await shrink(o.seed, String(r.index), r.split, probe, { batch: 8, maxTries: 1000 });
    const f = await finding(o, r, s.path, s.split, true);
    o.progress?.(`shrunk to ${f.known ? 'known' : 'new'} ${f.id} (path ${s.path}, ${s.tried} tried)`);
    const seen = byId.get(f.id);
    if (seen) seen.alike += group.length;
    else byId.set(f.id, { ...f, alike: group.length });
  }
  return { findings: [...byId.values()], unshrunk };
}

/** The finding at a path: its program run once more on its pair for the transcripts, and kept if new. */
async function finding(o: FuzzOptions, r: Raw, path: string, split: Split, write: boolean): Promise<Reported> {
  const pair = [o.targets[r.a]!, o.targets[r.b]!];
  const program = programAtPath(o.seed, path);
  const c = programCase('minimal', program);
  const [outcomes] = await runPrograms([c], pair, o.caseTimeoutMs);
  const [a, b] = pair.map((t) => t.target.name) as [string, string];
  const f: Finding = { a, b, seed: o.seed, path, program, split, transcripts: { [a]: transcript(outcomes![0]), [b]: transcript(outcomes![1]) } };
  const id = findingId(a, b, program);
  const known = knownById(o.known, a, b, id);
  const dir = write && !known && o.foundDir ? writeFinding(o.foundDir, id, f) : undefined;
  return { ...f, id, alike: 1, ...(known ? { known } : {}), ...(dir ? { dir } : {}) };
}
