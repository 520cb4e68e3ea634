// One transcript line per step: the call as the case wrote it, then its answer,
// both read through the op table (harness/ops/table.ts).
import type { DirEntry, Response, StatValue } from '../protocol.ts';
import type { Bytes, TimeSpec } from '../ops/fields.ts';
import { specOf, type AnswerKind } from '../ops/table.ts';
import type { Step } from '../../suite/steps.ts';
import { Aliases, bytesText, pathText, statText, timeSpecText, timeText } from './format.ts';

const isBytes = (v: unknown): v is Bytes => typeof v === 'object' && v !== null && 'b64' in v;
const isTimeSpec = (v: unknown): v is TimeSpec =>
  v === 'UTIME_NOW' || v === 'UTIME_OMIT' || (typeof v === 'object' && v !== null && 'sec' in v && 'nsec' in v);

function argText(key: string, v: unknown): string {
  if (typeof v === 'number') return key === 'mode' ? `0${v.toString(8)}` : String(v);
  if (typeof v === 'boolean') return v ? key : '';
  if (Array.isArray(v)) return v.join('|');
  if (isBytes(v)) return bytesText(v);
  if (isTimeSpec(v)) return timeSpecText(v);
  const s = String(v);
  return s === '' || /[\s"]/.test(s) ? JSON.stringify(s) : s;
}

/** The call: the op's name, then its arguments in the table's order. */
export function stepText(step: Step): string {
  const op = step.op as Step['op'] & Readonly<Record<string, unknown>>;
  const fields = specOf(op.op).fields;
  const args = Object.keys(fields).filter((k) => op[k] !== undefined).map((k) => (fields[k]!.path ? argText(k, pathText(op[k] as string)) : argText(k, op[k])));
  const who = step.cred ? `[${step.cred.uid}:${step.cred.gid}] ` : '';
  return who + [op.op, ...args.filter(Boolean)].join(' ');
}

export interface Ids {
  ino: Aliases;
  pos: Aliases;
}

export function statLine(s: StatValue, ids: Ids): string {
  return [...statText(s), ids.ino.of(s.ino), `mtime=${timeText(s.mtime)}`].join(' ');
}

const entryText = (e: DirEntry, ids: Ids) => `${e.name}:${e.type}:${ids.ino.of(e.ino)}`;

/** The answer, read as its op's answer kind says. */
export function answerText(kind: AnswerKind, r: Response, ids: Ids): string {
  // An fd or directory stream whose open failed does not exist: what close(2) says of it.
  if (!r.ok && 'refused' in r && /^unknown (fd|dir)/.test(r.refused)) return 'EBADF';
  if (!r.ok) return 'errno' in r ? r.errno : `REFUSED(${r.refused})`;
  const v = r.value;
  switch (kind) {
    case 'int': return v === null ? '0' : String(v);
    case 'handle': return '0';
    case 'bytes': return bytesText(v as Bytes);
    case 'text': return JSON.stringify(v);
    case 'stat': return statLine(v as StatValue, ids);
    case 'nlink': return String((v as StatValue).nlink);
    case 'entry': return v === null ? 'end' : entryText(v as DirEntry, ids);
    case 'entries': return `[${(v as DirEntry[]).map((e) => entryText(e, ids)).join(' ')}]`;
    case 'names': return `[${(v as string[]).join(' ')}]`;
    // telldir values beyond 2^53 arrive as decimal strings
    case 'pos': return ids.pos.of(String(v));
    case 'none': return JSON.stringify(v);
  }
}

export const stepLine = (step: Step, r: Response, ids: Ids): string => `${stepText(step)} = ${answerText(specOf(step.op.op).answer, r, ids)}`;
