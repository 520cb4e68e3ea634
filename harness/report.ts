// What a person reads: one line per case, a diff under each case that did not pass, totals.
import type { Writable } from 'node:stream';
import { explain } from '../suite/tags.ts';
import { summaryCounts, type CaseResult } from './run.ts';
import { verdictText } from './classify.ts';

const indent = (text: string) => text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');

export function caseReport(r: CaseResult): string {
  const lines = [`${verdictText(r.verdict).padEnd(36)} ${r.id}`];
  if (r.verdict.class === 'deviation') lines.push(`    (${explain(r.verdict.tag)})`);
  if (r.error) lines.push(indent(r.error));
  if (r.verdict.class !== 'pass' && r.diff) lines.push(indent(r.diff));
  return lines.join('\n');
}

export function totals(target: string, results: CaseResult[], ms: number): string {
  const c = summaryCounts(results);
  const ops = results.reduce((n, r) => n + r.ops, 0);
  return `${target}: ${results.length} cases: ${c.pass} pass, ${c.deviation} deviation, ${c.fail} fail, ${c.skip} skip; ${ops} operations in ${(ms / 1000).toFixed(1)} s`;
}

/** A live progress line on a terminal; nothing in CI or when stderr is not a TTY. */
export class Progress {
  private readonly on: boolean;
  private fails = 0;
  constructor(private readonly out: Writable & { isTTY?: boolean; columns?: number }) {
    this.on = Boolean(out.isTTY) && !process.env.CI;
  }
  start(id: string, done: number, total: number): void {
    if (!this.on) return;
    const line = `[${done}/${total}] ${this.fails} failed  ${id}`;
    this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns ?? 80) - 1)}`);
  }
  result(r: CaseResult): void {
    if (r.verdict.class === 'fail') this.fails++;
    if (this.on) this.out.write('\r\x1b[K');
  }
}
