// One request read from /dev/fuse: the fuse_in_header fields plus readers
// for the operation-specific body that follows it.
import { IN_HEADER_SIZE, type Words } from './protocol.ts';
import { nameOf } from '../sys/names.ts';
import type { FileOffset } from './filesystem.ts';

export class Request {
  readonly opcode: number;
  readonly unique: bigint;
  readonly nodeid: number;
  readonly uid: number;
  readonly gid: number;
  readonly pid: number;
  readonly buf: Buffer;
  readonly end: number;

  /** The request is the first len bytes of input's buffer. */
  constructor(input: Words, len: number) {
    const w = input.u32;
    this.buf = input.buf;
    this.end = len;
    this.opcode = w[1]!;
    this.unique = input.u64[1]!;
    this.nodeid = w[4]! + w[5]! * 0x100000000;
    this.uid = w[6]!;
    this.gid = w[7]!;
    this.pid = w[8]!;
  }

  /** Offsets below are relative to the start of the body. */
  u32(off: number): number { return this.buf.readUInt32LE(IN_HEADER_SIZE + off); }
  u64(off: number): bigint { return this.buf.readBigUInt64LE(IN_HEADER_SIZE + off); }
  /** A u64 as a number (exact below 2^53, rounded as Number(bigint) above), with no bigint made on the way. */
  num64(off: number): number {
    const pos = IN_HEADER_SIZE + off;
    return this.buf.readUInt32LE(pos) + this.buf.readUInt32LE(pos + 4) * 0x100000000;
  }

  /** A u64 file offset or size, exact: a number below 2^53, else a bigint. */
  offset64(off: number): FileOffset {
    const hi = this.buf.readUInt32LE(IN_HEADER_SIZE + off + 4);
    return hi < 0x200000 ? this.num64(off) : this.u64(off);
  }

  /** NUL-terminated name at body offset off (one character per byte: sys/names.ts), and the offset after its NUL. */
  str(off: number): [string, number] {
    const start = IN_HEADER_SIZE + off;
    let nul = this.buf.indexOf(0, start);
    if (nul < 0 || nul > this.end) nul = this.end;
    return [nameOf(this.buf, start, nul), nul + 1 - IN_HEADER_SIZE];
  }

  /** NUL-terminated byte string at body offset off (copied), and the offset after its NUL. */
  cbytes(off: number): [Buffer, number] {
    const start = IN_HEADER_SIZE + off;
    let nul = this.buf.indexOf(0, start);
    if (nul < 0 || nul > this.end) nul = this.end;
    return [Buffer.from(this.buf.subarray(start, nul)), nul + 1 - IN_HEADER_SIZE];
  }

  bytes(off: number, len: number): Buffer {
    const start = IN_HEADER_SIZE + off;
    return this.buf.subarray(start, start + len);
  }
}
