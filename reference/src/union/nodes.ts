// FUSE node ids. The union is path based (which layer holds a name depends
// on the path), so a node is one name in the tree: parent node + name, like
// libfuse's high-level API. The kernel's lookup count decides its lifetime.
import { E, FsError } from '../sys/errno.ts';
import { FUSE_ROOT_ID } from '../fuse/protocol.ts';

/** Where the object visible at a name lives. Kept up to date by the operations (union/changes.ts). */
export interface Resolution {
  /** S_IFMT bits of the visible object. */
  type: number;
  /** The object (for a directory: a directory) exists in upper. */
  upper: boolean;
  /**
   * Lower layer indexes, top down. Directory: the lower directories merged
   * into it (cut after an opaque one; empty if the upper one is opaque).
   * Non-directory: the layer holding it ([] once only upper matters).
   */
  lowers: number[];
}

export interface Node {
  readonly id: number;
  parent: Node | null;
  name: string;
  nlookup: number;
  /** Unlinked or replaced while the kernel still knew it. */
  orphan: boolean;
  /** An O_TMPFILE file: made without a name (an orphan from the start), which linkat() may give it. */
  tmpfile?: true;
  res: Resolution;
  /** Open file handles on this node (used to answer fstat after unlink). */
  handles: Set<number>;
  /** Cached merged listing for the st_nlink of merged directories. */
  listing: { stamp: number; dirs: number } | null;
  /** The passthrough backing file its open handles share (union/backing.ts). */
  backing: NodeBacking | null;
}

/**
 * A registered backing file: every passthrough open of one kernel inode must
 * name the same one. changeStamp: its ctime and size as the kernel last
 * learnt them from the server.
 */
export interface NodeBacking { id: number; users: number; changeStamp: string }

export class Nodes {
  readonly root: Node;
  private readonly byId = new Map<number, Node>();
  /** Parent id → name → node: one map per directory, keyed by the name as the request decoded it (no key to build). */
  private readonly children = new Map<number, Map<string, Node>>();
  private nextId = FUSE_ROOT_ID + 1;

  /** onDrop: the node lost its name or was freed (its cached directory fds go). */
  constructor(rootRes: Resolution, private readonly onDrop: (n: Node) => void) {
    this.root = { id: FUSE_ROOT_ID, parent: null, name: '', nlookup: 1, orphan: false, res: rootRes, handles: new Set(), listing: null, backing: null };
    this.byId.set(FUSE_ROOT_ID, this.root);
  }

  get(id: number): Node {
    const n = this.byId.get(id);
    if (n === undefined) throw new FsError(E.ESTALE, `node ${id}`);
    return n;
  }

  child(parent: Node, name: string): Node | undefined {
    return this.children.get(parent.id)?.get(name);
  }

  /** The names known in a directory (a map made for it if none is). */
  private namesIn(parent: Node): Map<string, Node> {
    let names = this.children.get(parent.id);
    if (names === undefined) {
      names = new Map();
      this.children.set(parent.id, names);
    }
    return names;
  }

  private setChild(parent: Node, name: string, n: Node): void {
    this.namesIn(parent).set(name, n);
  }

  /** Drops parent/name; only if it names n, where n is given. */
  private deleteChild(parent: Node, name: string, n?: Node): void {
    const names = this.children.get(parent.id);
    if (names === undefined || (n !== undefined && names.get(name) !== n)) return;
    names.delete(name);
    if (names.size === 0) this.children.delete(parent.id);
  }

  /** The node for parent/name, created (with res) if the kernel does not know it yet. */
  bind(parent: Node, name: string, res: Resolution): Node {
    const names = this.namesIn(parent);
    let n = names.get(name);
    if (n !== undefined) {
      n.res = res;
      return n;
    }
    n = { id: this.nextId++, parent, name, nlookup: 0, orphan: false, res, handles: new Set(), listing: null, backing: null };
    names.set(name, n);
    this.byId.set(n.id, n);
    return n;
  }

  /** A node for an O_TMPFILE file: known by its id alone. */
  unnamed(res: Resolution): Node {
    const n: Node = { id: this.nextId++, parent: null, name: '', nlookup: 0, orphan: true, tmpfile: true, res, handles: new Set(), listing: null, backing: null };
    this.byId.set(n.id, n);
    return n;
  }

  /** The name is gone (unlink, rmdir, replaced by rename); the kernel may still hold the node. */
  detach(n: Node): void {
    if (n.parent !== null) this.deleteChild(n.parent, n.name, n);
    n.orphan = true;
    n.parent = null;
    this.onDrop(n);
    if (n.nlookup <= 0 && n.handles.size === 0) this.byId.delete(n.id);
  }

  /** rename(): n now lives at newParent/newName; a node already there is detached. */
  move(n: Node, newParent: Node, newName: string): void {
    const target = this.child(newParent, newName);
    if (target !== undefined && target !== n) this.detach(target);
    if (n.parent !== null) this.deleteChild(n.parent, n.name);
    n.parent = newParent;
    n.name = newName;
    this.setChild(newParent, newName, n);
  }

  /** renameat2(RENAME_EXCHANGE) of two known names. */
  swap(a: Node, b: Node): void {
    const ap = a.parent!, an = a.name, bp = b.parent!, bn = b.name;
    a.parent = bp; a.name = bn;
    b.parent = ap; b.name = an;
    this.setChild(bp, bn, a);
    this.setChild(ap, an, b);
  }

  forget(id: number, count: number): void {
    const n = this.byId.get(id);
    if (n === undefined || n === this.root) return;
    n.nlookup -= count;
    if (n.nlookup > 0) return;
    n.nlookup = 0;
    if (n.handles.size > 0) return;
    this.byId.delete(id);
    this.onDrop(n);
    if (n.parent !== null) this.deleteChild(n.parent, n.name, n);
  }

  /** Called when the last handle of a node closes. */
  released(n: Node): void {
    if (n.nlookup <= 0 && n.handles.size === 0 && n !== this.root) {
      this.byId.delete(n.id);
      this.onDrop(n);
      if (n.parent !== null) this.deleteChild(n.parent, n.name, n);
    }
  }

  get size(): number {
    return this.byId.size;
  }
}
