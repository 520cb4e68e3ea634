// Open files and directories. A file handle keeps the real fd it was opened
// on: an fd opened on a lower file keeps reading the lower file after the
// name is copied up (the spec's copy-and-rename equivalence).
import { closeFd } from '../sys/at.ts';
import { E, FsError } from '../sys/errno.ts';
import type { Node } from './nodes.ts';

/** backed: the kernel does its I/O through the node's passthrough backing file (union/backing.ts). */
export interface FileHandle { kind: 'file'; fd: number; node: Node; upper: boolean; backed: boolean }

export interface DirEntry { name: Buffer; ino: bigint; type: number }

export interface DirHandle {
  kind: 'dir';
  node: Node;
  /** Snapshot taken at the first READDIR (and again at a rewind): offsets index into it. */
  entries: DirEntry[] | null;
  /** Some entries past offset 0 were returned, so offset 0 again means rewinddir. */
  consumed: boolean;
}

export type Handle = FileHandle | DirHandle;

export class Handles {
  private next = 1;
  private readonly map = new Map<number, Handle>();

  add(h: Handle): number {
    const fh = this.next++;
    this.map.set(fh, h);
    return fh;
  }

  get(fh: number): Handle {
    const h = this.map.get(fh);
    if (h === undefined) throw new FsError(E.EBADF);
    return h;
  }

  file(fh: number): FileHandle {
    const h = this.get(fh);
    if (h.kind !== 'file') throw new FsError(E.EBADF);
    return h;
  }

  dir(fh: number): DirHandle {
    const h = this.get(fh);
    if (h.kind !== 'dir') throw new FsError(E.EBADF);
    return h;
  }

  remove(fh: number): Handle | undefined {
    const h = this.map.get(fh);
    this.map.delete(fh);
    if (h?.kind === 'file') closeFd(h.fd);
    return h;
  }

  closeAll(): void {
    for (const fh of [...this.map.keys()]) this.remove(fh);
  }
}
