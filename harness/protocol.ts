// The executor's wire protocol: one JSON object per line in each direction.
// The harness writes Requests to the executor's stdin; the executor answers
// each with exactly one Response on stdout, in order.

export interface Cred {
  uid: number;
  gid: number;
  groups?: number[];
}

export type { Bytes, OpenFlag, RenameFlag, TimeSpec, XattrFlag } from './ops/fields.ts';
/** Every operation the executor performs (harness/ops/table.ts). */
export type { Op, OpName } from './ops/table.ts';
import type { Op } from './ops/table.ts';
import type { Bytes } from './ops/fields.ts';

export type NodeKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'chr' | 'blk' | 'sock';

export type Request = Op & { id: number; cred?: Cred };

/** lstat/stat/fstat result. Times are nanoseconds since the epoch, as decimal strings. */
export interface StatValue {
  kind: NodeKind;
  mode: number; // permission bits and suid/sgid/sticky (mode & 0o7777)
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  ino: string;
  dev: string;
  rdev: string; // "major:minor"
  atime: string;
  mtime: string;
  ctime: string;
}

export interface DirEntry {
  name: string;
  ino: string;
  type: NodeKind | 'unknown' | 'wht';
}

/** One object seen through the mount: what the transcript's merged view needs. */
export interface NodeView {
  path: string;
  stat: StatValue;
  target?: string; // symlink
  sha256?: string; // regular file content
  data?: Bytes; // regular file content when at most 64 bytes
  xattrs: Record<string, string>; // name -> base64 value, every name llistxattr lists
}

/** `snapshot` returns one item per path: a view, or the errno of lstat. */
export type SnapshotItem = { path: string; view?: NodeView; errno?: string };

/** `scan` walks a layer directory directly: every xattr namespace, entries sorted by path. */
export type ScanEntry = NodeView & { entries?: string[] }; // entries: a directory's sorted child names

/**
 * `exec` runs one of the harness's own commands (mount, umount, rm) as root on
 * the executor's machine, so a remote target needs no ssh channel per command.
 */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Value =
  | null
  | ExecResult
  | number
  | string
  | string[]
  | StatValue
  | DirEntry
  | DirEntry[]
  | Bytes
  | SnapshotItem[]
  | ScanEntry[];

export type Response =
  | { id: number; ok: true; value: Value }
  | { id: number; ok: false; errno: string }
  | { id: number; ok: false; refused: string };
