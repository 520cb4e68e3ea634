// The reference's union called directly, without /dev/fuse or a mount: a
// UnionFs on temporary layers (user.overlay.* xattrs, so no root needed),
// and helpers that walk paths the way the kernel would, one LOOKUP a name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Ctx, Entry } from '../../reference/src/fuse/filesystem.ts';
import { FUSE_ROOT_ID } from '../../reference/src/fuse/protocol.ts';
import { openLayerFds } from '../../reference/src/union/layers.ts';
import { UnionFs } from '../../reference/src/ops/unionfs.ts';
import type { Layers } from './harness.ts';

export const ctx: Ctx = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, pid: process.pid };

export interface Direct {
  fs: UnionFs;
  /** Node id of a union path ("" = root), looked up name by name. */
  node: (p: string) => number;
  /** Parent node id and last name of a union path. */
  at: (p: string) => [number, string];
  /** Entry of a union path. */
  entry: (p: string) => Entry;
  /** Merged listing of a directory, "." and ".." left out. */
  list: (p: string) => string[];
  close: () => void;
}

/** A union over the layers of makeLayers(), served by nothing: call it directly. */
export function openDirect(l: Layers): Direct {
  const work = path.join(l.work, 'work');
  fs.mkdirSync(work, { recursive: true });
  const fds = openLayerFds({ upper: l.upper, lowers: l.lowers, work }, l.mnt);
  const ufs = new UnionFs({ fds, userxattr: true });
  const entry = (p: string): Entry => {
    let e: Entry | undefined;
    let id = FUSE_ROOT_ID;
    for (const name of p.split('/').filter((n) => n !== '')) {
      e = ufs.lookup(ctx, id, name);
      id = e.nodeid;
    }
    if (e === undefined) throw new Error('entry of the root');
    return e;
  };
  const node = (p: string): number => (p === '' ? FUSE_ROOT_ID : entry(p).nodeid);
  const at = (p: string): [number, string] => [node(path.dirname(p) === '.' ? '' : path.dirname(p)), path.basename(p)];
  const list = (p: string): string[] => {
    const { fh } = ufs.opendir(ctx, node(p));
    const names: string[] = [];
    ufs.readdir(fh, 0, (_ino, _type, name) => {
      names.push(name.toString());
      return true;
    });
    ufs.releasedir(fh);
    return names.filter((n) => n !== '.' && n !== '..').sort();
  };
  const close = (): void => {
    ufs.close();
    for (const fd of [fds.upper, ...fds.lowers, fds.work]) if (fd !== null) fs.closeSync(fd);
  };
  return { fs: ufs, node, at, entry, list, close };
}

/** The errno name a call on the union throws (`ENOENT`), or `no error`. */
export const errnoCode = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};
