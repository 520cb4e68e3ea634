// Checks made before anything is mounted. Each failure is a ValidationError
// whose message names the option, the path and the errno.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoName, errnoOf } from '../sys/errno.ts';
import { lsetxattr, mknod } from '../sys/libc.ts';
import type { Config } from './config.ts';

export class ValidationError extends Error {}

export interface Layout {
  lowers: string[];
  upper: string | null;
  /** The workdir given by the user. */
  workdir: string | null;
  /** workdir/work: where copyups and whiteouts are built (same place kernel overlayfs uses). */
  work: string | null;
  mountpoint: string;
}

/** Entries kernel overlayfs (and the reference) leave in a workdir. */
const WORKDIR_OWN = new Set(['work', 'index']);

function describe(err: unknown): string {
  const n = errnoOf(err);
  const text: Record<string, string> = {
    ENOENT: 'No such file or directory', EACCES: 'Permission denied', ENOTDIR: 'Not a directory',
    ELOOP: 'Too many levels of symbolic links', EPERM: 'Operation not permitted', EIO: 'Input/output error',
  };
  const name = errnoName(n);
  return `${text[name] ?? name} (${name})`;
}

function checkDir(what: string, p: string, access: number): string {
  let real: string;
  try {
    real = fs.realpathSync(p);
    const st = fs.statSync(real);
    if (!st.isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    fs.accessSync(real, access);
    fs.closeSync(fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
  } catch (err) {
    throw new ValidationError(`${what} "${p}": ${describe(err)}`);
  }
  return real;
}

function inside(child: string, parent: string): boolean {
  return child !== parent && child.startsWith(parent === '/' ? '/' : parent + '/');
}

function overlaps(a: string, b: string): boolean {
  return a === b || inside(a, b) || inside(b, a);
}

export function validate(cfg: Config): Layout {
  const R = fs.constants.R_OK | fs.constants.X_OK;
  const W = R | fs.constants.W_OK;
  const lowers = cfg.lowerdirs.map((d, i) => checkDir(cfg.lowerdirs.length > 1 ? `lowerdir #${i + 1}` : 'lowerdir', d, R));
  const upper = cfg.upperdir === null ? null : checkDir('upperdir', cfg.upperdir, W);
  const workdir = cfg.workdir === null ? null : checkDir('workdir', cfg.workdir, W);
  const mountpoint = checkDir('mount point', cfg.mountpoint, fs.constants.X_OK);

  // As kernel overlayfs ("conflicting lowerdir path", "overlapping lowerdir path": ELOOP).
  const lowerName = (i: number): string => `lowerdir #${i + 1} "${cfg.lowerdirs[i]}"`;
  const ids = lowers.map((l) => {
    const st = fs.statSync(l);
    return `${st.dev}:${st.ino}`;
  });
  for (let j = 1; j < lowers.length; j++) {
    for (let i = 0; i < j; i++) {
      if (ids[i] === ids[j]) throw new ValidationError(`${lowerName(j)} is the same directory as ${lowerName(i)}`);
      if (inside(lowers[j]!, lowers[i]!)) throw new ValidationError(`${lowerName(j)} is inside ${lowerName(i)}`);
      if (inside(lowers[i]!, lowers[j]!)) throw new ValidationError(`${lowerName(i)} is inside ${lowerName(j)}`);
    }
  }

  if (upper !== null && workdir !== null) {
    for (const [i, l] of lowers.entries()) {
      const name = `lowerdir${lowers.length > 1 ? ` #${i + 1}` : ''} "${cfg.lowerdirs[i]}"`;
      if (l === upper) throw new ValidationError(`upperdir "${cfg.upperdir}" is the same directory as ${name}`);
      if (inside(upper, l)) throw new ValidationError(`upperdir "${cfg.upperdir}" is inside ${name}`);
      if (inside(l, upper)) throw new ValidationError(`${name} is inside upperdir "${cfg.upperdir}"`);
      if (overlaps(workdir, l)) throw new ValidationError(`workdir "${cfg.workdir}" and ${name} overlap`);
    }
    if (overlaps(workdir, upper)) {
      throw new ValidationError(`workdir "${cfg.workdir}" and upperdir "${cfg.upperdir}" must be separate subtrees`);
    }
    const ud = fs.statSync(upper).dev;
    const wd = fs.statSync(workdir).dev;
    if (ud !== wd) {
      throw new ValidationError(`workdir "${cfg.workdir}" is on another filesystem than upperdir "${cfg.upperdir}" (st_dev ${wd} != ${ud}); copyup renames from workdir into upperdir`);
    }
    const foreign = fs.readdirSync(workdir).filter((n) => !WORKDIR_OWN.has(n));
    if (foreign.length > 0) {
      throw new ValidationError(`workdir "${cfg.workdir}" is not empty (found "${foreign[0]}"); only the "work" and "index" directories kernel overlayfs leaves behind are accepted`);
    }
  }
  // The server reaches its layers by path; a mount inside a layer would make it walk into itself.
  const dirs: Array<[string, string]> = [
    ...lowers.map((l, i): [string, string] => [l, `lowerdir "${cfg.lowerdirs[i]}"`]),
    ...(upper === null ? [] : [[upper, `upperdir "${cfg.upperdir}"`] as [string, string]]),
    ...(workdir === null ? [] : [[workdir, `workdir "${cfg.workdir}"`] as [string, string]]),
  ];
  for (const [d, name] of dirs) {
    if (inside(mountpoint, d)) throw new ValidationError(`mount point "${cfg.mountpoint}" is inside ${name}`);
    if (inside(d, mountpoint)) throw new ValidationError(`${name} is inside mount point "${cfg.mountpoint}"`);
  }
  return { lowers, upper, workdir, work: workdir === null ? null : path.join(workdir, 'work'), mountpoint };
}

/** work/incompat: what is in it names a feature a mount must refuse (overlayfs's OVL_INCOMPATDIR_NAME). */
const INCOMPAT = 'incompat';

function refuseIncompat(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // absent
  }
  if (names.length > 0) {
    throw new ValidationError(`workdir: overlay with incompat feature "${names[0]}" cannot be mounted ("${dir}/${names[0]}": `
      + 'a volatile mount used these layers, and a crash may have lost its writes; remove it only if the upper layer is known intact)');
  }
}

/**
 * Creates or empties workdir/work (leftovers of a crash are half-built copies
 * that were never renamed into upper) and checks that the upper filesystem
 * can hold whiteouts and overlay xattrs. Layers marked by a volatile mount
 * (work/incompat/volatile, which stays after it) are refused, as overlayfs
 * refuses them: a crash may have lost writes to upper. A volatile mount
 * leaves that mark, in overlayfs's format.
 */
export function prepareWorkdir(layout: Layout, xattrPrefix: string, volatile = false): void {
  const work = layout.work;
  if (work === null) return;
  try {
    if (fs.existsSync(work)) {
      const st = fs.lstatSync(work);
      if (!st.isDirectory()) throw new ValidationError(`workdir: "${work}" exists and is not a directory`);
      refuseIncompat(path.join(work, INCOMPAT));
      for (const name of fs.readdirSync(work)) fs.rmSync(path.join(work, name), { recursive: true, force: true });
    } else {
      fs.mkdirSync(work, { mode: 0 });
    }
    if (volatile) {
      fs.mkdirSync(path.join(work, INCOMPAT, 'volatile'), { recursive: true, mode: 0 });
      fs.writeFileSync(path.join(work, INCOMPAT, 'volatile', 'dirty'), '', { mode: 0 });
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`workdir: cannot prepare "${work}": ${describe(err)}`);
  }
  const probeWh = path.join(work, '#probe-whiteout');
  const probeDir = path.join(work, '#probe-xattr');
  try {
    try {
      mknod(probeWh, fs.constants.S_IFCHR, 0);
    } catch (err) {
      throw new ValidationError(`upperdir: cannot create whiteouts (character device 0/0) on its filesystem: ${describe(err)}`);
    }
    fs.mkdirSync(probeDir);
    try {
      lsetxattr(probeDir, `${xattrPrefix}opaque`, Buffer.from('y'), 0);
    } catch (err) {
      const hint = xattrPrefix.startsWith('trusted.') ? ' (try -o userxattr)' : '';
      throw new ValidationError(`upperdir: cannot set ${xattrPrefix}* xattrs on its filesystem: ${describe(err)}${hint}`);
    }
  } finally {
    fs.rmSync(probeWh, { force: true });
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
}
