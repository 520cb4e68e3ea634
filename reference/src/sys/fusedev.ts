// FUSE passthrough backing files (linux/fuse.h, kernel 6.9+): an open file
// registered on the /dev/fuse connection gets a backing id that an open
// reply names with FOPEN_PASSTHROUGH; the kernel then reads and writes that
// file itself. Registering needs CAP_SYS_ADMIN.
import koffi from 'koffi';
import { FsError } from './errno.ts';

const libc = koffi.load('libc.so.6');
const ioctl = libc.func('int ioctl(int fd, unsigned long request, void *arg)');

/** _IOW(229, 1, struct fuse_backing_map { s32 fd; u32 flags; u64 padding; }) */
const FUSE_DEV_IOC_BACKING_OPEN = 0x4010e501;
/** _IOW(229, 2, u32) */
const FUSE_DEV_IOC_BACKING_CLOSE = 0x4004e502;

const map = Buffer.alloc(16);
const id = Buffer.alloc(4);

/** Registers fd as a backing file of the connection; returns its backing id. */
export function backingOpen(fuseFd: number, fd: number): number {
  map.writeInt32LE(fd, 0);
  const r = ioctl(fuseFd, FUSE_DEV_IOC_BACKING_OPEN, map);
  if (r < 0) throw new FsError(koffi.errno(), 'FUSE_DEV_IOC_BACKING_OPEN');
  return r;
}

export function backingClose(fuseFd: number, backingId: number): void {
  id.writeUInt32LE(backingId, 0);
  if (ioctl(fuseFd, FUSE_DEV_IOC_BACKING_CLOSE, id) < 0) throw new FsError(koffi.errno(), 'FUSE_DEV_IOC_BACKING_CLOSE');
}
