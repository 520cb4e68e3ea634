// The random program: 1-30 steps from the whole step vocabulary, naming mostly
// what the layer trees have (harness/fuzz/layers.ts), some steps as another user.
import fc from 'fast-check';
import type { Step } from '../../suite/steps.ts';
import type { StepOp } from '../ops/table.ts';
import type { OpenFlag, RenameFlag, TimeSpec, XattrFlag } from '../ops/fields.ts';
import { CHILD, GRANDCHILD, TOP, TOP_NEW } from './layers.ts';

const USER = { uid: 1000, gid: 1000 };

/** Mostly names the trees have; now and then one no tree has. */
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<string>(...TOP) },
  { weight: 4, arbitrary: fc.constantFrom(...CHILD.flatMap((c) => TOP.map((t) => `${t}/${c}`))) },
  { weight: 1, arbitrary: fc.constantFrom(...TOP_NEW, `a/${TOP_NEW[0]}`, `a/x/${GRANDCHILD}`, `b/y/${GRANDCHILD}`) },
);
const fd = fc.constantFrom('f1', 'f2');
const dir = fc.constantFrom('d1', 'd2');
const text = fc.constantFrom('w', 'new data\n', '');
const small = fc.nat(8);
const mode = fc.constantFrom(0o644, 0o600, 0o755, 0o000, 0o4755, 0o1777);
const owner = fc.constantFrom([0, 0], [1000, 1000], [-1, 1000], [1000, -1]);
const time = fc.constantFrom<TimeSpec>({ sec: 1300000000, nsec: 123456789 }, 'UTIME_NOW', 'UTIME_OMIT');
const xname = fc.constantFrom('user.a', 'user.b');
const xflags = fc.constantFrom<XattrFlag[]>([], ['XATTR_CREATE'], ['XATTR_REPLACE']);
const b64 = (t: string) => ({ b64: Buffer.from(t).toString('base64') });

/** Every open is O_NONBLOCK: a fifo with no writer then opens instead of hanging the case. */
const openFlags = fc
  .tuple(fc.constantFrom<OpenFlag>('O_RDONLY', 'O_WRONLY', 'O_RDWR'), fc.subarray<OpenFlag>(['O_APPEND', 'O_TRUNC', 'O_CREAT', 'O_EXCL', 'O_NOFOLLOW', 'O_DIRECTORY']))
  .map(([access, more]): OpenFlag[] => [access, ...more, 'O_NONBLOCK']);

const op = <T extends StepOp>(o: T): StepOp => o;

/** One step of each kind; readdir, telldir and seekdir are left out: their answers follow the directory's order, which no spec fixes. */
const ops: fc.Arbitrary<StepOp>[] = [
  fc.tuple(path, openFlags, fd).map(([p, flags, f]) => op({ op: 'open', path: p, flags, fd: f, ...(flags.includes('O_CREAT') ? { mode: 0o644 } : {}) })),
  fd.map((f) => op({ op: 'close', fd: f })),
  fc.tuple(fd, small).map(([f, len]) => op({ op: 'read', fd: f, len })),
  fc.tuple(fd, small, small).map(([f, len, off]) => op({ op: 'pread', fd: f, len, off })),
  fc.tuple(fd, text).map(([f, t]) => op({ op: 'write', fd: f, data: b64(t) })),
  fc.tuple(fd, text, small).map(([f, t, off]) => op({ op: 'pwrite', fd: f, data: b64(t), off })),
  fc.tuple(fd, small, fc.constantFrom('SEEK_SET', 'SEEK_CUR', 'SEEK_END')).map(([f, off, whence]) => op({ op: 'lseek', fd: f, off, whence })),
  fc.tuple(fd, text).map(([f, t]) => op({ op: 'mmapwrite', fd: f, off: 0, data: b64(t) })),
  path.map((p) => op({ op: 'stat', path: p })),
  path.map((p) => op({ op: 'lstat', path: p })),
  fd.map((f) => op({ op: 'fstat', fd: f })),
  fc.tuple(path, fc.nat(7)).map(([p, m]) => op({ op: 'access', path: p, mode: m })),
  fc.tuple(path, mode).map(([p, m]) => op({ op: 'chmod', path: p, mode: m })),
  fc.tuple(fd, mode).map(([f, m]) => op({ op: 'fchmod', fd: f, mode: m })),
  fc.tuple(path, owner).map(([p, [uid, gid]]) => op({ op: 'chown', path: p, uid: uid!, gid: gid! })),
  fc.tuple(path, owner).map(([p, [uid, gid]]) => op({ op: 'lchown', path: p, uid: uid!, gid: gid! })),
  fc.tuple(fd, owner).map(([f, [uid, gid]]) => op({ op: 'fchown', fd: f, uid: uid!, gid: gid! })),
  fc.tuple(path, time, time, fc.boolean()).map(([p, atime, mtime, nofollow]) => op({ op: 'utimensat', path: p, atime, mtime, ...(nofollow ? { nofollow } : {}) })),
  fc.tuple(fd, time, time).map(([f, atime, mtime]) => op({ op: 'futimens', fd: f, atime, mtime })),
  fc.tuple(path, fc.constantFrom(0, 3, 10)).map(([p, len]) => op({ op: 'truncate', path: p, len })),
  fc.tuple(fd, fc.constantFrom(0, 3, 10)).map(([f, len]) => op({ op: 'ftruncate', fd: f, len })),
  fc.tuple(path, path).map(([from, to]) => op({ op: 'link', from, to })),
  fc.tuple(fc.constantFrom('a', 'x', 'nowhere', '.'), path).map(([target, p]) => op({ op: 'symlink', target, path: p })),
  path.map((p) => op({ op: 'readlink', path: p })),
  fc.tuple(path, path).map(([from, to]) => op({ op: 'rename', from, to })),
  fc.tuple(path, path, fc.constantFrom<RenameFlag>('RENAME_NOREPLACE', 'RENAME_EXCHANGE', 'RENAME_WHITEOUT'))
    .map(([from, to, f]) => op({ op: 'renameat2', from, to, flags: [f] })),
  path.map((p) => op({ op: 'unlink', path: p })),
  path.map((p) => op({ op: 'rmdir', path: p })),
  fc.tuple(path, fc.constantFrom(0o755, 0o700)).map(([p, m]) => op({ op: 'mkdir', path: p, mode: m })),
  path.map((p) => op({ op: 'mknod', path: p, kind: 'fifo', mode: 0o644 })),
  fc.tuple(path, dir).map(([p, d]) => op({ op: 'opendir', path: p, dir: d })),
  dir.map((d) => op({ op: 'readrest', dir: d })),
  dir.map((d) => op({ op: 'rewinddir', dir: d })),
  dir.map((d) => op({ op: 'closedir', dir: d })),
  path.map((p) => op({ op: 'listdir', path: p })),
  fc.tuple(fc.constantFrom('setxattr', 'lsetxattr'), path, xname, text, xflags)
    .map(([o, p, name, t, flags]) => op({ op: o as 'setxattr' | 'lsetxattr', path: p, name, value: b64(t), flags })),
  fc.tuple(fd, xname, text, xflags).map(([f, name, t, flags]) => op({ op: 'fsetxattr', fd: f, name, value: b64(t), flags })),
  fc.tuple(fc.constantFrom('getxattr', 'lgetxattr', 'removexattr', 'lremovexattr'), path, xname)
    .map(([o, p, name]) => op({ op: o as 'getxattr' | 'lgetxattr' | 'removexattr' | 'lremovexattr', path: p, name })),
  fc.tuple(fc.constantFrom('fgetxattr', 'fremovexattr'), fd, xname).map(([o, f, name]) => op({ op: o as 'fgetxattr' | 'fremovexattr', fd: f, name })),
  fc.tuple(fc.constantFrom('listxattr', 'llistxattr'), path).map(([o, p]) => op({ op: o as 'listxattr' | 'llistxattr', path: p })),
  fd.map((f) => op({ op: 'flistxattr', fd: f })),
  fc.constant(op({ op: 'remount' })),
  path.map((p) => op({ op: 'nlink', path: p })),
];

/** remount is the harness's and runs as root; any other step runs as USER now and then. */
const step: fc.Arbitrary<Step> = fc
  .tuple(fc.oneof(...ops), fc.nat(4))
  .map(([o, who]): Step => (who === 4 && o.op !== 'remount' ? { op: o, cred: USER } : { op: o }));

/** A program with no step left looks at the root. */
const LOOK: Step = { op: { op: 'listdir', path: '/' } };

/**
 * Each step is an option that is almost never absent when generated: fast-check shrinks an
 * option to absent first, so shrinking can drop any one step (its array shrinking drops only leading ones).
 */
export const programArb: fc.Arbitrary<Step[]> = fc
  .array(fc.option(step, { freq: 50 }), { minLength: 1, maxLength: 30, size: 'medium' })
  .map((steps) => {
    const kept = steps.filter((st): st is Step => st !== null);
    return kept.length ? kept : [LOOK];
  });
