// MKNOD, MKDIR, SYMLINK, LINK: new names, always in upper.
// link() copies its source up first and links the upper copy; the other
// names of a multiply-linked lower file are not touched (their link count
// stays what the lower layer says, as the spec documents).
import * as fs from 'node:fs';
import { E, FsError } from '../sys/errno.ts';
import { mknod } from '../sys/libc.ts';
import { decodeDev, Op } from '../fuse/protocol.ts';
import type { Session } from '../fuse/session.ts';
import { copyUp } from '../union/copyup.ts';
import { createEntry } from '../union/create.ts';
import { S_IFDIR, S_IFLNK, S_IFMT, type Union } from '../union/union.ts';
import { callerOf, newUpperRes, replyEntry } from './common.ts';

export function registerNameOps(s: Session, u: Union): void {
  s.on(Op.MKNOD, (req) => {
    const parent = u.nodes.get(req.nodeid);
    const mode = req.u32(0);
    const rdev = decodeDev(req.u32(4));
    const [name] = req.str(16);
    const type = mode & S_IFMT;
    if (type === fs.constants.S_IFCHR && rdev === 0n) throw new FsError(E.EPERM); // would read back as a whiteout
    const made = createEntry(u, parent, name, callerOf(req), {
      type, perm: mode & 0o7777, build: (path) => mknod(path, mode, rdev),
    });
    return replyEntry(u, parent, name, newUpperRes(type), made.st);
  });

  s.on(Op.MKDIR, (req) => {
    const parent = u.nodes.get(req.nodeid);
    const mode = req.u32(0);
    const [name] = req.str(8);
    const made = createEntry(u, parent, name, callerOf(req), {
      type: S_IFDIR, perm: mode & 0o7777, build: (path) => fs.mkdirSync(path, { mode: mode & 0o7777 }),
    });
    return replyEntry(u, parent, name, newUpperRes(S_IFDIR), made.st);
  });

  s.on(Op.SYMLINK, (req) => {
    const parent = u.nodes.get(req.nodeid);
    const [name, next] = req.str(0);
    const [target] = req.cbytes(next);
    const made = createEntry(u, parent, name, callerOf(req), {
      type: S_IFLNK, perm: 0o777, build: (path) => fs.symlinkSync(target, path),
    });
    return replyEntry(u, parent, name, newUpperRes(S_IFLNK), made.st);
  });

  s.on(Op.LINK, (req) => {
    const src = u.nodes.get(req.num64(0));
    const parent = u.nodes.get(req.nodeid);
    const [name] = req.str(8);
    if ((src.res.type & S_IFMT) === S_IFDIR) throw new FsError(E.EPERM);
    u.requireWritable();
    if (src.orphan) throw new FsError(E.ENOENT);
    if (u.resolveChild(parent, name) !== null) throw new FsError(E.EEXIST);
    copyUp(u, src);
    const srcUpper = u.upperPath(src);
    const made = createEntry(u, parent, name, callerOf(req), {
      type: src.res.type, perm: 0, keepOwner: true, build: (path) => fs.linkSync(srcUpper, path),
    });
    s.invalidateAttrs(src.id); // its link count changed; the new name is another kernel inode
    return replyEntry(u, parent, name, newUpperRes(src.res.type), made.st);
  });
}
