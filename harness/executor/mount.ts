// mount(2) and umount2(2) for the harness's own mounts: a syscall costs far less than a mount(8) process.
// Only the mounts the targets make are allowed: an overlay of directories in the workspace, or a tmpfs.
import koffi from 'koffi';
import type { Op } from '../protocol.ts';
import { Refused } from './errors.ts';
import { sys } from './libc.ts';

const libc = koffi.load('libc.so.6');
const mount = libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)') as unknown as (
  source: string, target: string, fstype: string, flags: number, data: string,
) => number;
const umount2 = libc.func('int umount2(const char *target, int flags)') as unknown as (target: string, flags: number) => number;
const MNT_DETACH = 2;

/** The sources each allowed filesystem type may be mounted from. */
const SOURCES: Readonly<Record<string, readonly string[]>> = {
  overlay: ['overlay'],
  tmpfs: ['tmpfs', 'union-conformance'],
};
/** overlay options naming directories (colon-separated for the lower layers). */
const OVERLAY_DIRS = new Set(['lowerdir', 'lowerdir+', 'datadir+', 'upperdir', 'workdir']);
/** overlay options without a path (those the overlayfs target lets a user add). */
const OVERLAY_FLAGS = new Set(['redirect_dir', 'index', 'xino', 'metacopy', 'nfs_export', 'userxattr', 'volatile', 'uuid']);

type MountOp = Extract<Op, { op: 'mount' }>;

/** Refuses a mount the harness never asks for; `inWorkspace` refuses a directory outside the workspace. */
export function checkMount(op: MountOp, inWorkspace: (p: string, what: string) => string): void {
  const sources = SOURCES[op.fstype];
  if (sources === undefined) throw new Refused(`mount: filesystem type ${JSON.stringify(op.fstype)} is not allowed (only ${Object.keys(SOURCES).join(', ')})`);
  if (!sources.includes(op.source)) throw new Refused(`mount: source ${JSON.stringify(op.source)} is not allowed for ${op.fstype} (only ${sources.join(', ')})`);
  if (op.fstype !== 'overlay') return;
  // Overlay escapes commas and colons in paths with a backslash; the harness's paths have neither.
  if (op.data.includes('\\')) throw new Refused('mount: overlay options with a backslash are not allowed');
  for (const option of op.data.split(',')) {
    if (option === '') continue;
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    if (OVERLAY_DIRS.has(key)) {
      for (const dir of option.slice(eq + 1).split(':')) if (dir !== '') inWorkspace(dir, `mount ${key}`);
    } else if (!OVERLAY_FLAGS.has(key)) {
      throw new Refused(`mount: overlay option ${JSON.stringify(key)} is not allowed`);
    }
  }
}

export function mountFs(source: string, target: string, fstype: string, data: string): null {
  sys('mount', () => mount(source, target, fstype, 0, data));
  return null;
}

export function umountFs(target: string, lazy: boolean): null {
  sys('umount2', () => umount2(target, lazy ? MNT_DETACH : 0));
  return null;
}
