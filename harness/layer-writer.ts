// Writes a fixture tree into a layer directory through the executor, so the
// same code prepares layers on this machine and on a remote one.
import type { Op, Response } from './protocol.ts';
import { FIXTURE_TIME, walk, type FixtureNode, type Meta, type Tree } from '../suite/fixture.ts';

export type Call = (op: Op) => Promise<Response>;

/** How a format marks whiteouts and opaque directories in a writable layer. */
export interface FormatWriter {
  whiteout(path: string): Op[];
  opaque(path: string): Op[];
  /** Absent where the format has no fallthrus (none in use today has). */
  fallthru?(path: string): Op[];
}

export class LayerWriteError extends Error {}
/** The fixture asks for an object the target's format cannot hold: the case is skipped. */
export class UnsupportedFixture extends Error {}

const b64 = (b: Buffer | string) => ({ b64: Buffer.from(b).toString('base64') });

function createOps(path: string, node: FixtureNode, format: FormatWriter | undefined): Op[] {
  switch (node.kind) {
    case 'file': {
      const fd = '__fixture';
      const fill: Op = typeof node.data === 'string' ? { op: 'write', fd, data: b64(node.data) } : { op: 'fill', fd, size: node.data.size };
      return [{ op: 'open', path, flags: ['O_WRONLY', 'O_CREAT', 'O_EXCL'], mode: 0o600, fd }, fill, { op: 'close', fd }];
    }
    case 'dir':
      return [{ op: 'mkdir', path, mode: 0o700 }, ...(node.opaque ? need(format, path).opaque(path) : [])];
    case 'symlink':
      return [{ op: 'symlink', target: node.target, path }];
    case 'hardlink':
      return [{ op: 'link', from: node.to, to: path }];
    case 'fifo':
      return [{ op: 'mknod', path, kind: 'fifo', mode: 0o600 }];
    case 'chr':
      return [{ op: 'mknod', path, kind: 'chr', mode: 0o600, major: node.major, minor: node.minor }];
    case 'whiteout':
      return need(format, path).whiteout(path);
    case 'fallthru': {
      const f = need(format, path);
      if (!f.fallthru) throw new UnsupportedFixture('format-has-no-fallthru');
      return f.fallthru(path);
    }
  }
}

function need(format: FormatWriter | undefined, path: string): FormatWriter {
  if (!format) throw new LayerWriteError(`${path}: this target has no on-disk format for whiteouts and opaque dirs`);
  return format;
}

function metaOps(path: string, node: FixtureNode): Op[] {
  if (node.kind === 'hardlink' || node.kind === 'whiteout' || node.kind === 'fallthru') return [];
  const m: Meta = node.meta;
  const symlink = node.kind === 'symlink';
  const ops: Op[] = [];
  if (!symlink) ops.push({ op: 'chmod', path, mode: m.mode ?? (node.kind === 'dir' ? 0o755 : 0o644) });
  ops.push({ op: 'lchown', path, uid: m.uid ?? 0, gid: m.gid ?? 0 });
  for (const [name, value] of Object.entries(m.xattrs ?? {})) ops.push({ op: 'lsetxattr', path, name, value: b64(value) });
  return ops;
}

const timeOp = (path: string): Op => ({ op: 'utimensat', path, atime: FIXTURE_TIME, mtime: FIXTURE_TIME, nofollow: true });

/** The ops that build `tree` in the directory the executor's root points at. */
export function layerOps(tree: Tree, format?: FormatWriter): Op[] {
  const entries = [...walk(tree)];
  const ops: Op[] = [];
  for (const [path, node] of entries) ops.push(...createOps(path, node, format), ...metaOps(path, node));
  // Times last, children before parents, so creating children does not move a parent's mtime.
  for (const [path, node] of entries.reverse()) if (node.kind !== 'whiteout' && node.kind !== 'hardlink' && node.kind !== 'fallthru') ops.push(timeOp(path));
  ops.push(timeOp(''));
  return ops;
}

/** Sends every op before awaiting an answer (the executor answers in order), then checks them in order. */
export async function writeLayer(call: Call, dir: string, tree: Tree, format?: FormatWriter): Promise<void> {
  const ops = [{ op: 'root', path: dir } as Op, ...layerOps(tree, format)];
  const answers = await Promise.all(ops.map(call));
  for (const [i, r] of answers.entries()) {
    const op = ops[i]!;
    // A format's marker directories (unionfs-fuse's meta tree) are shared by several markers.
    if (!r.ok && op.op === 'mkdir' && 'errno' in r && r.errno === 'EEXIST') continue;
    if (!r.ok) throw new LayerWriteError(`writing layer ${dir}: ${op.op} ${'path' in op ? op.path : ''}: ${'errno' in r ? r.errno : r.refused}`);
  }
}
