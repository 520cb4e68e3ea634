// Any depth: the reference and kernel overlayfs, mounted on the same kind
// of layers, give the same results for a table of operations at a relative
// path of PATH_MAX-1 bytes from the mount root and at about 10,000 bytes
// reached by chdir, in lower-only, upper-only and merged directories.
// A missing name there is ENOENT. The operations run in a helper process
// (test/reference/deep.ts).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import t from 'tap';
import { type DeepOp, type DeepRequest } from './reference/deep.ts';
import { forceUnmount, isMounted, type Layers, makeLayers, mountUnion, removeLayers, ROOT } from './reference/harness.ts';

const PATH_MAX = 4096;
const COMPONENT = 'a'.repeat(200);
/** Directories below the tree's top: 20 reach ~4,000 bytes, 50 about 10,000. */
const SHALLOW = 20;
const DEEP = 50;
const TREES = { lo: 'lower only', up: 'upper only', mg: 'merged' } as const;
type Tree = keyof typeof TREES;

function helper(req: DeepRequest): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/reference/deep.ts')], {
    input: JSON.stringify(req), encoding: 'utf8', cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`deep.ts: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

const chain = (tree: Tree, depth: number): string[] => [tree, ...Array<string>(depth).fill(COMPONENT)];

/** Each tree's directory chain in the layers it lives in, with two files at both depths. */
function build(L: Layers): void {
  const where: Record<Tree, string[]> = { lo: [L.lowers[0]!], up: [L.upper], mg: [L.lowers[0]!, L.upper] };
  for (const [tree, roots] of Object.entries(where) as [Tree, string[]][]) {
    for (const root of roots) {
      for (const depth of [SHALLOW, DEEP]) {
        const files: DeepOp[] = root === L.upper && tree === 'mg' ? [] : [['create', 'lf'], ['create', 'lg']];
        helper({ root, chain: chain(tree, depth), mkdirs: true, ops: files });
      }
    }
  }
}

/** The table, on names made by name(). */
function table(name: (tag: string) => string): DeepOp[] {
  const n = name;
  return [
    ['create', n('f')], ['stat', n('f')], ['chmod', n('f'), 0o640], ['chown', n('f'), 12, 34], ['truncate', n('f'), 2],
    ['stat', n('f')], ['link', n('f'), n('fl')], ['stat', n('fl')], ['rename', n('fl'), n('fr')], ['mkfifo', n('p')],
    ['mknod', n('c')], ['symlink', n('s'), 'f'], ['mkdir', n('d')], ['stat', n('d')],
    ['stat', n('lf')], ['chmod', n('lf'), 0o600], ['stat', n('lf')], ['truncate', n('lg'), 1], ['rename', n('lg'), n('lh')],
    ['stat', n('lh')], ['unlink', n('lf')], ['unlink', n('lh')],
    ['unlink', n('fr')], ['unlink', n('s')], ['unlink', n('p')], ['unlink', n('c')], ['unlink', n('f')], ['rmdir', n('d')],
    ['stat', n('missing')], ['unlink', n('missing')], ['rmdir', n('missing')], ['list', n('')],
  ];
}

/** Runs the table in every tree at both depths through the mount at mnt. */
function runAll(mnt: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const tree of Object.keys(TREES) as Tree[]) {
    // PATH_MAX-1 bytes from the mount root: the deep directory's path plus a padded name.
    const prefix = chain(tree, SHALLOW).join('/');
    const width = PATH_MAX - 1 - prefix.length - 1;
    const files = new Set(['lf', 'lg', 'lh']);
    const long = (tag: string): string => (tag === '' ? prefix : `${prefix}/${files.has(tag) ? tag : tag.padEnd(width, '_')}`);
    out[`${tree} at PATH_MAX-1`] = helper({ root: mnt, chain: [], mkdirs: false, ops: table(long) });
    out[`${tree} at ${chain(tree, DEEP).join('/').length} bytes`] = helper({
      root: mnt, chain: chain(tree, DEEP), mkdirs: false, ops: table((tag) => (tag === '' ? '.' : tag)),
    });
  }
  return out;
}

function withLayers(t: { teardown(fn: () => unknown): void }): Layers {
  const L = makeLayers(1);
  build(L);
  t.teardown(() => {
    if (isMounted(L.mnt)) forceUnmount(L.mnt);
    // Deeper than PATH_MAX: rm walks with openat where fs.rmSync gives up.
    spawnSync('rm', ['-rf', '--one-file-system', L.dir]);
    removeLayers(L);
  });
  return L;
}

t.test('the same results as kernel overlayfs at PATH_MAX-1 and at 10,000 bytes', async (t) => {
  const K = withLayers(t);
  const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${K.lowers[0]},upperdir=${K.upper},workdir=${K.work}`, K.mnt], { encoding: 'utf8' });
  t.equal(r.status, 0, `mount -t overlay ${r.stderr}`);
  let kernel: Record<string, string[]>;
  try {
    kernel = runAll(K.mnt);
  } finally {
    spawnSync('umount', [K.mnt]);
  }

  const R = withLayers(t);
  const m = await mountUnion(R);
  let reference: Record<string, string[]>;
  try {
    reference = runAll(R.mnt);
  } finally {
    await m.stop();
  }

  t.same(reference, kernel, 'every operation answers as in kernel overlayfs');
  for (const [where, results] of Object.entries(reference)) {
    const failed = results.slice(0, -4).filter((x) => /^E[A-Z]+$/.test(x));
    t.same(failed, [], `${where}: every operation succeeds`);
    t.same(results.slice(-4, -1), ['ENOENT', 'ENOENT', 'ENOENT'], `${where}: a missing name is ENOENT`);
  }
});
