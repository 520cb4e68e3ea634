// How values print in a transcript: stable across runs, machines and filesystems.
import type { Bytes, NodeView, StatValue, TimeSpec } from '../protocol.ts';

export const FIXTURE_NS = 1234567890_500000000n;
/** Times at or after this (2033) are taken as "now"; the suite sets only earlier ones. */
const NOW_FROM_NS = 2_000_000_000_000000000n;
/** Any time the suite can set explicitly lies before this; later times were set by the system clock. */
const EXPLICIT_BEFORE_NS = 1_500_000_000_000000000n;

/** Raw inode numbers become ino#1, ino#2, ... in order of first appearance. */
export class Aliases {
  private readonly seen = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  of(raw: string): string {
    let a = this.seen.get(raw);
    if (!a) {
      a = `${this.prefix}#${this.seen.size + 1}`;
      this.seen.set(raw, a);
    }
    return a;
  }
  /** The raw value behind alias number n (prefix#n), if seen. */
  raw(n: number): string | undefined {
    for (const [raw, a] of this.seen) if (a === `${this.prefix}#${n}`) return raw;
    return undefined;
  }
}

/** Paths longer than this print in short form (the suite's deep paths reach PATH_MAX). */
const LONG_PATH = 300;

/**
 * A path as a transcript shows it. A long one prints as its length and its
 * components, a run of one character as `a{240}` and a repeated component
 * once with its count: `<4095>a{240}*16/f{239}`.
 */
export function pathText(p: string): string {
  if (p.length <= LONG_PATH) return p;
  const words = p.split('/').map((c) => (c.length > 1 && c === c[0]!.repeat(c.length) ? `${c[0]}{${c.length}}` : c));
  const runs: string[] = [];
  for (let i = 0; i < words.length; ) {
    let n = 1;
    while (words[i + n] === words[i]) n++;
    runs.push(n > 1 ? `${words[i]}*${n}` : words[i]!);
    i += n;
  }
  return `<${p.length}>${runs.join('/')}`;
}

export const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** Text as a JSON string when it is short printable UTF-8, else its length and digest. */
export function bytesText(b: Bytes | Buffer, sha256?: string): string {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.b64, 'base64');
  const text = buf.toString('utf8');
  if (buf.length <= 64 && Buffer.from(text).equals(buf) && !/[\x00-\x08\x0e-\x1f]/.test(text)) return JSON.stringify(text);
  return `<${buf.length} bytes${sha256 ? ` sha256:${sha256.slice(0, 16)}` : ''}>`;
}

export function contentText(v: NodeView): string {
  if (v.data) return `data=${bytesText(v.data)}`;
  if (v.sha256) return `data=<${v.stat.size} bytes sha256:${v.sha256.slice(0, 16)}>`;
  return '';
}

/** A timestamp: the fixture's, an explicit one the case set, or "now". */
export function timeText(ns: string): string {
  const t = BigInt(ns);
  if (t === FIXTURE_NS) return 'T0';
  if (t < EXPLICIT_BEFORE_NS) return `${t / 1_000_000_000n}.${(t % 1_000_000_000n).toString().padStart(9, '0')}`;
  return t >= NOW_FROM_NS ? 'future' : 'now';
}

export function timeSpecText(t: TimeSpec): string {
  return typeof t === 'string' ? t : `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}

export function xattrText(xattrs: Record<string, string>, only = /^user\./): string[] {
  return Object.keys(xattrs)
    .filter((n) => only.test(n))
    .sort()
    .map((n) => `${n}=${bytesText({ b64: xattrs[n]! })}`);
}

/** The common part of every object line: kind, mode, owner, size, link count. */
export function statText(s: StatValue, opts: { nlink?: boolean; size?: boolean } = {}): string[] {
  const parts: string[] = [s.kind, octal(s.mode), `${s.uid}:${s.gid}`];
  if (s.kind === 'chr' || s.kind === 'blk') parts.push(`rdev=${s.rdev}`);
  if ((opts.size ?? true) && s.kind !== 'dir') parts.push(`size=${s.size}`);
  // Directory link counts are left out: the spec documents them as wrong on a
  // union ("Known non-POSIX behaviors") without saying what they are instead.
  if ((opts.nlink ?? true) && s.kind !== 'dir') parts.push(`nlink=${s.nlink}`);
  return parts;
}
