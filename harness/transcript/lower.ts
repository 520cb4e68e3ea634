// A lower layer must come out of a case byte-for-byte as it went in.
import type { ScanEntry } from '../protocol.ts';
import { pathText } from './format.ts';

/** What changed in one lower layer: `-path` gone, `~path` changed, `+path` new. Any change fails the case. */
export interface LowerCheck {
  index: number;
  changes: string[];
}

/** Everything about an entry except its atime, which reading may update. */
function fingerprint(e: ScanEntry): string {
  const { atime: _atime, ...stat } = e.stat;
  const xattrs = Object.keys(e.xattrs).sort().map((k) => [k, e.xattrs[k]]);
  return JSON.stringify([stat, e.target ?? null, e.sha256 ?? null, xattrs]);
}

// A lower layer that cases share is compared with the same scan after each of them.
const fingerprints = new WeakMap<ScanEntry[], Map<string, string>>();
const fingerprintsOf = (scan: ScanEntry[]): Map<string, string> => {
  let m = fingerprints.get(scan);
  if (!m) fingerprints.set(scan, (m = new Map(scan.map((e) => [e.path, fingerprint(e)]))));
  return m;
};

export function lowerCheck(index: number, before: ScanEntry[], after: ScanEntry[]): LowerCheck {
  const was = fingerprintsOf(before);
  const now = new Map(after.map((e) => [e.path, fingerprint(e)]));
  const changes: string[] = [];
  for (const [p, f] of was) {
    if (!now.has(p)) changes.push(`-${pathText(p)}`);
    else if (now.get(p) !== f) changes.push(`~${pathText(p)}`);
  }
  for (const p of now.keys()) if (!was.has(p)) changes.push(`+${pathText(p)}`);
  return { index, changes };
}

export const lowerText = (c: LowerCheck): string =>
  c.changes.length ? `lower${c.index}: CHANGED ${c.changes.join(' ')}` : `lower${c.index}: unchanged`;
