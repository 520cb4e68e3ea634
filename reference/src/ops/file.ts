// OPEN, CREATE, READ, WRITE, RELEASE, FSYNC, FALLOCATE.
// Opening for writing (O_WRONLY, O_RDWR, O_TRUNC) copies up first (O_TRUNC
// copies no data); a read-only open never does, O_APPEND or not (as
// overlayfs: an O_RDONLY fd cannot write), and opens
// the lower file with O_NOATIME so reading does not change the lower layer.
// The handle keeps its real fd: after another name copies the file up, an
// fd opened on the lower file still reads the lower data. Lower handles are
// FOPEN_DIRECT_IO so the kernel page cache (shared by all fds of the name)
// cannot serve them upper data.
import * as fs from 'node:fs';
import { E, FsError, errnoOf } from '../sys/errno.ts';
import { fallocate as fallocateFd, pread, pwrite } from '../sys/libc.ts';
import { closeFd, openAt } from '../sys/at.ts';
import { fstat, lstatAtStrict, type Stat } from '../sys/stat.ts';
import type { Ctx, Entry, FileData, FileOffset, Opened } from '../fuse/filesystem.ts';
import { copyUp } from '../union/copyup.ts';
import { createEntry } from '../union/create.ts';
import type { Node } from '../union/nodes.ts';
import { S_IFMT, S_IFREG, type Union } from '../union/union.ts';
import { ENTRY_TTL, entryOf, newUpperRes } from './common.ts';

const C = fs.constants;
const O_ACCMODE = 3;
const O_NOATIME = C.O_NOATIME ?? 0o1000000;
/** Flags carried to the real open; the rest (O_DIRECT, O_NOFOLLOW, O_CLOEXEC, ...) is the kernel's business. */
const PASS_FLAGS = C.O_APPEND | C.O_SYNC | C.O_DSYNC | C.O_TRUNC;

export function wantsWrite(flags: number): boolean {
  return (flags & O_ACCMODE) !== C.O_RDONLY || (flags & C.O_TRUNC) !== 0;
}

/**
 * FLUSH serves flush() below: writes through a shared mapping, which only an
 * fd open O_RDWR can make (mmap(2) needs read access). Other fds close
 * without it (FOPEN_NOFLUSH): one round trip less per open.
 */
const noFlush = (flags: number): boolean => (flags & O_ACCMODE) !== C.O_RDWR;

export function open(u: Union, node: Node, flags: number): Opened {
  if ((node.res.type & S_IFMT) !== S_IFREG) throw new FsError(E.EINVAL);
  if (node.orphan) throw new FsError(E.ENOENT);
  if (wantsWrite(flags)) {
    u.requireWritable();
    copyUp(u, node, (flags & C.O_TRUNC) !== 0 ? { dataLimit: 0 } : {});
  }
  const at = u.topLoc(node);
  const upper = node.res.upper;
  let fd: number;
  if (upper) {
    fd = openAt(at, (flags & O_ACCMODE) | (flags & PASS_FLAGS));
  } else {
    try {
      fd = openAt(at, C.O_RDONLY | O_NOATIME);
    } catch (err) {
      if (errnoOf(err) !== E.EPERM) throw err;
      fd = openAt(at, C.O_RDONLY);
    }
  }
  // Lower files back no passthrough open while a copyup can come (see union/backing.ts).
  const backingId = upper || u.readonly ? backingFor(u, node, fd) : undefined;
  const fh = u.handles.add({ kind: 'file', fd, node, upper, backed: backingId !== undefined });
  node.handles.add(fh);
  return { fh, directIo: !upper && u.directIoLower, backingId, noFlush: noFlush(flags) };
}

/** The passthrough backing id for a new handle of node's upper file (its lstat st if known), if the kernel does its I/O. */
function backingFor(u: Union, node: Node, fd: number, st?: Stat): number | undefined {
  return u.backings?.attach(node, fd, st) ?? undefined;
}

export function create(u: Union, ctx: Ctx, parent: Node, name: string, flags: number, mode: number): { entry: Entry; opened: Opened } {
  let fd = -1;
  const st = createEntry(u, parent, name, ctx, {
    type: S_IFREG,
    perm: mode & 0o7777,
    build: (at) => {
      fd = openAt(at, C.O_CREAT | C.O_EXCL | C.O_RDWR | (flags & (C.O_APPEND | C.O_SYNC | C.O_DSYNC)), mode & 0o7777);
    },
  });
  const entry = entryOf(u, parent, name, newUpperRes(S_IFREG), st);
  const node = u.nodes.child(parent, name)!;
  const backingId = backingFor(u, node, fd, st);
  const fh = u.handles.add({ kind: 'file', fd, node, upper: true, backed: backingId !== undefined });
  node.handles.add(fh);
  return { entry, opened: { fh, directIo: false, backingId, noFlush: noFlush(flags) } };
}

/** O_TMPFILE|O_DIRECTORY, as open(2) takes it (node's fs.constants has no O_TMPFILE). */
const O_TMPFILE = 0o20200000;
const S_ISGID = 0o2000;

/**
 * TMPFILE: an unnamed file in the parent's upper directory (copied up first), owned by the
 * caller, as create() makes a named one. Its node has no name until linkat() gives it one.
 */
export function tmpfile(u: Union, ctx: Ctx, parent: Node, flags: number, mode: number): { entry: Entry; opened: Opened } {
  u.requireWritable();
  if (parent.orphan) throw new FsError(E.ENOENT);
  copyUp(u, parent);
  const dir = u.upperLoc(parent);
  const fd = openAt(dir, O_TMPFILE | C.O_RDWR | (flags & (C.O_APPEND | C.O_SYNC | C.O_DSYNC)), mode & 0o7777);
  try {
    const pst = lstatAtStrict(dir.dir, dir.name);
    fs.fchownSync(fd, ctx.uid, (pst.mode & S_ISGID) !== 0 ? pst.gid : ctx.gid);
    fs.fchmodSync(fd, mode & 0o7777); // after fchown, which clears set-id bits
  } catch (err) {
    closeFd(fd);
    throw err;
  }
  const node = u.nodes.unnamed(newUpperRes(S_IFREG));
  const fh = u.handles.add({ kind: 'file', fd, node, upper: true, backed: false });
  node.handles.add(fh);
  node.nlookup++;
  // The kernel's d_tmpfile() takes the one link away, as a local filesystem's tmpfile leaves it.
  const attr = { ...u.orphanAttr(node), nlink: 1 };
  return { entry: { nodeid: node.id, attr, entryTtl: ENTRY_TTL, attrTtl: 0 }, opened: { fh, directIo: false, noFlush: noFlush(flags) } };
}

export function read(u: Union, fh: number, offset: FileOffset, size: number, buf: Buffer, off: number): number {
  return pread(u.handles.file(fh).fd, buf.subarray(off, off + size), offset);
}

/** Below this a READ is read into the reply buffer: one copy costs less than the four system calls of a splice. */
const SPLICE_MIN = 32 * 1024;

/** A large READ as the file's data for the session to splice (see sys/splice.ts); null: read() answers it. */
export function readFrom(u: Union, fh: number, offset: FileOffset, size: number): FileData | null {
  if (size < SPLICE_MIN || typeof offset === 'bigint') return null;
  const fd = u.handles.file(fh).fd;
  return { fd, offset, length: Math.max(0, Math.min(size, fstat(fd).size - offset)) };
}

export function write(u: Union, fh: number, offset: FileOffset, data: Buffer): number {
  return pwrite(u.handles.file(fh).fd, data, offset);
}

/** close(2) of an fd: what the kernel wrote through passthrough (mmap too) shows in the attributes. */
export function flush(u: Union, fh: number): void {
  const h = u.handles.file(fh);
  if (h.backed) u.backings?.flushed(h.node, h.fd);
}

export function release(u: Union, fh: number): void {
  const h = u.handles.remove(fh);
  if (h !== undefined) {
    if (h.kind === 'file' && h.backed) u.backings?.release(h.node);
    h.node.handles.delete(fh);
    u.nodes.released(h.node);
  }
}

export function fsync(u: Union, fh: number, datasync: boolean): void {
  const h = u.handles.file(fh);
  if (u.volatile) return; // as overlayfs's volatile: every sync of upper is left out
  if (datasync) fs.fdatasyncSync(h.fd);
  else fs.fsyncSync(h.fd);
}

export function fallocate(u: Union, fh: number, mode: number, offset: FileOffset, length: FileOffset): void {
  const h = u.handles.file(fh);
  if (!h.upper) throw new FsError(E.EBADF);
  fallocateFd(h.fd, mode, offset, length);
}
