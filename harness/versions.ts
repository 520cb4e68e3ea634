// The versions a run's column shows, asked of the tools at run time: never typed in.
import { execFile } from 'node:child_process';
import { release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Host } from './host.ts';
import { parseTarget, type Target } from './targets/target.ts';

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

/** The filesystem a TARGET string names: `uml:aufs` and `ssh://h?fs=fuse-overlayfs` name aufs and fuse-overlayfs. */
export function targetFs(spec: string): string {
  if (spec.startsWith('ssh://')) return (new URL(spec).searchParams.get('fs') ?? 'overlayfs').split(',')[0] || 'overlayfs';
  if (spec === 'uml' || spec.startsWith('uml:')) return parseTarget(spec.slice(4)).name || 'overlayfs';
  return parseTarget(spec).name;
}

/** What the target's machine prints for argv (on a remote target, the remote's). */
async function remoteOutput(host: Host, argv: string[]): Promise<string> {
  const r = await host.run(argv, { timeoutMs: 10_000 });
  return `${r.stdout}\n${r.stderr}`;
}

/**
 * The kernel the target runs on and its daemon's version, asked of its machine while the run
 * has it (a UML guest halts at the run's end). The reference is this tree's, on any machine.
 */
export async function toolVersions(target: Target): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { host } = target;
  const kernel = host.local ? release() : match(await remoteOutput(host, ['uname', '-r']), /^\s*(\S+)/);
  if (kernel) out.kernel = kernel;
  const fs = targetFs(target.name);
  const version = fs === 'fuse-overlayfs'
    ? match(await remoteOutput(host, ['fuse-overlayfs', '--version']), /fuse-overlayfs: version (\S+)/)
    : fs === 'unionfs-fuse'
      ? match(await remoteOutput(host, ['unionfs', '--version']), /unionfs-fuse version: (\S+)/)
      : fs === 'aufs'
        ? match(await remoteOutput(host, ['cat', '/sys/module/aufs/version']), /^\s*(\S+)/)
        : fs === 'reference' ? await unionrefCommit() : undefined;
  if (version) out[fs === 'reference' ? 'unionref' : fs] = version;
  return out;
}
