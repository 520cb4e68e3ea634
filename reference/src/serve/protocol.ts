// The --serve protocol: one JSON object per line each way, answered in
// completion order (a slow mount does not hold up other requests).
//   {"id":1,"op":"mount","options":"lowerdir=...,upperdir=...,workdir=...","mnt":"/path"}
//   {"id":2,"op":"unmount","mnt":"/path"}
// → {"id":1,"ok":true} or {"id":1,"ok":false,"error":"unionref: <one line, as the command line prints it>"}

export type RequestId = number | string | null;

export type ServeRequest =
  | { id: RequestId; op: 'mount'; options: string; mnt: string }
  | { id: RequestId; op: 'unmount'; mnt: string };

export type ServeReply = { id: RequestId; ok: true } | { id: RequestId; ok: false; error: string };

export class BadRequest extends Error {
  constructor(readonly id: RequestId, message: string) {
    super(message);
  }
}

function stringField(o: Record<string, unknown>, key: string, id: RequestId): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new BadRequest(id, `bad request: "${key}" must be a non-empty string`);
  return v;
}

export function parseRequest(line: string): ServeRequest {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new BadRequest(null, 'bad request: not JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new BadRequest(null, 'bad request: not a JSON object');
  const r = o as Record<string, unknown>;
  const id: RequestId = typeof r.id === 'number' || typeof r.id === 'string' ? r.id : null;
  if (r.op === 'mount') return { id, op: 'mount', options: stringField(r, 'options', id), mnt: stringField(r, 'mnt', id) };
  if (r.op === 'unmount') return { id, op: 'unmount', mnt: stringField(r, 'mnt', id) };
  throw new BadRequest(id, `bad request: unknown op ${JSON.stringify(r.op)} (known: mount, unmount)`);
}

/** The error line for anything thrown while serving a request. */
export function errorLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `unionref: ${msg.split('\n')[0]}`;
}
