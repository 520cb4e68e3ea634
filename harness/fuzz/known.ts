// Known findings, each with its reason (results/fuzz-known.txt). One per line:
//   <target a> <target b> <finding id> [at=<seed>:<path>,...] <reason>
// `at` lists where a fixed-seed run meets the finding before shrinking, so that
// run knows it without shrinking it again. A line starting with '#' is a comment.
import { readFileSync } from 'node:fs';

export interface Known {
  a: string;
  b: string;
  id: string;
  at: string[];
  reason: string;
}

export class KnownError extends Error {}

const LINE = /^(\S+)\s+(\S+)\s+([0-9a-f]{12})(?:\s+at=(\S+))?\s+(\S.*)$/;

export function parseKnown(text: string, file: string): Known[] {
  const out: Known[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) throw new KnownError(`${file}:${i + 1}: expected "<target a> <target b> <12-hex finding id> [at=seed:path,...] <reason>"`);
    out.push({ a: m[1]!, b: m[2]!, id: m[3]!, at: m[4] ? m[4].split(',') : [], reason: m[5]! });
  });
  return out;
}

export function loadKnown(file: string): Known[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KnownError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseKnown(text, file);
}

const samePair = (k: Known, a: string, b: string) => (k.a === a && k.b === b) || (k.a === b && k.b === a);

/** The known finding with this id on this pair of targets. */
export const knownById = (known: Known[], a: string, b: string, id: string) => known.find((k) => samePair(k, a, b) && k.id === id);

/** The known finding a run meets at seed:path before shrinking. */
export const knownAt = (known: Known[], a: string, b: string, at: string) => known.find((k) => samePair(k, a, b) && k.at.includes(at));
