// File handles (name_to_handle_at, open_by_handle_at) and the filesystem
// UUID (FS_IOC_GETFSUUID): what an overlayfs origin record is made of.
import koffi from 'koffi';
import { FsError } from './errno.ts';
import type { Loc } from './at.ts';
import { cName } from './names.ts';

const libc = koffi.load('libc.so.6');
const c = {
  nameToHandleAt: libc.func('int name_to_handle_at(int dirfd, const char *path, void *handle, void *mount_id, int flags)'),
  openByHandleAt: libc.func('int open_by_handle_at(int mount_fd, void *handle, int flags)'),
  ioctl: libc.func('int ioctl(int fd, unsigned long request, ...)'),
};

const MAX_HANDLE_SZ = 128;
/** _IOR(0x15, 0, struct fsuuid2 { u8 len; u8 uuid[16]; }) */
const FS_IOC_GETFSUUID = 0x80111500;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/** A filesystem's handle of one object (struct file_handle without its header). */
export interface FileHandle { type: number; bytes: Buffer }

/** The handle of the object at l (not following a symlink), or null where the filesystem gives none. */
export function handleOf(l: Loc): FileHandle | null {
  const buf = Buffer.alloc(8 + MAX_HANDLE_SZ);
  buf.writeUInt32LE(MAX_HANDLE_SZ, 0);
  if (c.nameToHandleAt(l.dir, cName(l.name), buf, Buffer.alloc(4), 0) < 0) return null;
  const len = buf.readUInt32LE(0);
  return { type: buf.readInt32LE(4), bytes: Buffer.from(buf.subarray(8, 8 + len)) };
}

/** An O_PATH fd of the object a handle names on the filesystem of mountFd; throws FsError (ESTALE, EPERM, ...). */
export function openHandle(mountFd: number, h: FileHandle): number {
  const buf = Buffer.alloc(8 + h.bytes.length);
  buf.writeUInt32LE(h.bytes.length, 0);
  buf.writeInt32LE(h.type, 4);
  h.bytes.copy(buf, 8);
  const fd = c.openByHandleAt(mountFd, buf, O_PATH | O_CLOEXEC);
  if (fd < 0) throw new FsError(koffi.errno(), 'open_by_handle_at');
  return fd;
}

/** The UUID of the filesystem of fd (16 zero bytes where it has none). */
export function fsUuid(fd: number): Buffer {
  const buf = Buffer.alloc(17);
  if (c.ioctl(fd, FS_IOC_GETFSUUID, 'void *', buf) < 0 || buf[0] !== 16) return Buffer.alloc(16);
  return Buffer.from(buf.subarray(1, 17));
}
