// FUSE passthrough: the kernel reads and writes an open upper file itself
// (its backing file). The kernel binds one backing file to an inode while
// passthrough opens of it last, and refuses (EIO) a passthrough open of an
// inode that has page-cached opens, or a plain open of one that has a
// backing file. So:
// - a node's passthrough opens share one registration;
// - lower files back no open of a writable union: a read-only fd opened
//   before a copyup must keep the lower data, while later opens need the
//   upper copy, and they would share one backing file (the kernel reopens
//   it for each passthrough open with the opener's flags, so a write open
//   would open the lower file for writing). A new kernel inode for the name
//   would lose the locks held on the old one, and locks kept by the server
//   (FUSE_POSIX_LOCKS) would lose the kernel's own semantics: the server
//   hears of no OFD unlock at close, and detects no deadlock. Lower files stay
//   server-served (FOPEN_DIRECT_IO, READs spliced);
// - an upper open goes through the server too while the node still has
//   server-served handles (opened before the copyup).
// The kernel refreshes its attributes after a write(2) through passthrough,
// not after writes to a shared mapping: at close the server compares the
// file with what the kernel was told and invalidates the attributes if
// they changed (a copyup invalidates them itself: union/copyup.ts).
import { E, errnoOf } from '../sys/errno.ts';
import { fstat, type Stat } from '../sys/stat.ts';
import type { Backing } from '../fuse/filesystem.ts';
import type { Node } from './nodes.ts';

export class Backings {
  /** off: the kernel refused a registration for a reason no other file escapes (not root). */
  private off = false;

  constructor(private readonly registry: Backing, private readonly invalidateAttrs: (n: Node) => void) {}

  /**
   * The backing id for a new handle of node's upper file (open as fd, whose
   * lstat is st if known), counted until release(); null where the server
   * serves the handle's I/O.
   */
  attach(node: Node, fd: number, st?: Stat): number | null {
    let b = node.backing;
    if (b === null) {
      if (this.off || node.handles.size > 0) return null;
      let id: number;
      try {
        id = this.registry.open(fd);
      } catch (err) {
        if (errnoOf(err) === E.EPERM) this.off = true;
        return null; // ELOOP (the upper layer is on a stacked filesystem), EOPNOTSUPP, ...
      }
      b = node.backing = { id, users: 0, changeStamp: stampOf(st ?? fstat(fd)) };
    }
    b.users++;
    return b.id;
  }

  /** An fd of a handle attach() counted is being closed (FLUSH; fd: the server's fd of the same file). */
  flushed(node: Node, fd: number): void {
    const b = node.backing;
    if (b === null) return;
    const now = stampOf(fstat(fd));
    if (now === b.changeStamp) return;
    b.changeStamp = now;
    this.invalidateAttrs(node);
  }

  /** A handle that attach() counted was released. */
  release(node: Node): void {
    const b = node.backing;
    if (b === null || --b.users > 0) return;
    node.backing = null;
    try {
      this.registry.close(b.id);
    } catch {
      // the connection is gone
    }
  }
}

function stampOf(st: Stat): string {
  return `${st.ctime.sec}.${st.ctime.nsec}:${st.size}`;
}
