// The versions a run's column shows, asked of the tools at run time: never typed in.
import { execFile } from 'node:child_process';
import { release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseTarget } from './targets/target.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

/** What a command prints on stdout and stderr together; empty when it cannot run. */
async function output(cmd: string, args: string[]): Promise<string> {
  try {
    const r = await run(cmd, args, { timeout: 10_000 });
    return `${r.stdout}\n${r.stderr}`;
  } catch (e) {
    const r = e as { stdout?: string; stderr?: string };
    return `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  }
}

const match = (text: string, re: RegExp) => re.exec(text)?.[1];

/** The commit that last changed reference/, with "+changes" when the work tree differs from it. */
async function unionrefCommit(): Promise<string | undefined> {
  const commit = (await output('git', ['-C', ROOT, 'log', '-1', '--format=%h', '--', 'reference'])).trim();
  if (!/^[0-9a-f]{7,}$/.test(commit)) return undefined;
  const changed = (await output('git', ['-C', ROOT, 'status', '--porcelain', '--', 'reference'])).trim();
  return changed ? `${commit}+changes` : commit;
}

/** kernel and, for a FUSE target on this machine, the daemon's version (a remote target gets none). */
export async function toolVersions(target: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { name } = parseTarget(target);
  const local = !/^(ssh|uml|custom)/.test(target);
  if (local) out.kernel = release();
  const version = name === 'fuse-overlayfs'
    ? match(await output('fuse-overlayfs', ['--version']), /fuse-overlayfs: version (\S+)/)
    : name === 'unionfs-fuse'
      ? match(await output('unionfs', ['--version']), /unionfs-fuse version: (\S+)/)
      : name === 'reference' ? await unionrefCommit() : undefined;
  if (local && version) out[name === 'reference' ? 'unionref' : name] = version;
  return out;
}
