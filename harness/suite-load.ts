// Loads the suite's case files for the CLI; a case file that does not compile is one line
// naming file:line:col and what is wrong, not a stack trace.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Case } from '../suite/dsl.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export class CaseFileError extends Error {}

/** `import()` of the suite: the case files are compiled (by tsx's esbuild) as they are loaded. */
export async function loadSuite(): Promise<Case[]> {
  let mod: typeof import('../suite/index.ts');
  try {
    mod = await import('../suite/index.ts');
  } catch (e) {
    throw compileError(e) ?? e;
  }
  return mod.allCases();
}

/** esbuild's "Transform failed with N errors:\n/abs/file.ts:12:4: ERROR: text": the first of them. */
function compileError(e: unknown): CaseFileError | undefined {
  if (!(e instanceof Error) || e.name !== 'TransformError') return undefined;
  const m = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(e.message);
  if (!m) return new CaseFileError(e.message.split('\n').slice(1).join(' ').trim() || e.message);
  // esbuild counts columns from 0, editors and compilers from 1.
  return new CaseFileError(`${relative(ROOT, m[1]!)}:${m[2]}:${Number(m[3]) + 1}: ${m[4]}`);
}
