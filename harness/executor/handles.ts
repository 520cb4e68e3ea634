// Named file descriptors, directory streams and memory mappings. Requests
// refer to them by the names the caller chose when making them.

import { Refused } from './errors.ts';
import { raw, type Ptr } from './libc.ts';

/** A mapping of a file: its address and length (a whole number of pages). */
export interface Mapping {
  ptr: Ptr;
  len: number;
}

export class Handles {
  private readonly fds = new Map<string, number>();
  private readonly dirs = new Map<string, Ptr>();
  private readonly maps = new Map<string, Mapping>();
  /** Fds without a name, kept open until reset (see locks.ts: closing one would drop the process's POSIX locks). */
  private readonly held: number[] = [];

  fd(name: string): number {
    const fd = this.fds.get(name);
    if (fd === undefined) throw new Refused(`unknown fd ${name}`);
    return fd;
  }

  dir(name: string): Ptr {
    const dir = this.dirs.get(name);
    if (dir === undefined) throw new Refused(`unknown dir ${name}`);
    return dir;
  }

  map(name: string): Mapping {
    const m = this.maps.get(name);
    if (m === undefined) throw new Refused(`unknown map ${name}`);
    return m;
  }

  checkFreeMap(name: string): void {
    if (this.maps.has(name)) throw new Refused(`map ${name} is already mapped`);
  }

  addMap(name: string, m: Mapping): void {
    this.maps.set(name, m);
  }

  dropMap(name: string): Mapping {
    const m = this.map(name);
    this.maps.delete(name);
    return m;
  }

  hold(fd: number): void {
    this.held.push(fd);
  }

  /** Refuses a name already in use, before anything is opened. */
  checkFreeFd(name: string): void {
    if (this.fds.has(name)) throw new Refused(`fd ${name} is already open`);
  }

  checkFreeDir(name: string): void {
    if (this.dirs.has(name)) throw new Refused(`dir ${name} is already open`);
  }

  addFd(name: string, fd: number): void {
    this.fds.set(name, fd);
  }

  addDir(name: string, dir: Ptr): void {
    this.dirs.set(name, dir);
  }

  /** Forgets a name; the caller closes the descriptor (Linux releases it even when close fails). */
  dropFd(name: string): number {
    const fd = this.fd(name);
    this.fds.delete(name);
    return fd;
  }

  dropDir(name: string): Ptr {
    const dir = this.dir(name);
    this.dirs.delete(name);
    return dir;
  }

  closeAll(): void {
    for (const fd of this.fds.values()) raw.close(fd);
    for (const dir of this.dirs.values()) raw.closedir(dir);
    for (const m of this.maps.values()) raw.munmap(m.ptr, m.len);
    for (const fd of this.held.splice(0)) raw.close(fd);
    this.fds.clear();
    this.dirs.clear();
    this.maps.clear();
  }
}
