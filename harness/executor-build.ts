// The executor as one JavaScript file made by esbuild: no TypeScript loader at
// start-up (tsx costs the executor about 100 ms before its first answer). A
// local run keeps the file under node_modules/.cache and rebuilds it when a
// source it was made from has changed; a remote host gets it in a tarball
// (remote/bundle.ts).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'harness/executor/main.ts');
const CACHE = join(ROOT, 'node_modules/.cache/union-conformance');

/** Bundles the executor into `outfile`, koffi left outside; returns the source files it was made from. */
export async function buildExecutor(outfile: string, target: string): Promise<string[]> {
  const r = await build({
    entryPoints: [MAIN],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    external: ['koffi'],
    logLevel: 'error',
    metafile: true,
    absWorkingDir: ROOT,
  });
  return Object.keys(r.metafile.inputs).map((p) => join(ROOT, p));
}

const digest = (files: string[]) => {
  const h = createHash('sha256');
  for (const f of [...files].sort()) h.update(f).update('\0').update(existsSync(f) ? readFileSync(f) : '').update('\0');
  return h.digest('hex');
};

let local: Promise<string> | undefined;

/** The path of this machine's executor bundle, built first if it is missing or stale. */
export function localExecutor(): Promise<string> {
  local ??= (async () => {
    const out = join(CACHE, 'executor.mjs');
    const stamp = join(CACHE, 'executor.inputs.json');
    try {
      const { inputs, sha } = JSON.parse(readFileSync(stamp, 'utf8')) as { inputs: string[]; sha: string };
      if (existsSync(out) && digest(inputs) === sha) return out;
    } catch {
      // no stamp yet, or an unreadable one: build
    }
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    const inputs = await buildExecutor(tmp, `node${process.versions.node.split('.')[0]}`);
    renameSync(tmp, out); // another run may be reading the old one
    writeFileSync(`${stamp}.${process.pid}`, JSON.stringify({ inputs, sha: digest(inputs) }));
    renameSync(`${stamp}.${process.pid}`, stamp);
    return out;
  })();
  return local;
}
