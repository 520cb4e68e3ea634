// What a remote host needs to run the executor: one JS file made by esbuild
// (target node18, the oldest node the remote may have) and koffi beside it as
// an external module, with only its linux-x64 glibc binary. Shipped as one
// tar.gz that the remote unpacks into its run directory.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './proc.ts';
import { buildExecutor } from '../executor-build.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MODULES = join(ROOT, 'node_modules');

/** The bundle's entry point, relative to the directory it is unpacked in. */
export const BUNDLE_MAIN = 'executor.mjs';

/** koffi's loader files (ESM and CJS) and the one native binary the remote loads. */
const KOFFI_FILES = [
  'koffi/package.json',
  'koffi/index.js',
  'koffi/index.cjs',
  'koffi/src/koffi/index.js',
  'koffi/src/koffi/index.cjs',
  'koffi/src/koffi/src/static.js',
  'koffi/src/koffi/src/static.cjs',
  'koffi/src/koffi/src/trampolines.cjs',
  '@koromix/koffi-linux-x64/package.json',
  '@koromix/koffi-linux-x64/index.js',
  '@koromix/koffi-linux-x64/linux_x64/koffi.node',
];

let cached: Promise<Buffer> | undefined;

/** The tar.gz, built once per process. */
export function executorBundle(): Promise<Buffer> {
  cached ??= makeBundle();
  return cached;
}

async function makeBundle(): Promise<Buffer> {
  const tmp = mkdtempSync(join(tmpdir(), 'uc-bundle-'));
  try {
    const dir = join(tmp, 'b');
    await buildExecutor(join(dir, BUNDLE_MAIN), 'node18');
    for (const f of KOFFI_FILES) {
      mkdirSync(dirname(join(dir, 'node_modules', f)), { recursive: true });
      cpSync(join(MODULES, f), join(dir, 'node_modules', f));
    }
    const out = join(tmp, 'bundle.tgz');
    const r = await runProcess('tar', ['-C', dir, '-czf', out, '.']);
    if (r.code !== 0) throw new Error(`tar of the executor bundle failed: ${r.stderr.trim()}`);
    return readFileSync(out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
