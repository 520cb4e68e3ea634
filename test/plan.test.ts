// Case -> plan -> answers -> transcript -> verdict, with a fake executor: no root, no mount.
import t from 'tap';
import type { Case } from '../suite/dsl.ts';
import { problems } from '../suite/dsl.ts';
import { file } from '../suite/fixture.ts';
import { s } from '../suite/steps.ts';
import { compile, touchedPaths, type PlanTarget } from '../harness/plan/compile.ts';
import { execute } from '../harness/plan/execute.ts';
import type { Action } from '../harness/plan/plan.ts';
import { CaseSetupError, Requests, type Executor } from '../harness/requests.ts';
import type { Op, Response, StatValue, Value } from '../harness/protocol.ts';
import { standardLayout } from '../harness/targets/target.ts';
import { transcriptOf } from '../harness/transcript/build.ts';
import { render } from '../harness/transcript/transcript.ts';
import { judge, verdictText } from '../harness/classify.ts';
import { overlayReader } from '../harness/formats/overlayfs.ts';

const stat = (ino: string, over: Partial<StatValue> = {}): StatValue => ({
  kind: 'file', mode: 0o644, uid: 0, gid: 0, size: 6, nlink: 1, ino, dev: '1', rdev: '0:0',
  atime: '1234567890500000000', mtime: '1234567890500000000', ctime: '1234567890500000000', ...over,
});

/** Answers as a small filesystem would; records what it was sent, and when. */
class FakeExecutor implements Executor {
  readonly sent: Op[] = [];
  answered = 0;
  private entries = ['.', 'b', 'a'];
  constructor(private readonly fail: (op: Op) => string | null = () => null) {}
  async call(req: Op, _timeoutMs: number): Promise<Response> {
    const { cred: _cred, ...op } = req as Op & { cred?: unknown };
    this.sent.push(op as Op);
    await new Promise((r) => setTimeout(r, 1)); // answers come later than the request goes out
    this.answered++;
    const errno = this.fail(op as Op);
    return errno ? { id: 0, ok: false, errno } : { id: 0, ok: true, value: this.value(op as Op) };
  }
  private value(op: Op): Value {
    switch (op.op) {
      case 'snapshot': return op.paths.map((path) => ({ path, view: { path, stat: stat(op.statOnly ? '7' : '8', op.statOnly ? {} : { ctime: '1700000000000000000' }), xattrs: {} } }));
      case 'stat': case 'lstat': return stat('7', { nlink: 3 });
      case 'telldir': return '18446744073709551615';
      case 'readdir': { const name = this.entries.pop(); return name ? { name, ino: '9', type: 'file' } : null; }
      case 'scan': return [];
      case 'open': return op.fd;
      default: return 0;
    }
  }
}

const layout = standardLayout('/ws/0001', 1);
const viaExecutor: PlanTarget = {
  mount: (l) => [{ send: { op: 'mount', source: 'overlay', target: l.mnt, fstype: 'overlay', data: 'x' } }],
  unmount: (l) => [{ send: { op: 'umount', target: l.mnt } }],
  layered: true,
};
/** The same target, mounting outside the executor: a barrier that sees every earlier request answered. */
function viaBarrier(exec: FakeExecutor, log: string[]): PlanTarget {
  const barrier = (what: string): Action => ({
    what,
    run: async () => void log.push(`${what} after ${exec.answered} of ${exec.sent.length} answered`),
  });
  return { mount: () => [barrier('mount')], unmount: () => [barrier('umount')], layered: true };
}

const kase: Case = {
  id: 'plan/example', spec: 'File copyup', claim: 'example', tags: [],
  layers: { lowers: [{ f: file('hello\n') }] },
  steps: [s.open('f', 'O_RDONLY', 'fd1'), s.stat('f'), s.opendir('.', 'D'), s.telldir('D'), s.seekdir('D', 1), s.readrest('D'), s.nlink('f'), s.remount(), s.rename('f', 'g')],
};
const before = { lowers: [[]], reader: overlayReader() };

async function run(target: PlanTarget, exec: FakeExecutor) {
  const plan = compile(kase, layout, target);
  const answers = await execute(plan, new Requests(exec, Date.now() + 5000, 5000), Promise.resolve(), async () => {});
  return { plan, answers, transcript: transcriptOf(kase.id, plan, answers, before) };
}

t.test('the plan names the touched paths once each, in order of appearance', async (t) => {
  t.same(touchedPaths(kase), ['f', '.', 'g']);
});

t.test('a target that mounts through the executor gets a plan with barriers only where a step needs an answer', async (t) => {
  const plan = compile(kase, layout, viaExecutor);
  t.same(plan.items.filter((i) => i.kind !== 'request').map((i) => (i.kind === 'barrier' ? i.barrier.what : i.kind)), ['derived', 'readrest', 'done'],
    'seekdir needs the telldir answer, readrest reads to the end, remount answers by itself');
  t.same(plan.items.filter((i) => i.kind === 'request' && i.mount).map((i) => (i.kind === 'request' ? i.op.op : '')), ['mount', 'umount', 'mount', 'umount'],
    'the mount, the remount (its unmount and mount) and the final unmount');
});

t.test('a case becomes answers, then a transcript, with the raw telldir value sent back for seekdir', async (t) => {
  const exec = new FakeExecutor();
  const { transcript } = await run(viaExecutor, exec);
  const seek = exec.sent.find((o) => o.op === 'seekdir');
  t.same(seek, { op: 'seekdir', dir: 'D', pos: '18446744073709551615' }, 'the position beyond 2^53 travels as the string the executor gave');
  t.same(transcript.steps.map((l) => `${l.call} = ${l.answer}`), [
    'open f O_RDONLY fd1 = 0',
    'stat f = file 0644 0:0 size=6 nlink=3 ino#1 mtime=T0',
    'opendir . D = 0',
    'telldir D = pos#1',
    'seekdir D 1 = 0',
    'readrest D = [a:file:ino#2 b:file:ino#2]',
    'nlink f = 3',
    'remount = 0',
    'rename f g = 0',
  ]);
  t.equal(transcript.merged[0], 'f: file 0644 0:0 size=6 nlink=1 ino#3 mtime=T0 ctime=changed');
  t.same(transcript.lower, [{ index: 0, changes: [] }]);
  t.equal(exec.sent.filter((o) => o.op === 'readdir').length, 4, 'readrest read until the end (null)');
});

t.test('a mount outside the executor is a barrier: same transcript, and every earlier request answered first', async (t) => {
  const byExec = await run(viaExecutor, new FakeExecutor());
  const exec = new FakeExecutor();
  const log: string[] = [];
  const byBarrier = await run(viaBarrier(exec, log), exec);
  t.equal(render(byBarrier.transcript), render(byExec.transcript));
  t.same(log.map((l) => l.split(' ')[0]), ['mount', 'umount', 'mount', 'umount']);
  for (const l of log) t.match(l, /after (\d+) of \1 answered/, l);
});

t.test('a failed request of the harness\'s own is a setup error; a failed step is its answer', async (t) => {
  const exec = new FakeExecutor((op) => (op.op === 'mount' ? 'ENOENT' : op.op === 'rename' ? 'EXDEV' : null));
  await t.rejects(run(viaExecutor, exec), new CaseSetupError('mount: ENOENT'));
  t.ok(exec.sent.some((o) => o.op === 'umount'), 'the union is unmounted when the case breaks off');
  const stepFails = await run(viaExecutor, new FakeExecutor((op) => (op.op === 'rename' ? 'EXDEV' : null)));
  t.equal(stepFails.transcript.steps.at(-1)!.answer, 'EXDEV');
});

t.test('the verdict of a transcript against its golden', async (t) => {
  const { transcript } = await run(viaExecutor, new FakeExecutor());
  t.equal(verdictText(judge(transcript, { main: render(transcript), alternatives: new Map() }, { oracle: false }).verdict), 'pass');
  const other = render({ ...transcript, steps: transcript.steps.map((l) => (l.call === 'rename f g' ? { ...l, answer: 'EXDEV' } : l)) });
  const j = judge(transcript, { main: other, alternatives: new Map([['redirect-dir', render(transcript)]]) }, { oracle: false });
  t.equal(verdictText(j.verdict), 'deviation:redirect-dir');
  t.match(j.diff, /-rename f g = EXDEV\n\+rename f g = 0/);
});

t.test('a case cannot take a step the harness keeps for itself', async (t) => {
  const exec = { op: { op: 'exec', argv: ['sh', '-c', 'touch /tmp/x'] } } as unknown as Case['steps'][number];
  t.match(problems({ ...kase, steps: [exec] }), [/"exec" is not a step a case may take/]);
  const mount = { op: { op: 'mount', source: '/', target: 'x', fstype: 'bind', data: '' } } as unknown as Case['steps'][number];
  t.match(problems({ ...kase, steps: [mount] }), [/"mount" is not a step/]);
  t.match(problems({ ...kase, steps: [{ op: { op: 'nosuch' } } as unknown as Case['steps'][number]] }), [/"nosuch" is not a step/]);
});
