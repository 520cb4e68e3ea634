// Memory mappings of files, named like fds. Their bytes are never touched by
// this process directly: a page past the end of the file (the file shrank,
// or a union swapped the object under the mapping) would raise SIGBUS and
// kill the executor. They are copied through a pipe instead, where the
// kernel turns such a fault into EFAULT.

import type { Bytes } from '../protocol.ts';
import { Refused, SysError } from './errors.ts';
import type { Mapping } from './handles.ts';
import { MAPS, O_CLOEXEC, O_FLAGS, PROT_READ, PROT_WRITE, memory, mmapFile, pageSize, raw, sys, type Ptr } from './libc.ts';

/** The most a mapping read or store moves: what a pipe holds without blocking. */
const MAX_COPY = 65536;

export function mapFile(fd: number, len: number, prot: number, kind: number): Mapping {
  const page = pageSize();
  const pages = Math.max(1, Math.ceil(len / page)) * page;
  return { ptr: mmapFile(fd, pages, prot, kind), len: pages };
}

function within(m: Mapping, off: number, len: number): Ptr {
  if (len > MAX_COPY) throw new Refused(`a mapping is read or written at most ${MAX_COPY} bytes at a time`);
  if (off + len > m.len) throw new Refused(`bytes ${off}..${off + len} lie outside a ${m.len}-byte mapping`);
  return m.ptr + BigInt(off);
}

/** Runs f with a nonblocking pipe, closing both ends after. */
function withPipe<T>(f: (r: number, w: number) => T): T {
  const fds = Buffer.alloc(8);
  sys('pipe2', () => raw.pipe2(fds, O_FLAGS.O_NONBLOCK | O_CLOEXEC));
  const [r, w] = [fds.readInt32LE(0), fds.readInt32LE(4)];
  try {
    return f(r, w);
  } finally {
    raw.close(r);
    raw.close(w);
  }
}

/** The bytes at `off` of a mapping: EFAULT where the kernel cannot fault the first page in. */
export function readMapping(m: Mapping, off: number, len: number): Bytes {
  const at = within(m, off, len);
  if (len === 0) return { b64: '' };
  return withPipe((r, w) => {
    const n = sys('mmapread', () => raw.writePtr(w, at, len));
    const buf = Buffer.alloc(n);
    sys('mmapread', () => raw.read(r, buf, n));
    return { b64: buf.toString('base64') };
  });
}

/** Stores bytes at `off` of a mapping; answers how many were stored. */
export function storeMapping(m: Mapping, off: number, data: Buffer): number {
  const at = within(m, off, data.length);
  if (data.length === 0) return 0;
  return withPipe((r, w) => {
    sys('mmapstore', () => raw.write(w, data, data.length));
    const n = sys('mmapstore', () => raw.readPtr(r, at, data.length));
    if (n === 0) throw new SysError('EFAULT', 'mmapstore');
    return n;
  });
}

/** A page-aligned buffer of anonymous memory, for O_DIRECT reads; f's answer, the memory unmapped after. */
export function withAligned<T>(len: number, f: (p: Ptr, view: Uint8Array) => T): T {
  const m = mapFile(-1, len, PROT_READ | PROT_WRITE, MAPS.MAP_PRIVATE);
  try {
    return f(m.ptr, memory(m.ptr, m.len));
  } finally {
    raw.munmap(m.ptr, m.len);
  }
}
