// JUnit XML, the format CI systems read: one testsuite per target, one testcase per case.
import type { CaseResult } from './run.ts';
import { verdictText } from './classify.ts';
import { explain } from '../suite/tags.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 cannot carry most control characters at all.
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export function junit(target: string, results: CaseResult[], ms: number): string {
  const fails = results.filter((r) => r.verdict.class === 'fail').length;
  const skips = results.filter((r) => r.verdict.class === 'skip').length;
  const cases = results.map((r) => {
    const family = r.id.split('/').slice(0, -1).join('/');
    const open = `  <testcase classname="${esc(`${target}.${family}`)}" name="${esc(r.id)}" time="${(r.ms / 1000).toFixed(3)}"`;
    const v = r.verdict;
    const detail = [r.error, r.diff].filter(Boolean).join('\n');
    if (v.class === 'pass') return `${open}/>`;
    if (v.class === 'skip') return `${open}>\n    <skipped message="${esc(v.why)}"/>\n  </testcase>`;
    if (v.class === 'deviation') {
      return `${open}>\n    <system-out>${esc(`${verdictText(v)}: ${explain(v.tag)}\n${detail}`)}</system-out>\n  </testcase>`;
    }
    return `${open}>\n    <failure message="${esc(verdictText(v))}" type="${esc(verdictText(v))}">${esc(detail)}</failure>\n  </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="union-conformance" tests="${results.length}" failures="${fails}" skipped="${skips}" time="${(ms / 1000).toFixed(3)}">`,
    `<testsuite name="${esc(target)}" tests="${results.length}" failures="${fails}" skipped="${skips}" time="${(ms / 1000).toFixed(3)}">`,
    ...cases,
    '</testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
