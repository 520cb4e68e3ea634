// FUSE passthrough: the kernel reads and writes an open file's backing file
// itself (the lower file of a read-only open, the upper one otherwise), so
// an fd opened before a copyup keeps the lower data. The kernel binds one
// backing file to an inode while passthrough opens of it last: a node's
// opens share one registration, and an open that needs the other file (the
// upper copy, while a read-only lower open lasts) gets a new node for the
// name and ESTALE, on which the kernel looks the name up again and retries.
import { E, errnoOf, FsError } from '../sys/errno.ts';
import type { Backing } from '../fuse/filesystem.ts';
import type { Node, Nodes } from './nodes.ts';

export class Backings {
  /** off: the kernel refused a registration for a reason no other file will escape (not root). */
  private off = false;

  constructor(private readonly registry: Backing, private readonly nodes: Nodes, private readonly onReplaced: (old: Node) => void) {}

  /**
   * The backing id for a new handle of node opened as fd (on its upper file
   * or not), counted until release(); null where the handle's I/O stays
   * with the server (the filesystem of fd cannot back a FUSE file).
   */
  attach(node: Node, fd: number, upper: boolean): number | null {
    const b = node.backing;
    if (b !== null) {
      if (b.upper !== upper) {
        this.nodes.replace(node);
        this.onReplaced(node);
        throw new FsError(E.ESTALE, 'the inode has another backing file');
      }
      b.users++;
      return b.id;
    }
    if (this.off) return null;
    let id: number;
    try {
      id = this.registry.open(fd);
    } catch (err) {
      if (errnoOf(err) === E.EPERM) this.off = true;
      return null; // ELOOP (a stacked layer), EOPNOTSUPP, ...
    }
    node.backing = { id, upper, users: 1 };
    return id;
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
