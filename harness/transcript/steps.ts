// One transcript line per step: the call as the case wrote it, then its result.
import type { Bytes, DirEntry, Op, Response, StatValue, TimeSpec, Value } from '../protocol.ts';
import type { HarnessOp, Step } from '../../suite/steps.ts';
import { Aliases, bytesText, statText, timeSpecText, timeText } from './format.ts';

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

export function stepText(step: Step): string {
  const { op, ...args } = step.op as (Op | HarnessOp) & Record<string, unknown>;
  const words = [op, ...Object.entries(args).map(([k, v]) => argText(k, v)).filter(Boolean)];
  const who = step.cred ? `[${step.cred.uid}:${step.cred.gid}] ` : '';
  return who + words.join(' ');
}

export interface Ids {
  ino: Aliases;
  pos: Aliases;
}

export const isStat = (v: Value): v is StatValue => typeof v === 'object' && v !== null && 'kind' in v && 'mode' in v;
const isDirEntry = (v: Value): v is DirEntry => typeof v === 'object' && v !== null && 'name' in v && 'type' in v;

export function statLine(s: StatValue, ids: Ids): string {
  return [...statText(s), ids.ino.of(s.ino), `mtime=${timeText(s.mtime)}`].join(' ');
}

const entryText = (e: DirEntry, ids: Ids) => `${e.name}:${e.type}:${ids.ino.of(e.ino)}`;

export function resultText(op: Op | HarnessOp, r: Response, ids: Ids): string {
  // An fd or directory stream whose open failed does not exist: what close(2) says of it.
  if (!r.ok && 'refused' in r && /^unknown (fd|dir)/.test(r.refused)) return 'EBADF';
  if (!r.ok) return 'errno' in r ? r.errno : `REFUSED(${r.refused})`;
  const v = r.value;
  if (v === null) return op.op === 'readdir' ? 'end' : '0';
  // telldir values beyond 2^53 arrive as decimal strings
  if (op.op === 'telldir' && (typeof v === 'number' || typeof v === 'string')) return ids.pos.of(String(v));
  if (op.op === 'open' || op.op === 'opendir') return '0';
  if (typeof v === 'number' || typeof v === 'string') return typeof v === 'string' ? JSON.stringify(v) : String(v);
  if (isBytes(v)) return bytesText(v);
  if (isStat(v)) return statLine(v, ids);
  if (isDirEntry(v)) return entryText(v, ids);
  if (Array.isArray(v)) {
    return `[${v.map((x) => (typeof x === 'string' ? x : isDirEntry(x as Value) ? entryText(x as DirEntry, ids) : '?')).join(' ')}]`;
  }
  return JSON.stringify(v);
}
