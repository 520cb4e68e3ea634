// The executor's wire protocol: one JSON object per line in each direction.
// The harness writes Requests to the executor's stdin; the executor answers
// each with exactly one Response on stdout, in order.

export interface Cred {
  uid: number;
  gid: number;
  groups?: number[];
}

/** A timestamp for utimensat/futimens: seconds + nanoseconds, or a special value. */
export type TimeSpec = { sec: number; nsec: number } | 'UTIME_NOW' | 'UTIME_OMIT';

/** Bytes travel as base64 in both directions. */
export type Bytes = { b64: string };

export type OpenFlag =
  | 'O_RDONLY' | 'O_WRONLY' | 'O_RDWR' | 'O_APPEND' | 'O_TRUNC' | 'O_CREAT'
  | 'O_EXCL' | 'O_NOFOLLOW' | 'O_DIRECTORY' | 'O_NONBLOCK';

export type RenameFlag = 'RENAME_NOREPLACE' | 'RENAME_EXCHANGE' | 'RENAME_WHITEOUT';

export type NodeKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'chr' | 'blk' | 'sock';

export type XattrFlag = 'XATTR_CREATE' | 'XATTR_REPLACE';

/**
 * Every operation the executor performs. Paths are relative to the root set
 * with `root` (a leading "/" means the root itself); fds and directory
 * streams are referred to by names the caller chooses.
 */
export type Op =
  | { op: 'root'; path: string }
  | { op: 'reset' }
  | { op: 'open'; path: string; flags: OpenFlag[]; mode?: number; fd: string }
  | { op: 'close'; fd: string }
  | { op: 'read'; fd: string; len: number }
  | { op: 'pread'; fd: string; len: number; off: number }
  | { op: 'write'; fd: string; data: Bytes }
  | { op: 'pwrite'; fd: string; data: Bytes; off: number }
  /** Writes `size` bytes of the big-fixture pattern (harness/fixture-pattern.ts) at the fd's offset. */
  | { op: 'fill'; fd: string; size: number }
  | { op: 'lseek'; fd: string; off: number; whence: 'SEEK_SET' | 'SEEK_CUR' | 'SEEK_END' }
  | { op: 'stat' | 'lstat'; path: string }
  | { op: 'fstat'; fd: string }
  | { op: 'access'; path: string; mode: number }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'fchmod'; fd: string; mode: number }
  | { op: 'chown' | 'lchown'; path: string; uid: number; gid: number }
  | { op: 'fchown'; fd: string; uid: number; gid: number }
  | { op: 'utimensat'; path: string; atime: TimeSpec; mtime: TimeSpec; nofollow?: boolean }
  | { op: 'futimens'; fd: string; atime: TimeSpec; mtime: TimeSpec }
  | { op: 'truncate'; path: string; len: number }
  | { op: 'ftruncate'; fd: string; len: number }
  | { op: 'link'; from: string; to: string }
  | { op: 'symlink'; target: string; path: string }
  | { op: 'readlink'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'renameat2'; from: string; to: string; flags: RenameFlag[] }
  | { op: 'unlink' | 'rmdir'; path: string }
  | { op: 'mkdir'; path: string; mode: number }
  | { op: 'mknod'; path: string; kind: 'fifo' | 'chr' | 'blk' | 'sock' | 'file'; mode: number; major?: number; minor?: number }
  | { op: 'opendir'; path: string; dir: string }
  | { op: 'readdir'; dir: string }
  | { op: 'telldir'; dir: string }
  | { op: 'seekdir'; dir: string; pos: number | string }
  | { op: 'rewinddir'; dir: string }
  | { op: 'closedir'; dir: string }
  | { op: 'listdir'; path: string }
  | { op: 'setxattr' | 'lsetxattr'; path: string; name: string; value: Bytes; flags?: XattrFlag[] }
  | { op: 'fsetxattr'; fd: string; name: string; value: Bytes; flags?: XattrFlag[] }
  | { op: 'getxattr' | 'lgetxattr'; path: string; name: string }
  | { op: 'fgetxattr'; fd: string; name: string }
  | { op: 'listxattr' | 'llistxattr'; path: string }
  | { op: 'flistxattr'; fd: string }
  | { op: 'removexattr' | 'lremovexattr'; path: string; name: string }
  | { op: 'fremovexattr'; fd: string; name: string }
  | { op: 'mmapwrite'; fd: string; off: number; data: Bytes }
  /** statOnly: each view holds the stat alone (no link target, content or xattrs). */
  | { op: 'snapshot'; paths: string[]; statOnly?: boolean }
  | { op: 'scan'; path: string }
  /**
   * Makes a file at `path` (absolute, in the workspace), changes its mode 64 times with an
   * lstat after each, removes it, and answers how many changes left the ctime where it was:
   * more than none where the filesystem's timestamps are as coarse as the kernel's tick.
   */
  | { op: 'ctimeprobe'; path: string }
  | { op: 'exec'; argv: string[]; timeoutMs?: number }
  | { op: 'mount'; source: string; target: string; fstype: string; data: string }
  | { op: 'umount'; target: string; lazy?: boolean };

export type OpName = Op['op'];

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
