// The case root, and every request path resolved inside it as if the case ran
// in a chroot of it: openat2(2) with RESOLVE_IN_ROOT from an fd on the root,
// so neither "..", nor an absolute or relative symlink, nor a symlinked
// directory reaches outside. Nothing here ever hands the kernel a path that it
// resolves from the host's "/" or cwd, except /proc/self/fd/N of an fd that is
// already inside (see fdPath).
//
// Ops that act on the last component itself (lstat, unlink, mkdir, rename...)
// get its parent directory resolved in the root plus the name, for the *at
// syscall; ops that follow a final symlink get the object, resolved in the root.

import path from 'node:path';
import { Refused, SysError } from './errors.ts';
import {
  AT_EMPTY_PATH, AT_FDCWD, O_CLOEXEC, O_FLAGS, O_PATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, fstatat, openat2, raw,
} from './libc.ts';

const IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
/** openat2 answers EAGAIN when a concurrent rename could have let ".." escape: worth asking again. */
const EAGAIN_TRIES = 16;

/**
 * An object as a directory fd and a name in it. The name is '' for the fd's
 * own object, and otherwise never "." or ".." and has no slash, except for
 * `entry`, whose name is the request's last component as written.
 */
export class At {
  constructor(
    readonly dirfd: number,
    readonly name: string,
    private readonly owned: boolean,
  ) {}

  close(): void {
    if (this.owned) raw.close(this.dirfd);
  }
}

/** Runs f on an At, closing it afterwards. */
export function on<T>(at: At, f: (at: At) => T): T {
  try {
    return f(at);
  } finally {
    at.close();
  }
}

/**
 * A path the kernel resolves to the object an fd stands for, whoever the
 * caller is: the magic link /proc/self/fd/N. Reaching it needs no ptrace
 * rights over ourselves even once a uid switch has made the process
 * undumpable: /proc/<pid>/fd and its links let the owning thread group in
 * (proc_fd_permission, ptrace_may_access), so no prctl(PR_SET_DUMPABLE) is needed.
 */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

function resolveIn(rootFd: number, rel: string, flags: number, mode: number, resolve = IN_ROOT): number {
  for (let tries = 1; ; tries++) {
    try {
      return openat2(rootFd, rel, flags | O_CLOEXEC, mode, resolve);
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
      if (e.errno === 'ENOSYS') throw new Refused('openat2(2) is missing (Linux 5.6 or later needed): paths cannot be confined');
      if (e.errno !== 'EAGAIN' || tries === EAGAIN_TRIES) throw e;
    }
  }
}

/**
 * "/a/b" and "a/b" name the same object; "" is the root ("." for openat2).
 * A path that climbs above the root by its text alone is refused: the
 * request is wrong, whatever the kernel would make of it.
 */
function relative(rel: string): string {
  if (rel.includes('\0')) throw new Refused(`path contains a NUL byte: ${JSON.stringify(rel)}`);
  const stripped = rel.replace(/^\/+/, '');
  if (stripped === '') return '.';
  const norm = path.posix.normalize(stripped);
  if (norm === '..' || norm.startsWith('../')) throw new Refused(`path escapes root: ${rel}`);
  return stripped;
}

/** A relative path's directory part ('' for the root, else ending in "/") and its last component as written. */
function split(p: string): { parent: string; name: string } {
  const last = p.replace(/\/+$/, '').lastIndexOf('/');
  return { parent: p.slice(0, last + 1), name: p.slice(last + 1) };
}

/** The last component is the object itself only when it is a plain name without a trailing slash. */
function isPlain(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.endsWith('/');
}

export class CaseRoot {
  private fd: number | null;
  /** Whether an fd on the root is kept between ops; see release(). */
  private keep = true;

  /** `dir`: absolute, already checked to lie in the workspace. */
  constructor(readonly dir: string) {
    this.fd = CaseRoot.openRoot(dir);
    // Looked at, as the executor always has: once its ctime has been read, a
    // directory's later changes get fine-grained timestamps (multigrain
    // timestamps, Linux 6.13), and the transcripts' ctime relations were
    // recorded so. Without it, an object made within the same clock tick can
    // carry the very ctime of one made before it.
    fstatat(this.fd, '', AT_EMPTY_PATH);
  }

  private static openRoot(dir: string): number {
    return resolveIn(AT_FDCWD, dir, O_PATH | O_FLAGS.O_DIRECTORY, 0, 0);
  }

  private rootFd(): number {
    if (this.fd === null) this.fd = CaseRoot.openRoot(this.dir);
    return this.fd;
  }

  /**
   * Stops keeping an fd on the root: it would hold the mount under it busy,
   * and a mount made on top of the root would not be seen through it. Until
   * the next `root`, each op opens the root afresh (see afterOp).
   */
  release(): void {
    this.keep = false;
    this.closeFd();
  }

  /** Called after every op. */
  afterOp(): void {
    if (!this.keep) this.closeFd();
  }

  close(): void {
    this.closeFd();
  }

  private closeFd(): void {
    if (this.fd !== null) raw.close(this.fd);
    this.fd = null;
  }

  /** open(2) of a root-relative path, with the request's flags and mode. */
  open(rel: string, flags: number, mode: number): number {
    return resolveIn(this.rootFd(), relative(rel), flags, mode);
  }

  /** The object a path names, following a final symlink unless `nofollow`, as an O_PATH fd. */
  object(rel: string, nofollow = false): At {
    const flags = O_PATH | (nofollow ? O_FLAGS.O_NOFOLLOW : 0);
    return new At(resolveIn(this.rootFd(), relative(rel), flags, 0), '', true);
  }

  /**
   * The directory holding a path's last component, and that component as
   * written (".", ".." or with a trailing slash included): for the *at calls
   * that never follow or look up such a name (mkdir, unlink, rename...).
   */
  entry(rel: string): At {
    const { parent, name } = split(relative(rel));
    if (parent === '') return new At(this.rootFd(), name, false);
    return new At(resolveIn(this.rootFd(), parent, O_PATH | O_FLAGS.O_DIRECTORY, 0), name, true);
  }

  /**
   * The object a path names, not following a final symlink: its directory and
   * name when the last component is a plain name; otherwise (".", "..", a
   * trailing slash, which make the kernel resolve it as a directory) the object itself.
   */
  self(rel: string): At {
    return isPlain(split(relative(rel)).name) ? this.entry(rel) : this.object(rel);
  }
}
