// The op table is the one description of an op: the wire check, the step builders,
// the paths a step touches and the transcript's call text all follow from it.
import t from 'tap';
import { OPS, specOf, pathsOf, type AnyName } from '../harness/ops/table.ts';
import { parseRequest } from '../harness/executor/validate.ts';
import { s } from '../suite/steps.ts';
import { stepText } from '../harness/transcript/steps.ts';
import { ExecutorClient, type ExecutorCall } from '../harness/executor-client.ts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Values to try for each field: the first a field's check admits is its sample.
const CANDIDATES: unknown[] = [
  'a', 1, true, ['O_RDONLY'], ['RENAME_NOREPLACE'], ['XATTR_CREATE'], { b64: 'eA==' }, { sec: 1, nsec: 2 }, 'SEEK_SET', 'fifo', ['sh'],
  ['PROT_READ'], 'MAP_SHARED', 'LOCK_SH', 'posix', 'F_RDLCK', 'flock', ['FALLOC_FL_KEEP_SIZE'], ['AT_EACCESS'],
];
const sample = (name: AnyName) =>
  Object.fromEntries(Object.entries(specOf(name).fields).map(([k, f]) => [k, CANDIDATES.find((v) => f.test(v))]));
const executorOps = (Object.keys(OPS) as AnyName[]).filter((n) => specOf(n).role !== 'harness-step');

t.test('every field of every op has a check a sample value passes', async (t) => {
  for (const n of Object.keys(OPS) as AnyName[]) for (const [k, v] of Object.entries(sample(n))) t.not(v, undefined, `${n}.${k}`);
});

t.test('the executor checks each of its ops against the table: fields, types, and nothing else', async (t) => {
  for (const n of executorOps) {
    const req = { id: 1, op: n, ...sample(n) };
    t.same(parseRequest(JSON.stringify(req)).ok, true, `${n} with every field`);
    for (const [k, f] of Object.entries(specOf(n).fields)) {
      const without: Record<string, unknown> = { ...req };
      delete without[k];
      const missing = parseRequest(JSON.stringify(without));
      if (f.optional) t.equal(missing.ok, true, `${n} without optional ${k}`);
      else t.match(missing, { ok: false, reason: `${n}: missing field ${k}` });
      t.match(parseRequest(JSON.stringify({ ...req, [k]: { bogus: 1 } })), { ok: false, reason: `${n}: field ${k} must be ${f.what}` });
    }
  }
  t.match(parseRequest('{"id":1,"op":"remount"}'), { ok: false, reason: 'unknown op "remount"' }, 'the harness\'s own steps never reach the executor');
});

t.test('every step builder makes a step whose op the table describes, and whose paths the plan shows', async (t) => {
  const built = [
    s.open('p/a', 'O_RDONLY', 'fd1'), s.rename('p/from', 'p/to'), s.symlink('target', 'p/l'), s.mkdir('p/f'), s.utimens('p/u', s.T1, 'UTIME_OMIT'),
    s.setxattr('p/x', 'user.a', 'v'), s.readrest('D'), s.nlink('p/n'), s.remount(), s.seekdir('D', 1),
    s.mmap('fd1', 'M', 'MAP_PRIVATE'), s.lockprobe('p/k', 'record'), s.linkfd('fd1', 'p/t'), s.openat('H', 'x/y', 'O_RDONLY', 'fd2'), s.execfile('p/e'),
  ];
  for (const st of built) {
    const spec = specOf(st.op.op);
    t.not(spec.role, 'setup', st.op.op);
    for (const k of Object.keys(st.op).filter((k) => k !== 'op')) t.ok(k in spec.fields, `${st.op.op}.${k} is a field of the table`);
    if (spec.role === 'step') t.equal(parseRequest(JSON.stringify({ id: 1, ...st.op })).ok, true, `${st.op.op} as built passes the wire check`);
  }
  t.same(built.flatMap((st) => pathsOf(st.op)), ['p/a', 'p/from', 'p/to', 'p/l', 'p/f', 'p/u', 'p/x', 'p/n', 'p/k', 'p/t', 'p/e'],
    'a symlink\'s target is text, not a path; nor is a name relative to a held directory');
  t.equal(stepText(s.symlink('target', 'p/l')), 'symlink target p/l');
});

t.test('the executor implements every op of the table it is sent', async (t) => {
  // Adding an op is its descriptor plus its case in executor/ops.ts (a missing case does not compile):
  // here every executor op, with sample arguments, gets an answer that is not a refusal to know it.
  const ws = mkdtempSync(join(tmpdir(), 'op-table-test-'));
  mkdirSync(join(ws, 'root'));
  const c = ExecutorClient.spawnLocal(ws);
  t.teardown(async () => {
    await c.close();
    rmSync(ws, { recursive: true, force: true });
  });
  t.ok((await c.call({ op: 'root', path: join(ws, 'root') }, 15_000)).ok);
  for (const n of executorOps.filter((n) => n !== 'exec' && n !== 'root')) {
    const r = await c.call({ op: n, ...sample(n) } as ExecutorCall, 15_000);
    t.notMatch(JSON.stringify(r), /unknown op|internal error|is handled by/, `${n}: ${JSON.stringify(r).slice(0, 120)}`);
  }
});
