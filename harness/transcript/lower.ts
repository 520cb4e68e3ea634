// A lower layer must come out of a case byte-for-byte as it went in.
import type { ScanEntry } from '../protocol.ts';

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

/** `lowerN: unchanged`, or what changed. Any change fails the case. */
export function lowerLine(index: number, before: ScanEntry[], after: ScanEntry[]): string {
  const was = fingerprintsOf(before);
  const now = new Map(after.map((e) => [e.path, fingerprint(e)]));
  const changed: string[] = [];
  for (const [p, f] of was) {
    if (!now.has(p)) changed.push(`-${p}`);
    else if (now.get(p) !== f) changed.push(`~${p}`);
  }
  for (const p of now.keys()) if (!was.has(p)) changed.push(`+${p}`);
  return changed.length ? `lower${index}: CHANGED ${changed.join(' ')}` : `lower${index}: unchanged`;
}

export const lowerChanged = (line: string) => line.includes(': CHANGED');
