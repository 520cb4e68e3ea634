// The deviation model, executable: for each tag (suite/tags.ts), how it changes a
// transcript. Given one line where two targets differ, one of which shows the
// tag, a rule either undoes the tag's change on that line (the lines as they
// would read without it: a changed ctime back to `same`, an answer the tag makes
// unknowable masked on both sides), or says that the state has parted there
// (`rest`: nothing after it can be compared), or does not apply.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../suite/dsl.ts';
import { merge, walk, type Layers, type Tree } from '../../suite/fixture.ts';
import type { Step } from '../../suite/steps.ts';
import { isTag, type Tag } from '../../suite/tags.ts';
import { pathsOf } from '../ops/table.ts';
import { targetSlug } from '../record.ts';

/** One line that differs: `tagged` is the line of the target that shows the tag, `other` the other's ('' where absent). */
export interface Difference {
  section: 'steps' | 'merged' | 'upper' | 'lower';
  /** The step's index (steps section). */
  index?: number;
  /** The path the line is about (merged and upper sections). */
  path?: string;
  tagged: string;
  other: string;
}

export type Effect = 'rest' | { tagged: string; other: string };

export interface Context {
  steps: Step[];
  /** The size of each regular file the merged fixture has, by path (every name of a hard link). */
  sizes: Map<string, number>;
  /** Paths the merged fixture shows as a multiply-linked object of a lower layer, and symlinks to them. */
  linked: Set<string>;
  /** Paths that are directories before the steps (merged fixture) or after them (either target's merged view). */
  dirs: Set<string>;
  /** Paths the merged fixture has a fifo at. */
  fifos: Set<string>;
}

type Rule = (d: Difference, c: Context) => Effect | null;

/** What a line says after its " = " (a step's answer). */
const answer = (line: string) => line.slice(line.indexOf(' = ') + 3);

const step = (d: Difference, c: Context): Step | undefined => (d.section === 'steps' && d.index !== undefined ? c.steps[d.index] : undefined);

/** The flags of the last open of `fd` before step `index`, if any. */
function openFlags(c: Context, fd: string, index: number): string[] | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const o = c.steps[i]!.op;
    if (o.op === 'open' && o.fd === fd) return o.flags;
  }
  return undefined;
}

/** A step on an fd that was opened read-only (and not truncated) by an earlier step. */
function onReadOnlyFd(d: Difference, c: Context, ops: readonly string[]): boolean {
  const s = step(d, c);
  if (!s || !ops.includes(s.op.op) || !('fd' in s.op)) return false;
  const flags = openFlags(c, s.op.fd, d.index!);
  return flags !== undefined && flags.includes('O_RDONLY') && !flags.includes('O_TRUNC');
}

/** Whether an earlier step (or this one) named a multiply-linked lower object: from then on, which names stay linked differs. */
function linkedTouched(d: Difference, c: Context): boolean {
  const upTo = d.section === 'steps' ? d.index! + 1 : c.steps.length;
  return c.steps.slice(0, upTo).some((s) => pathsOf(s.op).some((p) => c.linked.has(p)));
}

/** Both lines with the answer masked: the tag makes it unknowable what the spec's target would answer. */
const masked = (d: Difference): Effect => ({ tagged: d.tagged.replace(/ = .*$/, ' = ?'), other: d.other.replace(/ = .*$/, ' = ?') });

const RENAMES = ['rename', 'renameat2'];

/** A rename the other target refused with EXDEV (the spec's answer for a lower directory) and the tagged one carried out or refused otherwise. */
const renamedLowerDir: Rule = (d, c) => {
  const s = step(d, c);
  if (!s || !RENAMES.includes(s.op.op) || answer(d.other) !== 'EXDEV') return null;
  return answer(d.tagged) === '0' ? 'rest' : masked(d);
};

/** RENAME_WHITEOUT, which overlayfs refuses (EINVAL) and the tagged target carries out: from there the states part. */
const whiteoutRename: Rule = (d, c) => {
  const s = step(d, c);
  return s?.op.op === 'renameat2' && s.op.flags.includes('RENAME_WHITEOUT') && answer(d.other) === 'EINVAL' ? 'rest' : null;
};

const keptLinks: Rule = (d, c) => (linkedTouched(d, c) ? 'rest' : null);

const FD_READS = ['read', 'pread', 'lseek', 'fstat', 'fgetxattr', 'flistxattr'];
const FD_METADATA = ['fchmod', 'fchown', 'futimens', 'fsetxattr', 'fremovexattr'];

/** A merged line whose ctime changed where the spec's copy keeps it: the copy-up's and the directory-on-top's ctimes. */
const newCtime: Rule = (d) =>
  d.section === 'merged' && d.tagged.includes(' ctime=changed') && d.other.includes(' ctime=same')
    ? { tagged: d.tagged.replace(' ctime=changed', ' ctime=same'), other: d.other } : null;

export const MODEL: Record<Tag, Rule> = {
  'fresh-fd-after-copyup': (d, c) => (onReadOnlyFd(d, c, FD_READS) ? masked(d) : null),
  'fstat-by-inode': (d, c) => (onReadOnlyFd(d, c, ['fstat']) ? masked(d) : null),
  // The spec refuses the change on the read-only lower object; the tagged target copies up.
  'ro-fd-metadata-succeeds': (d, c) => (onReadOnlyFd(d, c, FD_METADATA) && answer(d.tagged) === '0' ? 'rest' : null),
  // The spec's readdir writes fallthrus and marks the directory opaque; the tagged target does neither.
  'in-memory-readdir': (d) => {
    if (d.section !== 'upper') return null;
    if (d.tagged === '' && / fallthru$/.test(d.other)) return { tagged: '', other: '' };
    return d.tagged.replace(/^(\S+: dir \S+ \S+)/, '$1 opaque') === d.other ? { tagged: d.other, other: d.other } : null;
  },
  'redirect-dir': renamedLowerDir,
  'index-keeps-links': keptLinks,
  'merged-dir-nlink': (d, c) => {
    const s = step(d, c);
    return s?.op.op === 'nlink' && c.dirs.has(s.op.path) ? masked(d) : null;
  },
  'copyup-new-ctime': newCtime,
  'copyup-dir-ctime': newCtime,
  'tmpfile-parent-ctime': newCtime,
  // The number a name shows after a fresh lookup is the upper inode's: only the numbers differ.
  'userns-no-origin': (d) => {
    const tagged = d.tagged.replace(/ ino#\d+/g, ' ino#?');
    const other = d.other.replace(/ ino#\d+/g, ' ino#?');
    return tagged === other ? { tagged, other } : null;
  },
  'rename-whiteout-accepted': whiteoutRename,
  // A plain directory renames any directory, keeps every name of a file linked, and has no whiteouts of its own.
  posix: (d, c) => renamedLowerDir(d, c) ?? keptLinks(d, c) ?? whiteoutRename(d, c) ?? fifoTimes(d, c),
};

const ADDS_OR_REMOVES = ['link', 'symlink', 'rename', 'renameat2', 'unlink', 'rmdir', 'mkdir', 'mknod', 'remount'];

/** Whether a step between the last opendir or rewinddir of `dir` and step `index` may have added or removed a name. */
function changedSinceOpen(c: Context, dir: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const o = c.steps[i]!.op;
    if ((o.op === 'opendir' || o.op === 'rewinddir') && o.dir === dir) return false;
    if (ADDS_OR_REMOVES.includes(o.op) || (o.op === 'open' && o.flags.includes('O_CREAT'))) return true;
  }
  return false;
}

/** Ops that may change the size of a file without naming it: through an fd, or by another name of it. */
const WRITES_DATA = ['truncate', 'ftruncate', 'write', 'pwrite', 'fallocate', 'copyrange', 'mmapwrite', 'mmapstore', 'ficlone'];

/** Whether `path` is `dir` or lies beneath it. */
const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** Steps `from` to `to` (not included) leave the file at `path` as it was: nothing wrote data anywhere, nothing moved or replaced the name. */
function untouched(c: Context, path: string, from: number, to: number): boolean {
  return c.steps.slice(from, to).every(({ op: o }) =>
    !WRITES_DATA.includes(o.op)
    && !((o.op === 'open' || o.op === 'openat' || o.op === 'opencwd') && o.flags.includes('O_TRUNC'))
    && !([...ADDS_OR_REMOVES, 'linkfd'].includes(o.op) && pathsOf(o).some((p) => within(path, p))));
}

/** Ops that change nothing they name. */
const LOOKS = ['stat', 'lstat', 'access', 'faccessat', 'getxattr', 'lgetxattr', 'listxattr', 'llistxattr', 'readlink', 'listdir', 'nlink', 'statfs', 'stdev', 'upperfree', 'lockprobe', 'open'];

/** As `untouched`, and the steps only look at `path`: its times stay as they were. */
const onlyLooked = (c: Context, path: string, from: number, to: number) =>
  untouched(c, path, from, to) && c.steps.slice(from, to).every(({ op: o }) => LOOKS.includes(o.op) || !pathsOf(o).some((p) => within(path, p)));

/** The path of the file that step `index` truncates to the size the file already has, if it is one. */
function sameSizeTruncate(c: Context, index: number): string | undefined {
  const o = c.steps[index]!.op;
  if (o.op !== 'truncate' || c.sizes.get(o.path) !== o.len) return undefined;
  return untouched(c, o.path, 0, index) ? o.path : undefined;
}

/** Whether a line is about `path`: its own line in the merged view or the upper layer, or a later step that names it. */
function about(d: Difference, c: Context, path: string): boolean {
  if (d.section === 'merged' || d.section === 'upper') return d.path === path;
  const s = step(d, c);
  return s !== undefined && pathsOf(s.op).includes(path);
}

const TIMES = / (mtime|ctime)=\S+/g;

/** The path the last open of `fd` before step `index` opened, if any. */
function openedPath(c: Context, fd: string, index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const o = c.steps[i]!.op;
    if (o.op === 'open' && o.fd === fd) return o.path;
  }
  return undefined;
}

/** The fifo that step `index` writes to, if it is a write to an fd opened on a fifo of the merged fixture. */
function fifoWritten(c: Context, index: number): string | undefined {
  const o = c.steps[index]!.op;
  if (o.op !== 'write' && o.op !== 'pwrite') return undefined;
  const path = openedPath(c, o.fd, index);
  return path !== undefined && c.fifos.has(path) ? path : undefined;
}

/**
 * A write to a fifo: a plain directory marks the fifo's mtime and ctime, a union keeps the
 * node's (the pipe is the union's inode's; fifo/write-read/*). Both lines' times masked.
 */
const fifoTimes: Rule = (d, c) => {
  const last = d.section === 'steps' ? d.index! : c.steps.length;
  for (let i = 0; i < last; i++) {
    const path = fifoWritten(c, i);
    const s = step(d, c);
    const onFd = s !== undefined && 'fd' in s.op && openedPath(c, s.op.fd, d.index!) === path;
    if (path === undefined || !(about(d, c, path) || onFd)) continue;
    const tagged = d.tagged.replace(TIMES, ' $1=?');
    const other = d.other.replace(TIMES, ' $1=?');
    return tagged !== d.tagged || other !== d.other ? { tagged, other } : null;
  }
  return null;
};

/** What POSIX leaves open, or Linux leaves to the filesystem beneath the union, on any pair of targets: both lines masked. */
export const UNSPECIFIED = {
  // POSIX readdir(): "If a file is removed from or added to the directory after the most recent call to
  // opendir() or rewinddir(), whether a subsequent call to readdir() returns an entry for that file is unspecified."
  'readdir-after-change': (d, c) => {
    const s = step(d, c);
    return s?.op.op === 'readrest' && changedSinceOpen(c, s.op.dir, d.index!) ? masked(d) : null;
  },
  // POSIX.1-2001 truncate(): "Upon successful completion, if the file size is changed, this function shall mark
  // for update the st_ctime and st_mtime fields of the file". POSIX.1-2008 drops the condition, but Linux's
  // truncate(2) leaves a same-size truncate's times to the filesystem (tmpfs keeps them, ext4 sets them), so on a
  // union they are the upper filesystem's answer. ftruncate() has no such condition in either edition: not masked.
  // Masked: the file's times from such a truncate on, until a step changes it.
  'truncate-same-size': (d, c) => {
    const last = d.section === 'steps' ? d.index! : c.steps.length;
    for (let i = 0; i < last; i++) {
      const path = sameSizeTruncate(c, i);
      if (path === undefined || !about(d, c, path) || !onlyLooked(c, path, i + 1, last)) continue;
      const tagged = d.tagged.replace(TIMES, ' $1=?');
      const other = d.other.replace(TIMES, ' $1=?');
      return tagged !== d.tagged || other !== d.other ? { tagged, other } : null;
    }
    return null;
  },
} satisfies Record<string, Rule>;

/** What explains a difference: a deviation tag, or something POSIX or Linux leaves open. */
export type Reason = Tag | keyof typeof UNSPECIFIED;

/** The context of a case's differences. */
export function contextOf(c: Case, mergedViews: string[][]): Context {
  const tree = merge(c.layers);
  const dirs = new Set<string>();
  const fifos = new Set<string>();
  for (const [p, n] of walk(tree)) {
    if (n.kind === 'dir') dirs.add(p);
    if (n.kind === 'fifo') fifos.add(p);
  }
  for (const lines of mergedViews) for (const l of lines) {
    const m = /^(\S+): dir /.exec(l);
    if (m) dirs.add(m[1]!);
  }
  return { steps: c.steps, sizes: fileSizes(tree), linked: linkedPaths(c.layers, tree), dirs, fifos };
}

function fileSizes(tree: Tree): Map<string, number> {
  const nodes = new Map(walk(tree));
  const out = new Map<string, number>();
  for (const [p, n] of nodes) {
    const f = n.kind === 'hardlink' ? nodes.get(n.to) : n;
    if (f?.kind === 'file') out.set(p, typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.size);
  }
  return out;
}

function linkedPaths(layers: Layers, tree: Tree): Set<string> {
  const out = new Set<string>();
  for (const lower of layers.lowers) {
    for (const [p, n] of walk(lower)) if (n.kind === 'hardlink') out.add(p).add(n.to);
  }
  for (const [p, n] of walk(tree)) if (n.kind === 'symlink' && out.has(n.target)) out.add(p);
  return out;
}

/**
 * The tags a target may show: those its recorded suite run shows (results/<target>/summary.json),
 * and `posix` for the plain-directory oracle.
 */
export function targetTags(resultsDir: string, target: string, oracle: boolean): Set<Tag> {
  const tags = new Set<Tag>(oracle ? ['posix'] : []);
  const file = join(resultsDir, targetSlug(target), 'summary.json');
  if (!existsSync(file)) return tags;
  const summary = JSON.parse(readFileSync(file, 'utf8')) as { verdicts: Record<string, string> };
  for (const v of Object.values(summary.verdicts)) {
    if (!v.startsWith('deviation:')) continue;
    for (const t of v.slice('deviation:'.length).split('+')) if (isTag(t)) tags.add(t);
  }
  return tags;
}
