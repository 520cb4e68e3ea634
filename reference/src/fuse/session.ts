// The request loop on /dev/fuse: read one request, run its handler
// synchronously, write one reply. It runs in the server's worker thread and
// never touches the mount it serves.
import { E, errnoName, errnoOf } from '../sys/errno.ts';
import {
  FUSE2_DIRECT_IO_ALLOW_MMAP, FUSE2_PASSTHROUGH, FUSE_ATOMIC_O_TRUNC, FUSE_AUTO_INVAL_DATA, FUSE_BIG_WRITES, FUSE_INIT_EXT,
  FUSE_KERNEL_VERSION, FUSE_MAX_MINOR, FUSE_MAX_PAGES, FUSE_PARALLEL_DIROPS, IN_HEADER_SIZE, Op, OP_NAMES,
  OUT_HEADER_SIZE, Words,
} from './protocol.ts';
import { Request } from './request.ts';
import { type Handler, handlers } from './dispatch.ts';
import type { Backing, FileData, Filesystem, InitInfo } from './filesystem.ts';
import { backingClose, backingOpen } from '../sys/fusedev.ts';
import { readRequest, writeReply } from '../sys/fuseio.ts';
import { Splicer } from '../sys/splice.ts';

/** The largest request the kernel allows (fs.fuse.max_pages_limit's default); buffers are sized for it. */
const MAX_PAGES = 256;
const FUSE_NOTIFY_INVAL_INODE = 2;
const MAX_WRITE = MAX_PAGES * 4096;

/** FUSE passthrough: where the kernel offers it (auto), required (on), or never. */
export type PassthroughMode = 'auto' | 'on' | 'off';

export interface SessionOptions {
  debug: boolean;
  /** Default off. */
  passthrough?: PassthroughMode;
  log: (line: string) => void;
  onInit: (info: InitInfo) => void;
}

export class Session {
  readonly out = Buffer.allocUnsafe(OUT_HEADER_SIZE + MAX_WRITE);
  /** The reply header is written through these. */
  private readonly outWords = new Words(this.out);
  private readonly input = new Words(Buffer.allocUnsafe(MAX_WRITE + 4096));
  private readonly handlers: (Handler | undefined)[];
  private initialized = false;
  /** Nodes whose cached attributes (pages: and cached contents) the kernel must drop before the current reply goes out. */
  private readonly stale: Array<{ nodeid: number; pages: boolean }> = [];
  private readonly splicer: Splicer;

  constructor(private readonly fd: number, private readonly filesystem: Partial<Filesystem>, private readonly opts: SessionOptions) {
    this.handlers = handlers(filesystem, this);
    this.splicer = new Splicer(fd);
  }

  /**
   * Asks the kernel (FUSE_NOTIFY_INVAL_INODE, attributes only) to refetch the
   * attributes of a node, e.g. the source of link() whose link count changed
   * behind another node. Sent before the current reply, so the caller's next
   * stat already sees it (sent after, it raced the caller: a stale nlink);
   * an attribute-only invalidation takes no lock the pending request holds.
   */
  invalidateAttrs(nodeid: number): void {
    this.stale.push({ nodeid, pages: false });
  }

  /**
   * Asks the kernel to drop a directory's cached listing (FOPEN_CACHE_DIR
   * keeps it in the directory's pages) and its attributes. Also sent before
   * the reply: no request holds a lock on a directory's pages while it waits
   * for the server (the kernel fills them after READDIR's reply).
   */
  invalidateListing(nodeid: number): void {
    this.stale.push({ nodeid, pages: true });
  }

  /** FUSE_NOTIFY_INVAL_INODE for each node queued; the pending request holds no lock it takes. */
  private flushInvalidations(): void {
    for (const { nodeid, pages } of this.stale.splice(0)) {
      const b = Buffer.alloc(OUT_HEADER_SIZE + 24);
      b.writeUInt32LE(b.length, 0);
      b.writeInt32LE(FUSE_NOTIFY_INVAL_INODE, 4);
      b.writeBigUInt64LE(0n, 8);
      b.writeBigUInt64LE(BigInt(nodeid), 16);
      b.writeBigInt64LE(pages ? 0n : -1n, 24); // offset < 0: attributes only; 0 with length 0: every page
      b.writeBigInt64LE(0n, 32);
      try {
        writeReply(this.fd, b, b.length);
      } catch {
        // ENOENT: the kernel has already forgotten the node
      }
    }
  }

  /** Serves until the connection goes away (unmount or abort). */
  run(): void {
    try {
      this.serve();
    } finally {
      this.splicer.close();
    }
  }

  private serve(): void {
    for (;;) {
      let n: number;
      try {
        n = readRequest(this.fd, this.input.buf);
      } catch (err) {
        const e = errnoOf(err);
        if (e === E.ENOENT || e === E.EINTR || e === E.EAGAIN) continue; // request interrupted before we read it
        if (e === E.ENODEV) return; // unmounted
        throw err;
      }
      if (n < IN_HEADER_SIZE) continue;
      this.dispatch(new Request(this.input, n));
    }
  }

  private dispatch(req: Request): void {
    if (req.opcode === Op.INIT) return this.init(req);
    if (!this.initialized) return this.reply(req, -E.EIO);
    if (req.opcode === Op.INTERRUPT) return; // every handler is synchronous: nothing to interrupt
    const h = this.handlers[req.opcode];
    if (h === undefined) return this.replyDebug(req, -E.ENOSYS);
    let result: ReturnType<Handler>;
    try {
      result = h(req);
      if (result !== undefined && typeof result !== 'number' && !Buffer.isBuffer(result)) return this.sendData(req, result);
    } catch (err) {
      if (this.opts.debug && !(typeof err === 'object' && err !== null && 'code' in err)) this.opts.log(String((err as Error).stack));
      return this.replyDebug(req, -errnoOf(err));
    } finally {
      this.filesystem.settle?.();
    }
    if (result === undefined) {
      if (this.opts.debug) this.opts.log(`${OP_NAMES[req.opcode] ?? req.opcode} node=${req.nodeid} (no reply)`);
      return;
    }
    if (this.stale.length > 0) this.flushInvalidations();
    if (typeof result === 'number') {
      this.send(req.unique, 0, OUT_HEADER_SIZE + result);
    } else {
      result.copy(this.out, OUT_HEADER_SIZE);
      this.send(req.unique, 0, OUT_HEADER_SIZE + result.length);
    }
    if (this.opts.debug) this.opts.log(`${OP_NAMES[req.opcode] ?? req.opcode} node=${req.nodeid} uid=${req.uid} -> ok`);
  }

  /** A READ answered with a file's data (sys/splice.ts). */
  private sendData(req: Request, d: FileData): void {
    if (this.stale.length > 0) this.flushInvalidations();
    const spliced = this.splicer.send(req.unique, d.fd, d.offset, d.length, this.out);
    if (this.opts.debug) this.opts.log(`${OP_NAMES[req.opcode] ?? req.opcode} node=${req.nodeid} uid=${req.uid} -> ok${spliced ? ' (spliced)' : ''}`);
  }

  private replyDebug(req: Request, err: number): void {
    if (this.opts.debug) this.opts.log(`${OP_NAMES[req.opcode] ?? req.opcode} node=${req.nodeid} uid=${req.uid} -> ${errnoName(-err)}`);
    if (this.stale.length > 0) this.flushInvalidations();
    this.reply(req, err);
  }

  private reply(req: Request, err: number): void {
    this.send(req.unique, err, OUT_HEADER_SIZE);
  }

  private send(unique: bigint, err: number, len: number): void {
    const w = this.outWords;
    w.u32[0] = len;
    w.u32[1] = err;
    w.u64[1] = unique;
    try {
      writeReply(this.fd, this.out, len);
    } catch (e) {
      // ENOENT: the request was interrupted and the kernel no longer waits for it.
      if (errnoOf(e) !== E.ENOENT) throw e;
    }
  }

  private init(req: Request): void {
    const major = req.u32(0);
    const minor = req.u32(4);
    const maxReadahead = req.u32(8);
    const flags = req.u32(12);
    const flags2 = minor >= 36 && (flags & FUSE_INIT_EXT) !== 0 ? req.u32(16) : 0;
    if (major !== FUSE_KERNEL_VERSION || minor < 26) {
      this.opts.log(`unsupported FUSE protocol ${major}.${minor} (need 7.26 or later)`);
      this.reply(req, -E.EPROTO);
      return;
    }
    const useMinor = Math.min(minor, FUSE_MAX_MINOR);
    const want = FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | FUSE_AUTO_INVAL_DATA | FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES | FUSE_INIT_EXT;
    const outFlags = flags & want;
    const mode = this.opts.passthrough ?? 'off';
    const passthrough = mode !== 'off' && useMinor >= 40 && (flags2 & FUSE2_PASSTHROUGH) !== 0;
    if (mode === 'on' && !passthrough) {
      this.opts.log(`passthrough=on: the kernel (FUSE ${major}.${minor}) does not offer FUSE_PASSTHROUGH`);
      this.reply(req, -E.EPROTO);
      return;
    }
    const outFlags2 = (useMinor >= 39 ? flags2 & FUSE2_DIRECT_IO_ALLOW_MMAP : 0) | (passthrough ? FUSE2_PASSTHROUGH : 0);
    const b = Buffer.alloc(64);
    b.writeUInt32LE(FUSE_KERNEL_VERSION, 0);
    b.writeUInt32LE(useMinor, 4);
    b.writeUInt32LE(maxReadahead, 8);
    b.writeUInt32LE(outFlags >>> 0, 12);
    b.writeUInt16LE(16, 16); // max_background
    b.writeUInt16LE(12, 18); // congestion_threshold
    const maxPages = this.splicer.maxPages(MAX_PAGES);
    b.writeUInt32LE(maxPages * 4096, 20); // max_write
    b.writeUInt32LE(1, 24); // time_gran: nanoseconds
    b.writeUInt16LE((flags & FUSE_MAX_PAGES) !== 0 ? maxPages : 0, 28);
    b.writeUInt32LE(outFlags2, 32);
    b.writeUInt32LE(passthrough ? 1 : 0, 36); // max_stack_depth: layers on a filesystem that stacks on none
    b.copy(this.out, OUT_HEADER_SIZE);
    this.send(req.unique, 0, OUT_HEADER_SIZE + 64);
    this.initialized = true;
    const backing: Backing = { open: (fd) => backingOpen(this.fd, fd), close: (id) => backingClose(this.fd, id) };
    const info: InitInfo = {
      minor: useMinor,
      directIoAllowMmap: (outFlags2 & FUSE2_DIRECT_IO_ALLOW_MMAP) !== 0,
      passthrough: passthrough ? backing : null,
      invalidateAttrs: (nodeid) => this.invalidateAttrs(nodeid),
      invalidateListing: (nodeid) => this.invalidateListing(nodeid),
    };
    this.filesystem.init?.(info);
    this.opts.onInit(info);
  }
}
