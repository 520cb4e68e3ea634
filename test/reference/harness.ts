// Test helpers for the reference: temp layers, mounting unionref in a child
// process (never in the test process), on-disk checks of the upper layer,
// and a cleanup that frees even a stuck mount (FUSE abort + lazy umount).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lgetxattr, llistxattr } from '../../reference/src/sys/libc.ts';
import { mountInfo } from '../../harness/mounts.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'reference/bin/unionref');

export interface Layers {
  dir: string;
  lowers: string[];
  upper: string;
  work: string;
  mnt: string;
}

/** Fresh lower(s), upper, work and mount point directories under one temp dir. */
export function makeLayers(nLowers = 1, base = os.tmpdir()): Layers {
  const dir = fs.mkdtempSync(path.join(base, 'unionref-test-'));
  const lowers = Array.from({ length: nLowers }, (_, i) => path.join(dir, `lower${i + 1}`));
  const l: Layers = { dir, lowers, upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), mnt: path.join(dir, 'mnt') };
  for (const d of [...lowers, l.upper, l.work, l.mnt]) fs.mkdirSync(d);
  return l;
}

export function optionString(l: Layers, extra = ''): string {
  return `lowerdir=${l.lowers.join(':')},upperdir=${l.upper},workdir=${l.work}${extra ? `,${extra}` : ''}`;
}

/** The mount at mnt (read from the mount table, never from the mount itself). */
export { mountInfo };

export function isMounted(mnt: string): boolean {
  return mountInfo(mnt) !== undefined;
}

/** Frees a FUSE mount whose server is gone or stuck: abort the connection, lazy-unmount. */
export function forceUnmount(mnt: string): void {
  for (let i = 0; i < 5; i++) {
    const info = mountInfo(mnt);
    if (info === undefined) return;
    if (info.fsType.startsWith('fuse')) {
      if (!fs.existsSync('/sys/fs/fuse/connections/')) spawnSync('mount', ['-t', 'fusectl', 'none', '/sys/fs/fuse/connections']);
      try {
        fs.writeFileSync(`/sys/fs/fuse/connections/${info.devMinor}/abort`, '1');
      } catch {
        // connection already gone
      }
    }
    spawnSync('umount', ['-l', mnt]);
  }
}

export interface Mounted {
  mnt: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM the server and wait for a clean unmount (forced if it does not come). */
  stop: () => Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits for p, at most ms; the timer does not keep the process alive. */
function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((r) => { timer = setTimeout(r, ms); });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Mounts unionref -f in a child process and waits until the mount answers. */
export async function mountUnion(l: Layers, extra = '', args: string[] = []): Promise<Mounted> {
  const child = spawn(BIN, ['-f', ...args, '-o', optionString(l, extra), l.mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const deadline = Date.now() + 20000;
  for (;;) {
    const info = mountInfo(l.mnt);
    if (info !== undefined && info.fsType === 'fuse.unionref') break;
    if (exited) throw new Error(`unionref exited before mounting: ${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      forceUnmount(l.mnt);
      throw new Error(`unionref did not mount within 20 s: ${err}`);
    }
    await sleep(20);
  }
  await fs.promises.stat(l.mnt); // waits for FUSE INIT
  const m: Mounted = {
    mnt: l.mnt,
    child,
    stderr: () => err,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        await within(exit, 10000);
      }
      if (!exited) {
        forceUnmount(l.mnt);
        child.kill('SIGKILL');
        await within(exit, 5000);
      }
      if (isMounted(l.mnt)) forceUnmount(l.mnt);
    },
  };
  return m;
}

/** Removes a layer tree, refusing while anything is still mounted inside it. */
export function removeLayers(l: Layers): void {
  if (isMounted(l.mnt)) forceUnmount(l.mnt);
  if (isMounted(l.mnt)) throw new Error(`${l.mnt} still mounted`);
  fs.rmSync(l.dir, { recursive: true, force: true });
}

// ---- on-disk checks -------------------------------------------------------

export function isWhiteout(p: string): boolean {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  return st !== undefined && st.isCharacterDevice() && st.rdev === 0;
}

export function isOpaque(p: string, prefix = 'trusted.overlay.'): boolean {
  return lgetxattr(p, `${prefix}opaque`)?.toString() === 'y';
}

export function exists(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

/** Writes a tree: keys are relative paths; string = file content, null = directory, {symlink} = link. */
export type Tree = Record<string, string | null | { symlink: string } | { fifo: true }>;

export function writeTree(root: string, tree: Tree): void {
  for (const [rel, v] of Object.entries(tree)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (v === null) fs.mkdirSync(p, { recursive: true });
    else if (typeof v === 'string') fs.writeFileSync(p, v);
    else if ('symlink' in v) fs.symlinkSync(v.symlink, p);
    else spawnSync('mkfifo', [p]);
  }
}

/** A recursive snapshot of a directory (type, mode, owner, size, content digest, link target). */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    const p = path.join(root, rel);
    for (const name of fs.readdirSync(p).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      let desc = `${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isFile()) desc += ` ${st.size} ${fs.readFileSync(path.join(root, r)).toString('base64').slice(0, 64)}`;
      if (st.isSymbolicLink()) desc += ` -> ${fs.readlinkSync(path.join(root, r))}`;
      if (st.isCharacterDevice() || st.isBlockDevice()) desc += ` rdev=${st.rdev}`;
      const xattrs = llistxattr(path.join(root, r)).filter((n) => n.startsWith('user.')).sort();
      for (const n of xattrs) desc += ` ${n}=${lgetxattr(path.join(root, r), n)?.toString('base64')}`;
      out[r] = desc;
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** Runs a small ESM snippet as another user; returns its stdout (JSON) or the error code. */
export function runAs(uid: number, gid: number, code: string): { ok: boolean; out: string; code: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { uid, gid, encoding: 'utf8', cwd: '/' });
  const out = r.stdout.trim();
  const m = /^ERR:(\w+)/.exec(out);
  return { ok: r.status === 0 && m === null, out, code: m?.[1] ?? (r.status === 0 ? '' : `exit ${r.status}: ${r.stderr}`) };
}

/** Path helpers for a mounted union: M(p) through the mount, U(p) in the upper layer. */
export interface UnionPaths {
  M: (p: string) => string;
  U: (p: string) => string;
}

/** Mounts the layers for the rest of a test file (or test); unmounts and removes them at its teardown. */
export async function mountForTest(t: { teardown(fn: () => unknown): void }, l: Layers, extra = ''): Promise<UnionPaths> {
  const m = await mountUnion(l, extra);
  t.teardown(async () => {
    await m.stop();
    removeLayers(l);
  });
  return { M: (p) => path.join(l.mnt, p), U: (p) => path.join(l.upper, p) };
}
