// Checks one request line against the op table (harness/ops/table.ts) before
// anything is executed: JSON, an id, an op the executor performs, and every
// field the op needs with the right type.

import type { Cred, Request } from '../protocol.ts';
import { isOpName, specOf } from '../ops/table.ts';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function checkCred(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'cred must be {uid, gid, groups?}';
  const c = v as Partial<Record<keyof Cred, unknown>>;
  const ugid = (x: unknown): boolean => isInt(x) && x >= 0 && x < 0xffffffff;
  if (!ugid(c.uid)) return 'cred.uid must be a uid';
  if (!ugid(c.gid)) return 'cred.gid must be a gid';
  if (c.groups !== undefined && !(Array.isArray(c.groups) && c.groups.every(ugid))) {
    return 'cred.groups must be an array of gids';
  }
  return null;
}

export type Parsed = { ok: true; req: Request } | { ok: false; id: number; reason: string };

export function parseRequest(line: string): Parsed {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    return { ok: false, id: -1, reason: `malformed JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return { ok: false, id: -1, reason: 'request must be a JSON object' };
  }
  const obj = msg as Record<string, unknown>;
  const idv = obj['id'];
  if (!isInt(idv)) return { ok: false, id: -1, reason: 'missing or invalid id (an integer)' };
  const id = idv;
  const op = obj['op'];
  if (op === undefined) return { ok: false, id, reason: 'missing op' };
  if (!isOpName(op) || specOf(op).role === 'harness-step') return { ok: false, id, reason: `unknown op ${JSON.stringify(op)}` };
  for (const [field, check] of Object.entries(specOf(op).fields)) {
    const v = obj[field];
    if (v === undefined) {
      if (check.optional) continue;
      return { ok: false, id, reason: `${op}: missing field ${field}` };
    }
    if (!check.test(v)) return { ok: false, id, reason: `${op}: field ${field} must be ${check.what}` };
  }
  if (obj['cred'] !== undefined && obj['cred'] !== null) {
    const bad = checkCred(obj['cred']);
    if (bad !== null) return { ok: false, id, reason: bad };
  }
  return { ok: true, req: obj as unknown as Request };
}
