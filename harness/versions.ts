// The versions a run's column shows, asked of the tools at run time: never typed in.
import { release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localHost, type Host } from './host.ts';
import { parseTarget, type Target } from './targets/target.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What argv prints on stdout and stderr together on `host`; empty where it fails (no such tool or file). */
async function output(host: Host, argv: string[]): Promise<string> {
  const r = await host.run(argv, { timeoutMs: 10_000 });
  return r.code === 0 ? `${r.stdout}\n${r.stderr}` : '';
}

const match = (text: string, re: RegExp) => re.exec(text)?.[1];

/** The commit that last changed reference/, with "+changes" when the work tree differs from it. */
async function unionrefCommit(): Promise<string | undefined> {
  const commit = (await output(localHost, ['git', '-C', ROOT, 'log', '-1', '--format=%h', '--', 'reference'])).trim();
  if (!/^[0-9a-f]{7,}$/.test(commit)) return undefined;
  const changed = (await output(localHost, ['git', '-C', ROOT, 'status', '--porcelain', '--', 'reference'])).trim();
  return changed ? `${commit}+changes` : commit;
}

/** The filesystem a TARGET string names: `uml:aufs` and `ssh://h?fs=fuse-overlayfs` name aufs and fuse-overlayfs. */
export function targetFs(spec: string): string {
  if (spec.startsWith('ssh://')) return (new URL(spec).searchParams.get('fs') ?? 'overlayfs').split(',')[0] || 'overlayfs';
  if (spec === 'uml' || spec.startsWith('uml:')) return parseTarget(spec.slice(4)).name || 'overlayfs';
  return parseTarget(spec).name;
}

/**
 * The kernel the target runs on and its daemon's version, asked of its machine while the run
 * has it (a UML guest halts at the run's end). The reference is this tree's, on any machine.
 */
export async function toolVersions(target: Target): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { host } = target;
  const kernel = host.local ? release() : match(await output(host, ['uname', '-r']), /^\s*(\S+)/);
  if (kernel) out.kernel = kernel;
  const fs = targetFs(target.name);
  const version = fs === 'fuse-overlayfs'
    ? match(await output(host, ['fuse-overlayfs', '--version']), /fuse-overlayfs: version (\S+)/)
    : fs === 'unionfs-fuse'
      ? match(await output(host, ['unionfs', '--version']), /unionfs-fuse version: (\S+)/)
      : fs === 'aufs'
        ? match(await output(host, ['cat', '/sys/module/aufs/version']), /^\s*(\S+)/)
        : fs === 'reference' ? await unionrefCommit() : undefined;
  if (version) out[fs === 'reference' ? 'unionref' : fs] = version;
  return out;
}
