// Runs one case on one target: its layers are written, its plan is carried
// out, and the answers become its transcript.
import type { Case } from '../suite/dsl.ts';
import { lowerLayers, makeCaseDir, prepare, releaseUpperFs } from './case-layers.ts';
import type { LowerCache } from './lower-cache.ts';
import { compile } from './plan/compile.ts';
import { execute } from './plan/execute.ts';
import { CaseSetupError, later, Requests, type Executor } from './requests.ts';
import type { Layout, Target } from './targets/target.ts';
import { transcriptOf } from './transcript/build.ts';
import type { Transcript } from './transcript/transcript.ts';

export interface CaseRun {
  transcript: Transcript;
  /** Wall time of the case in ms. */
  ms: number;
  /** Steps issued (checked operations). */
  ops: number;
}

export interface CaseOptions {
  timeoutMs: number;
  /** Lower layers shared with the lane's other cases (see lower-cache.ts). */
  lowers?: LowerCache;
  /** Time to let pass between writing the layers and the first step (see run.ts, TICK_MS). */
  tickWaitMs?: number;
}

/** `layout` is the case's (case-layers.ts caseLayout): where its layers and mount live. */
export async function runCase(c: Case, target: Target, exec: Executor, layout: Layout, o: CaseOptions): Promise<CaseRun> {
  const started = Date.now();
  const io = new Requests(exec, started + o.timeoutMs, o.timeoutMs);
  const made = makeCaseDir(io.send, layout);
  try {
    if (layout.upperFs) {
      await made;
      const r = await target.host.run(['mount', '-t', 'tmpfs', '-o', `size=${layout.upperFs.bytes},mode=0755`, 'tmpfs', layout.upperFs.path]);
      if (r.code !== 0) throw new CaseSetupError(`mount tmpfs for a ${layout.upperFs.bytes}-byte upper: ${r.stderr.trim()}`);
    }
    const lower = await lowerLayers(c, target, layout, io.send, target.oracle ? undefined : o.lowers);
    const l = { ...layout, lowers: lower.dirs };
    try {
      const setup = later(Promise.all([made, prepare(c, target, l, io.send), lower.before]));
      const plan = compile(c, l, { mount: target.mount, unmount: target.unmount, layered: !target.oracle }, o.tickWaitMs);
      const answers = await execute(plan, io, setup, () => target.abort(l));
      const transcript = transcriptOf(c.id, plan, answers, { lowers: await lower.before, ...(target.reader ? { reader: target.reader } : {}) });
      // A layer the target wrote into is no longer the fixture: no later case may mount it.
      for (const check of transcript.lower ?? []) if (check.changes.length) lower.spoilt(check.index);
      return { transcript, ms: Date.now() - started, ops: c.steps.length };
    } catch (e) {
      for (const i of lower.dirs.keys()) lower.spoilt(i);
      throw e;
    }
  } catch (e) {
    await io.drain(); // nothing may still be at work in the case's directory when the run removes it
    throw e;
  } finally {
    await releaseUpperFs(target, layout);
  }
}
