// A recorded run writes only the transcripts that differ from their main golden and lists the others.
import t from 'tap';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSummary, recordTranscript, type RunSummary } from '../harness/record.ts';
import type { CaseResult } from '../harness/run.ts';
import { GOLDEN, leftMounts, ROOT } from './fixtures/util.ts';

const result = (id: string, transcript?: string): CaseResult => ({ id, ms: 1, ops: 1, verdict: { class: 'pass' }, ...(transcript === undefined ? {} : { transcript }) });

t.test('a transcript equal to its golden is listed, not written; one that differs is written', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'record-test-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const golden = join(tmp, 'golden');
  mkdirSync(join(golden, 'a'), { recursive: true });
  writeFileSync(join(golden, 'a/same.out'), '# a/same\n');
  writeFileSync(join(golden, 'a/other.out'), '# a/other\n');
  writeFileSync(join(golden, 'a/other.some-tag.out'), '# a/other, the accepted alternative\n');
  const results = [
    result('a/same', '# a/same\n'),
    result('a/other', '# a/other, the accepted alternative\n'),
    result('a/new', '# a/new\n'),
    result('a/crashed'),
  ];
  const rec = join(tmp, 'rec');
  for (const r of results) recordTranscript(rec, r, golden);
  const summary = recordSummary(rec, 'overlayfs', results, 10, golden);
  t.notOk(existsSync(join(rec, 'a/same.out')));
  t.equal(readFileSync(join(rec, 'a/other.out'), 'utf8'), '# a/other, the accepted alternative\n', 'equal to an alternative only: written');
  t.equal(readFileSync(join(rec, 'a/new.out'), 'utf8'), '# a/new\n', 'no golden: written');
  t.notOk(existsSync(join(rec, 'a/crashed.out')));
  t.same(summary.sameAsGolden, ['a/same']);
  t.same((JSON.parse(readFileSync(join(rec, 'summary.json'), 'utf8')) as RunSummary).sameAsGolden, ['a/same']);
});

t.test('--record on overlayfs: every case is either written and differs from golden, or listed as the same', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'record-test-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const golden = join(tmp, 'golden');
  cpSync(join(GOLDEN, 'what-happens'), join(golden, 'what-happens'), { recursive: true });
  const changed = 'what-happens/creat-newfile';
  writeFileSync(join(golden, `${changed}.out`), `${readFileSync(join(GOLDEN, `${changed}.out`), 'utf8')}an extra line\n`);
  const rec = join(tmp, 'rec');
  const args = ['--target', 'overlayfs', '--filter', 'what-happens/', '--golden', golden, '--record', rec];
  let pid = 0;
  await new Promise<void>((resolve) => (pid = execFile(join(ROOT, 'harness/bin/union-conformance'), args, () => resolve()).pid!));
  const summary = JSON.parse(readFileSync(join(rec, 'summary.json'), 'utf8')) as RunSummary;
  const ids = Object.keys(summary.verdicts);
  t.ok(ids.length > 5, 'the cases ran');
  t.notOk(summary.sameAsGolden.includes(changed), 'the case with a changed golden is not listed');
  t.ok(summary.sameAsGolden.length > 0, 'some transcripts equal their golden');
  for (const id of ids) {
    const file = join(rec, `${id}.out`);
    if (summary.sameAsGolden.includes(id)) t.notOk(existsSync(file), `${id}: equal to golden, not written`);
    else t.not(readFileSync(file, 'utf8'), readFileSync(join(golden, `${id}.out`), 'utf8'), `${id}: written, and differs from golden`);
  }
  // Only this run's mounts: other runs on the machine may have theirs up.
  t.same(leftMounts().filter((m) => m.includes(`/union-conformance-${pid}-`)), [], 'no mount left behind');
});
