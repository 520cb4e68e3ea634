// read(2) and write(2) on /dev/fuse, called straight through koffi: each
// request takes one of each, and Node's fs.readSync/writeSync (argument
// checks, libuv's request) cost about twice the bare call.
import koffi from 'koffi';
import { FsError } from './errno.ts';

const libc = koffi.load('libc.so.6');
const c = {
  read: libc.func('long read(int fd, void *buf, size_t count)'),
  write: libc.func('long write(int fd, const void *buf, size_t count)'),
};

/** One request into buf; returns its length. */
export function readRequest(fd: number, buf: Buffer): number {
  const n = Number(c.read(fd, buf, buf.length));
  if (n < 0) throw new FsError(koffi.errno(), 'read /dev/fuse');
  return n;
}

/** One reply: the first len bytes of buf. */
export function writeReply(fd: number, buf: Buffer, len: number): void {
  if (Number(c.write(fd, buf, len)) < 0) throw new FsError(koffi.errno(), 'write /dev/fuse');
}
