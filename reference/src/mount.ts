// One union mount: checks, workdir, layer fds, /dev/fuse, the server thread
// (server.ts) and mount(2). Shared by the command line (main.ts, one mount
// per process) and server mode (serve/, many mounts per process). Nothing
// here touches the mount point: unmounting and aborting go by the mount
// table and fusectl.
import * as fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Config } from './cli/config.ts';
import { type Layout, prepareWorkdir, validate } from './cli/validate.ts';
import { closeLayerFds } from './layer-fds.ts';
import { type LockedDir, MountLocks } from './mount-locks.ts';
import { E, errnoName, errnoOf } from './sys/errno.ts';
import { abortConnection } from './sys/fusectl.ts';
import { MNT_DETACH, mount, umount2, umount2Async } from './sys/libc.ts';
import { findMounts } from './sys/mountinfo.ts';
import { type LayerFds, openLayerFds } from './union/layers.ts';
import { Format } from './union/format.ts';
import type { ServerCommand, ServerData, ServerMessage } from './server.ts';
import { ServerThread } from './server-thread.ts';

export const FSTYPE = 'fuse.unionref';

/** A failure after the checks (no /dev/fuse, mount(2) refused): exit status 1, like a ValidationError. */
export class MountFailure extends Error {}

export interface MountHooks {
  /** Mounted, and the server thread has answered FUSE INIT. */
  ready(): void;
  /** Not mounted after all: one line, as the command line prints it after "unionref: ". */
  failed(message: string): void;
  /** The server thread threw; the mount is still in place. */
  crashed(err: Error): void;
  /** The server thread has ended (its fds are closed by then). */
  ended(code: number): void;
}

export interface StartOptions {
  /** How long to wait for an upperdir or workdir another mount holds (a server letting go). */
  lockWaitMs: number;
}

type State = 'loading' | 'mounted' | 'ready' | 'failed' | 'ended';

export class UnionMount {
  /** FUSE connection number (st_dev minor, /sys/fs/fuse/connections/N) once mounted. */
  minor: number | null = null;
  /** Resolves with the server thread's exit code. */
  readonly ended: Promise<number>;
  private state: State = 'loading';
  private cancelled = false;
  /** The layer fds went to the server thread, which closes them the moment its connection ends. */
  private handedOver = false;
  private readonly worker: Worker;

  private constructor(
    private readonly cfg: Config,
    readonly mnt: string,
    private readonly fuseFd: number,
    private readonly layers: LayerFds,
    private readonly locks: MountLocks,
    private readonly hooks: MountHooks,
  ) {
    const data: ServerData = { fuseFd, layers, userxattr: cfg.userxattr, debug: cfg.debug, passthrough: cfg.passthrough, volatile: cfg.volatile };
    const thread = ServerThread.take();
    this.worker = thread.worker;
    void thread.idle.then(() => {
      if (this.cancelled) return;
      this.worker.postMessage({ type: 'serve', data } satisfies ServerCommand);
      this.handedOver = true;
    });
    let exited!: (code: number) => void;
    this.ended = new Promise((r) => (exited = r));
    this.worker.on('message', (m: ServerMessage) => this.onMessage(m));
    this.worker.on('error', (err) => hooks.crashed(err));
    this.worker.on('exit', (code) => {
      const before = this.state;
      this.state = before === 'failed' ? 'failed' : 'ended';
      this.closeFds();
      this.locks.release();
      if (before === 'loading') hooks.failed(this.cancelled ? `mount ${this.mnt}: cancelled` : 'the server thread ended before mounting');
      if (before === 'mounted') hooks.failed('the connection ended before FUSE INIT (mount made; unmounted or aborted from outside?)');
      exited(code);
      hooks.ended(code);
    });
  }

  /**
   * Checks the layers, prepares the workdir and starts the server thread;
   * mount(2) follows once the thread has loaded. Throws ValidationError or
   * MountFailure with nothing left open.
   */
  static start(cfg: Config, hooks: MountHooks, opts: StartOptions): UnionMount {
    const layout = validate(cfg);
    const locks = MountLocks.take(lockedDirs(cfg, layout), layout.mountpoint, opts.lockWaitMs); // before workdir is emptied
    let layers: LayerFds;
    let fuseFd: number;
    try {
      prepareWorkdir(layout, new Format(cfg.userxattr).prefix, cfg.volatile);
      process.umask(0); // modes arrive already masked by the caller's umask
      layers = openLayerFds({ upper: layout.upper, lowers: layout.lowers, work: layout.work }, layout.mountpoint);
      try {
        fuseFd = fs.openSync('/dev/fuse', 'r+');
      } catch (err) {
        closeLayerFds(layers);
        throw new MountFailure(`cannot open /dev/fuse: ${errnoName(errnoOf(err))}`);
      }
    } catch (err) {
      locks.release();
      throw err;
    }
    process.chdir('/'); // hold no directory busy; layers are reached through their fds
    return new UnionMount(cfg, layout.mountpoint, fuseFd, layers, locks, hooks);
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  get hasEnded(): boolean {
    return this.state === 'ended' || this.state === 'failed';
  }

  /** True while the mount table shows this mount at its mount point (under anything stacked on it). */
  isListed(): boolean {
    return this.minor !== null && findMounts(this.mnt).some((m) => m.fstype === FSTYPE && m.devMinor === this.minor);
  }

  /** True when this mount is the topmost one at its mount point, so umount2(mnt) would hit it. */
  isOnTop(): boolean {
    const top = findMounts(this.mnt).at(-1);
    return this.minor !== null && top !== undefined && top.fstype === FSTYPE && top.devMinor === this.minor;
  }

  /**
   * Unmounts now, from this thread: true when the mount went away at once;
   * false when it was busy and is detached instead (served until its last
   * user lets go). For the command line, whose main thread has nothing else to do.
   */
  unmountSync(): boolean {
    if (!this.isOnTop()) return true;
    try {
      umount2(this.mnt, 0);
      return true;
    } catch {
      try {
        umount2(this.mnt, MNT_DETACH);
      } catch {
        // already gone
      }
      return false;
    }
  }

  /**
   * Unmounts without blocking this thread (flags: 0 or MNT_DETACH). Throws
   * FsError (EBUSY: in use). Does nothing when the mount is gone already.
   */
  async unmount(flags: number): Promise<void> {
    if (!this.isOnTop()) {
      if (this.isListed()) throw new MountFailure(`umount ${this.mnt}: another filesystem is mounted over it`);
      return;
    }
    try {
      await umount2Async(this.mnt, flags);
    } catch (err) {
      if (errnoOf(err) !== E.EINVAL) throw err; // EINVAL: unmounted meanwhile
    }
  }

  /** Aborts the FUSE connection: requests fail with ENOTCONN, the server thread's read() with ENODEV. */
  abort(): void {
    if (this.minor !== null) abortConnection(this.minor);
  }

  /**
   * Gives up a mount not made yet: the server thread is ended instead of
   * mounted (told to stop once it holds the layer fds, so that it closes them).
   */
  cancel(): void {
    this.cancelled = true;
    if (this.state === 'loading' && !this.handedOver) void this.worker.terminate();
  }

  private onMessage(m: ServerMessage): void {
    if (m.type === 'loaded') {
      if (this.cancelled) {
        this.worker.postMessage({ type: 'stop' } satisfies ServerCommand);
        return;
      }
      try {
        const uid = process.getuid?.() ?? 0;
        const gid = process.getgid?.() ?? 0;
        mount(this.cfg.source, this.mnt, FSTYPE, this.cfg.mountFlags,
          `fd=${this.fuseFd},rootmode=40000,user_id=${uid},group_id=${gid},allow_other,default_permissions`);
      } catch (err) {
        this.state = 'failed';
        this.hooks.failed(`mount ${this.mnt}: ${errnoName(errnoOf(err))}`);
        this.worker.postMessage({ type: 'stop' } satisfies ServerCommand);
        return;
      }
      this.state = 'mounted';
      this.minor = findMounts(this.mnt).at(-1)?.devMinor ?? null;
      this.worker.postMessage({ type: 'go' } satisfies ServerCommand);
    } else if (m.type === 'init') {
      this.state = 'ready';
      raiseReadahead(this.mnt);
      this.hooks.ready();
    } else if (m.type === 'done') {
      this.locks.release(); // the layers are closed: let another mount (and umount.fuse.unionref) have them
    }
  }

  private closeFds(): void {
    if (!this.handedOver) closeLayerFds(this.layers);
    try {
      fs.closeSync(this.fuseFd);
    } catch {
      // closed already
    }
  }
}

function lockedDirs(cfg: Config, layout: Layout): LockedDir[] {
  if (layout.upper === null || layout.workdir === null) return [];
  return [
    { what: 'upperdir', path: layout.upper, name: cfg.upperdir ?? layout.upper },
    { what: 'workdir', path: layout.workdir, name: cfg.workdir ?? layout.workdir },
  ];
}

/**
 * FUSE gets the default 128 KiB readahead, so buffered reads arrive as
 * 128 KiB requests; 1 MiB (about the largest request, max_pages) makes large
 * sequential reads about three times faster. Best effort.
 */
function raiseReadahead(mnt: string): void {
  const m = findMounts(mnt).at(-1);
  if (m === undefined || m.fstype !== FSTYPE) return;
  try {
    fs.writeFileSync(`/sys/class/bdi/${m.devMajor}:${m.devMinor}/read_ahead_kb`, '1024');
  } catch {
    // not root, or no sysfs: keep the default
  }
}
