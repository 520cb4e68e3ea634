// Named file descriptors and directory streams. Requests refer to them by the
// names the caller chose when opening them.

import { Refused } from './errors.ts';
import { raw, type Ptr } from './libc.ts';

export class Handles {
  private readonly fds = new Map<string, number>();
  private readonly dirs = new Map<string, Ptr>();

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
    this.fds.clear();
    this.dirs.clear();
  }
}
