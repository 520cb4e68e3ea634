import type { PassthroughMode } from '../fuse/session.ts';

// What a mount is made of, after option parsing and before validation.
export interface Config {
  /** Lower layer directories, topmost first (leftmost in lowerdir=). */
  lowerdirs: string[];
  upperdir: string | null;
  workdir: string | null;
  mountpoint: string;
  /** First field of /proc/mounts. */
  source: string;
  /** user.overlay.* instead of trusted.overlay.* for whiteout/opaque metadata. */
  userxattr: boolean;
  /** FUSE passthrough of open files' I/O: where the kernel has it (auto), required (on), or never (off). */
  passthrough: PassthroughMode;
  /** As overlayfs's volatile: no fsync of the upper layer (copyups, fsync(2)); workdir/work/incompat/volatile marks it. */
  volatile: boolean;
  /** MS_* flags for mount(2). */
  mountFlags: number;
  foreground: boolean;
  debug: boolean;
  /** Internal: pipe the daemonizing wrapper waits on: "ok" once mounted, then closed. */
  readyFd: number | null;
  /** Internal: where a daemon's stdout/stderr go once detached (default /dev/null). */
  logFile: string | null;
}

export class UsageError extends Error {}
