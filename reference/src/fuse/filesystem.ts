// The operations a filesystem served over FUSE implements, with typed
// arguments and replies (as libfuse's lowlevel API and fuser have them).
// fuse/dispatch.ts decodes each request into one of these calls and encodes
// its answer; nothing here knows a buffer offset. Errors are thrown
// (FsError) and become the errno of the reply.
import type { TimeSpec } from '../sys/libc.ts';
import type { Attr, StatfsInfo } from './protocol.ts';

/** The process on whose behalf the kernel asks. */
export interface Ctx { uid: number; gid: number; pid: number }

export interface Entry {
  nodeid: number;
  attr: Attr;
  /** Seconds the kernel may cache the name and the attributes. */
  entryTtl: number;
  attrTtl: number;
}

export interface AttrReply { attr: Attr; ttl: number }

export interface Opened {
  fh: number;
  /** FOPEN_DIRECT_IO: bypass the page cache for this handle. */
  directIo: boolean;
  /** FOPEN_PASSTHROUGH: the kernel does the handle's I/O on this backing file itself. */
  backingId?: number;
  /** FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE: the kernel may keep a directory's listing between opens. */
  cacheDir?: boolean;
  /** FOPEN_NOFLUSH: close(2) of the handle's fds sends no FLUSH. */
  noFlush?: boolean;
}

/**
 * A file offset or size: a number below 2^53, a bigint above (exact: an
 * upper filesystem such as XFS has sparse files that large).
 */
export type FileOffset = number | bigint;

/** SETATTR: only the fields present change. Times may be NOW. */
export interface SetattrIn {
  /** Handle the request came through (ftruncate, fchmod, ...), if any. */
  fh?: number;
  size?: FileOffset;
  mode?: number;
  uid?: number;
  gid?: number;
  atime?: TimeSpec;
  mtime?: TimeSpec;
}

/** A READ's answer that is a file's data: length bytes of fd at offset (the session may splice them). */
export interface FileData { fd: number; offset: number; length: number }

/** Receives readdir entries; returns false when the reply is full. */
export type DirentSink = (ino: bigint, type: number, name: Buffer, nextOffset: number) => boolean;

/** Backing files of FUSE passthrough, registered on the connection. */
export interface Backing {
  /** The backing id of an open fd; throws FsError where the kernel refuses it. */
  open(fd: number): number;
  close(backingId: number): void;
}

/** passthrough: null where it is off or the kernel lacks it. */
export interface InitInfo {
  minor: number;
  directIoAllowMmap: boolean;
  passthrough: Backing | null;
  /** The kernel must refetch this node's attributes: told before the current reply (see Session). */
  invalidateAttrs(nodeid: number): void;
  /** The kernel must drop this directory's cached listing and attributes: told before the current reply. */
  invalidateListing(nodeid: number): void;
}

export interface Filesystem {
  init(info: InitInfo): void;
  /** Called after each request is answered: resources held for one request may go. */
  settle(): void;
  lookup(ctx: Ctx, parent: number, name: string): Entry;
  forget(node: number, nlookup: number): void;
  getattr(node: number, fh: number | undefined): AttrReply;
  setattr(ctx: Ctx, node: number, set: SetattrIn): AttrReply;
  readlink(node: number): Buffer;
  mknod(ctx: Ctx, parent: number, name: string, mode: number, rdev: bigint): Entry;
  mkdir(ctx: Ctx, parent: number, name: string, mode: number): Entry;
  symlink(ctx: Ctx, parent: number, name: string, target: Buffer): Entry;
  link(ctx: Ctx, node: number, newParent: number, newName: string): Entry;
  unlink(ctx: Ctx, parent: number, name: string): void;
  rmdir(ctx: Ctx, parent: number, name: string): void;
  rename(ctx: Ctx, parent: number, name: string, newParent: number, newName: string, flags: number): void;
  open(ctx: Ctx, node: number, flags: number): Opened;
  create(ctx: Ctx, parent: number, name: string, flags: number, mode: number): { entry: Entry; opened: Opened };
  tmpfile(ctx: Ctx, parent: number, flags: number, mode: number): { entry: Entry; opened: Opened };
  /** Reads into buf at off; returns the byte count. */
  read(fh: number, offset: FileOffset, size: number, buf: Buffer, off: number): number;
  /** A READ to answer from the handle's file, in place of read(); null: read() answers it. */
  readFrom?(fh: number, offset: FileOffset, size: number): FileData | null;
  write(fh: number, offset: FileOffset, data: Buffer): number;
  flush(fh: number): void;
  release(fh: number): void;
  fsync(fh: number, datasync: boolean): void;
  fallocate(fh: number, mode: number, offset: FileOffset, length: FileOffset): void;
  opendir(ctx: Ctx, node: number): Opened;
  readdir(fh: number, offset: number, add: DirentSink): void;
  releasedir(fh: number): void;
  fsyncdir(fh: number, datasync: boolean): void;
  statfs(node: number): StatfsInfo;
  setxattr(ctx: Ctx, node: number, name: string, value: Buffer, flags: number): void;
  /** size 0: the value's length; else the value (ERANGE if longer than size). */
  getxattr(node: number, name: string, size: number): Buffer | number;
  listxattr(ctx: Ctx, node: number, size: number): Buffer | number;
  removexattr(ctx: Ctx, node: number, name: string): void;
}
