// READ replies without copying the data through the server: the reply
// header is written into a pipe, the file's pages are spliced in after it
// (page references, no copy), and the pipe is spliced into /dev/fuse, which
// copies the data once into the reader's pages. libfuse does the same
// (fuse_reply_data with a FUSE_BUF_IS_FD buffer). Without SPLICE_F_MOVE:
// moving would steal the pages from the lower file's page cache.
import * as fs from 'node:fs';
import koffi from 'koffi';
import { E, FsError, errnoOf } from './errno.ts';
import { closeFd } from './at.ts';
import { writeReply } from './fuseio.ts';
import { OUT_HEADER_SIZE } from '../fuse/protocol.ts';

const libc = koffi.load('libc.so.6');
const c = {
  pipe2: libc.func('int pipe2(void *fds, int flags)'),
  fcntl: libc.func('int fcntl(int fd, int cmd, ...)'),
  splice: libc.func('long splice(int fdIn, void *offIn, int fdOut, void *offOut, size_t len, unsigned int flags)'),
};

const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const F_GETPIPE_SZ = 1032;
const PAGE = 4096;
const SPLICE_F_NONBLOCK = 2;
/**
 * A 1 MiB read and its header need 257 or 258 page-sized pipe buffers; 2 MiB
 * is above pipe-max-size (1 MiB), which only CAP_SYS_RESOURCE may exceed.
 * In a 1 MiB pipe, replies of up to 1016 KiB are spliced and longer ones
 * read and written (filling the pipe and taking it back costs a copy more),
 * so the session offers the kernel requests no longer than that (maxPages).
 */
const PIPE_SIZES = [2 << 20, 1 << 20];
/** The kernel's default request size (32 pages): a pipe that splices less is not worth shaping requests for. */
const DEFAULT_PAGES = 32;

export class Splicer {
  private fds: [number, number] | null = null;
  /** Bytes the pipe holds. */
  private capacity = 0;
  /** No pipe could be made: every reply is read and written. */
  private unusable = false;
  private readonly header = Buffer.alloc(OUT_HEADER_SIZE);
  private readonly offset = Buffer.alloc(8);

  constructor(private readonly fuseFd: number) {}

  /**
   * The request size, in pages, to offer the kernel (max_pages) where it
   * allows up to limit: the most a reply can carry and still be spliced, so
   * that a large read costs one copy. A 1 MiB read from a buffer 16 bytes
   * past a page boundary (a malloc'd one) then arrives as 1016 KiB, spliced,
   * and 8 KiB, instead of 1 MiB minus 16 bytes read and written, and 16 bytes.
   */
  maxPages(limit: number): number {
    if (this.pipe() === null) return limit;
    const fits = Math.floor(this.capacity / PAGE) - 2; // the header's buffer, and a file offset inside a page
    return fits >= DEFAULT_PAGES ? Math.min(limit, fits) : limit;
  }

  /**
   * Sends the reply to unique: length bytes of fd at offset, fewer where the
   * file ends first. out (at least OUT_HEADER_SIZE + length bytes) takes
   * what is read and written instead of spliced. Returns whether the data
   * was spliced. Throws the errno of a failed read; a reply to an
   * interrupted request (ENOENT) is dropped.
   */
  send(unique: bigint, fd: number, offset: number, length: number, out: Buffer): boolean {
    const pipe = this.pipe();
    let done = 0;
    if (pipe !== null && length + 2 * PAGE <= this.capacity) {
      const [r, w] = pipe;
      this.writeHeader(this.header, unique, length);
      fs.writeSync(w, this.header);
      while (done < length) {
        this.offset.writeBigInt64LE(BigInt(offset + done), 0);
        const n = Number(c.splice(fd, this.offset, w, null, length - done, SPLICE_F_NONBLOCK));
        if (n <= 0) break; // EAGAIN: the pipe is full; 0: end of file; an error comes again from the read below
        done += n;
      }
      if (done === length) {
        if (Number(c.splice(r, null, this.fuseFd, null, OUT_HEADER_SIZE + length, 0)) >= 0) return true;
        const errno = koffi.errno();
        if (errno === E.ENOENT) return true; // the kernel no longer waits for it; the pipe was consumed
        this.reset();
        throw new FsError(errno, 'splice to /dev/fuse');
      }
      // Take back what the pipe holds, then read the rest after it.
      for (let got = 0; got < OUT_HEADER_SIZE + done;) got += fs.readSync(r, out, got, OUT_HEADER_SIZE + done - got, null);
    }
    const n = done + (done < length ? fs.readSync(fd, out, OUT_HEADER_SIZE + done, length - done, offset + done) : 0);
    this.writeHeader(out, unique, n);
    try {
      writeReply(this.fuseFd, out, OUT_HEADER_SIZE + n);
    } catch (err) {
      if (errnoOf(err) !== E.ENOENT) throw err;
    }
    return false;
  }

  close(): void {
    this.reset();
    this.unusable = true;
  }

  private writeHeader(b: Buffer, unique: bigint, length: number): void {
    b.writeUInt32LE(OUT_HEADER_SIZE + length, 0);
    b.writeInt32LE(0, 4);
    b.writeBigUInt64LE(unique, 8);
  }

  private pipe(): [number, number] | null {
    if (this.fds !== null || this.unusable) return this.fds;
    const b = Buffer.alloc(8);
    if (c.pipe2(b, O_CLOEXEC) < 0) {
      this.unusable = true;
      return null;
    }
    this.fds = [b.readInt32LE(0), b.readInt32LE(4)];
    for (const size of PIPE_SIZES) if (c.fcntl(this.fds[1], F_SETPIPE_SZ, 'int', size) >= 0) break;
    this.capacity = Number(c.fcntl(this.fds[1], F_GETPIPE_SZ, 'int', 0));
    return this.fds;
  }

  private reset(): void {
    if (this.fds === null) return;
    closeFd(this.fds[0]);
    closeFd(this.fds[1]);
    this.fds = null;
  }
}
