// The mounts of one `unionref --serve` process. Each is a UnionMount with its
// own server thread and /dev/fuse fd, exactly as the command line makes it.
// This (main) thread only checks, mounts and unmounts: it never touches a
// mount, refuses paths inside its own mounts (whose threads could be stuck),
// and unmounts off-thread, so a stuck server thread holds up no other request.
import * as path from 'node:path';
import type { Config } from '../cli/config.ts';
import { emptyOptions, parseOptionString, toConfig } from '../cli/options.ts';
import { errnoName, errnoOf, FsError } from '../sys/errno.ts';
import { MNT_DETACH } from '../sys/libc.ts';
import { findMount } from '../sys/mountinfo.ts';
import { FSTYPE, UnionMount } from '../mount.ts';

/** How long a server thread gets to end after its unmount before its connection is aborted. */
const END_GRACE_MS = 2000;

interface Entry {
  um: UnionMount;
  /** Set while an unmount request is being carried out. */
  unmounting?: Promise<void>;
}

/** Resolves true if p settles within ms, false otherwise. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([p.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}

export class MountTable {
  /** By mount point as requested (made absolute). */
  private readonly entries = new Map<string, Entry>();
  private closing = false;

  /** cwd: what relative paths in requests are relative to (mounting moves the process to /). */
  constructor(private readonly cwd: string) {}

  /** Resolves once mounted and the server thread has answered FUSE INIT. */
  async mount(options: string, mnt: string): Promise<void> {
    if (this.closing) throw new Error('the server is shutting down');
    const key = path.resolve(this.cwd, mnt);
    const cfg = this.absolute(toConfig(parseOptionString(options, emptyOptions()), key, {}));
    this.refuseInsideOwn(cfg);
    return new Promise((resolve, reject) => {
      const um: UnionMount = UnionMount.start(cfg, {
        ready: resolve,
        failed: (msg) => {
          reject(new Error(msg));
          void um.unmount(MNT_DETACH).catch(() => {}); // a mount whose connection ended before INIT
        },
        crashed: (err) => {
          process.stderr.write(`unionref: server thread of ${key} failed: ${err.stack ?? String(err)}\n`);
          reject(new Error(`server failed: ${err.message}`));
          void um.unmount(MNT_DETACH).catch(() => {});
        },
        ended: () => {
          // Still listed means aborted but not unmounted: kept until an unmount request.
          if (this.entries.get(key)?.um === um && !um.isListed()) this.entries.delete(key);
        },
      }, { lockWaitMs: 0 }); // never block the other requests: unmount requests end only after the locks are let go
      this.entries.set(key, { um });
    });
  }

  /**
   * Resolves once unmounted and the mount's server thread has ended. A busy
   * mount is an error (and stays mounted). Nothing of ours at mnt: done.
   */
  unmount(mnt: string): Promise<void> {
    const key = path.resolve(this.cwd, mnt);
    const e = this.entries.get(key);
    if (e === undefined) {
      if (findMount(key)?.fstype === FSTYPE) return Promise.reject(new Error(`"${key}" is not mounted by this server`));
      return Promise.resolve();
    }
    e.unmounting ??= this.unmountEntry(key, e).finally(() => (e.unmounting = undefined));
    return e.unmounting;
  }

  /** Unmounts everything, detaching busy mounts; aborts connections whose thread does not end. Bounded in time. */
  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.entries.values()].map(async ({ um }) => {
      um.cancel();
      const gone = um.unmount(0).catch(() => um.unmount(MNT_DETACH)).catch(() => {});
      await within(gone, END_GRACE_MS);
      if (!(await within(um.ended, END_GRACE_MS))) {
        um.abort();
        await within(um.ended, 1000);
      }
    }));
  }

  private async unmountEntry(key: string, e: Entry): Promise<void> {
    const um = e.um;
    um.cancel(); // not mounted yet: never mount
    try {
      await um.unmount(0);
    } catch (err) {
      if (err instanceof FsError) throw new Error(`umount ${key}: ${errnoName(errnoOf(err))}`);
      throw err;
    }
    if (!(await within(um.ended, END_GRACE_MS))) {
      // A copy of the mount in another mount namespace keeps the connection open.
      um.abort();
      if (!(await within(um.ended, END_GRACE_MS))) {
        throw new Error(`umount ${key}: unmounted, but its server thread does not end (stuck in a system call?)`);
      }
    }
    if (this.entries.get(key) === e) this.entries.delete(key);
  }

  private absolute(cfg: Config): Config {
    const abs = (p: string): string => path.resolve(this.cwd, p);
    return {
      ...cfg,
      lowerdirs: cfg.lowerdirs.map(abs),
      upperdir: cfg.upperdir === null ? null : abs(cfg.upperdir),
      workdir: cfg.workdir === null ? null : abs(cfg.workdir),
    };
  }

  /**
   * Checking a path inside one of our own mounts would touch it from this
   * process, and a stuck server thread would stall every request: refused
   * (by name, before any system call). Stacked unions need separate processes.
   */
  private refuseInsideOwn(cfg: Config): void {
    const named: Array<[string, string]> = [
      ['mount point', cfg.mountpoint],
      ...cfg.lowerdirs.map((d, i): [string, string] => [cfg.lowerdirs.length > 1 ? `lowerdir #${i + 1}` : 'lowerdir', d]),
      ...(cfg.upperdir === null ? [] : [['upperdir', cfg.upperdir] as [string, string]]),
      ...(cfg.workdir === null ? [] : [['workdir', cfg.workdir] as [string, string]]),
    ];
    for (const [key, { um }] of this.entries) {
      if (um.hasEnded && !um.isListed()) continue;
      for (const [what, p] of named) {
        for (const own of new Set([key, um.mnt])) {
          if (p === own || p.startsWith(own === '/' ? '/' : `${own}/`)) {
            throw new Error(`${what} "${p}" is ${p === own ? 'already' : 'inside'} a mount of this server ("${own}")`);
          }
        }
      }
    }
  }
}
