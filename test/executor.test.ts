// The executor process, spoken to through ExecutorClient as the harness does.
// Every test has its own workspace under os.tmpdir() and its own executor.

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { patternBytes } from '../harness/fixture-pattern.ts';
import { localExecutor } from '../harness/executor-build.ts';
import {
  ExecutorClient, ExecutorGone, ExecutorTimeout, errnoOf, value, type ExecutorCall,
} from '../harness/executor-client.ts';
import type {
  Bytes, DirEntry, Response, ScanEntry, SnapshotItem, StatValue, Value,
} from '../harness/protocol.ts';

const TIMEOUT = 15_000;
const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Teardown {
  teardown: (fn: () => unknown) => void;
}

interface Session {
  c: ExecutorClient;
  ws: string;
  root: string;
  call: (op: ExecutorCall) => Promise<Response>;
  ok: <T extends Value = Value>(op: ExecutorCall) => Promise<T>;
  /** The errno of a call that must fail with one (the whole Response otherwise, so the test shows it). */
  err: (op: ExecutorCall) => Promise<string>;
  refused: (op: ExecutorCall) => Promise<string>;
}

function workspace(tt: Teardown): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'executor-test-'));
  fs.chmodSync(ws, 0o755); // mkdtemp makes it 0700: other uids could not even reach the root
  tt.teardown(() => fs.rmSync(ws, { recursive: true, force: true }));
  return ws;
}

async function session(tt: Teardown, opts: { setRoot?: boolean } = {}): Promise<Session> {
  const ws = workspace(tt);
  const root = path.join(ws, 'root');
  fs.mkdirSync(root, { mode: 0o755 });
  const c = ExecutorClient.spawnLocal(ws);
  // Registered after the workspace's: runs first, so the executor is gone before the files.
  tt.teardown(() => c.close());
  const call = (op: ExecutorCall): Promise<Response> => c.call(op, TIMEOUT);
  const ok = async <T extends Value = Value>(op: ExecutorCall): Promise<T> => value<T>(await call(op));
  const err = async (op: ExecutorCall): Promise<string> => {
    const r = await call(op);
    return errnoOf(r) ?? JSON.stringify(r);
  };
  const refused = async (op: ExecutorCall): Promise<string> => {
    const r = await call(op);
    return !r.ok && 'refused' in r ? r.refused : `not refused: ${JSON.stringify(r)}`;
  };
  if (opts.setRoot !== false) await ok({ op: 'root', path: root });
  return { c, ws, root, call, ok, err, refused };
}

const b64 = (s: string | Buffer): Bytes => ({ b64: Buffer.from(s).toString('base64') });
const text = (b: Value): string => Buffer.from((b as Bytes).b64, 'base64').toString('utf8');

t.test('errno names', async (t) => {
  const s = await session(t);
  fs.writeFileSync(path.join(s.root, 'file'), 'x');
  fs.mkdirSync(path.join(s.root, 'dir'));
  fs.writeFileSync(path.join(s.root, 'dir', 'inside'), 'y');
  fs.symlinkSync('file', path.join(s.root, 'link'));

  t.equal(await s.err({ op: 'lstat', path: 'missing' }), 'ENOENT');
  t.equal(await s.err({ op: 'mkdir', path: 'dir', mode: 0o755 }), 'EEXIST');
  t.equal(await s.err({ op: 'lstat', path: 'file/x' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'open', path: 'dir', flags: ['O_WRONLY'], fd: 'f' }), 'EISDIR');
  t.equal(await s.err({ op: 'rmdir', path: 'dir' }), 'ENOTEMPTY');
  t.equal(await s.err({ op: 'open', path: 'link', flags: ['O_RDONLY', 'O_NOFOLLOW'], fd: 'f' }), 'ELOOP');
  t.equal(await s.err({ op: 'open', path: 'file', flags: ['O_CREAT', 'O_EXCL', 'O_WRONLY'], mode: 0o644, fd: 'f' }), 'EEXIST');
  t.equal(await s.err({ op: 'open', path: 'file', flags: ['O_RDONLY', 'O_DIRECTORY'], fd: 'f' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'unlink', path: 'dir' }), 'EISDIR');
  t.equal(await s.err({ op: 'rmdir', path: 'file' }), 'ENOTDIR');
  // A failed open leaves the name free.
  t.equal(await s.ok({ op: 'open', path: 'file', flags: ['O_RDONLY'], fd: 'f' }), 'f');
});

t.test('path confinement', async (t) => {
  const s = await session(t);
  const outside = path.join(s.ws, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'secret');
  fs.mkdirSync(path.join(s.root, 'sub'));
  fs.symlinkSync(outside, path.join(s.root, 'out'));
  fs.symlinkSync('../../outside', path.join(s.root, 'sub', 'rel-out'));
  fs.symlinkSync('/etc/passwd', path.join(s.root, 'abs-target'));

  t.match(await s.refused({ op: 'lstat', path: '../outside' }), /^path escapes root: /);
  t.match(await s.refused({ op: 'lstat', path: 'sub/../../outside' }), /^path escapes root: /);
  t.match(await s.refused({ op: 'rename', from: 'sub', to: '../stolen' }), /^path escapes root: /);
  t.match(await s.refused({ op: 'snapshot', paths: ['sub', '../outside'] }), /^path escapes root: /);
  // A symlinked directory pointing outside resolves as in a chroot of the root: to nothing here.
  t.equal(await s.err({ op: 'lstat', path: 'out/secret' }), 'ENOENT');
  t.equal(await s.err({ op: 'open', path: 'out/new', flags: ['O_CREAT', 'O_WRONLY'], mode: 0o644, fd: 'f' }), 'ENOENT');
  t.equal(await s.err({ op: 'unlink', path: 'sub/rel-out/secret' }), 'ENOENT');
  t.equal(await s.err({ op: 'lstat', path: 'sub/rel-out/../x' }), 'ENOENT');
  t.ok(fs.existsSync(path.join(outside, 'secret')), 'nothing happened outside');
  t.notOk(fs.existsSync(path.join(outside, 'new')));

  // The final component is not resolved: the symlinks themselves are fine.
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'out' })).kind, 'symlink');
  t.equal(await s.ok({ op: 'readlink', path: 'out' }), outside);
  t.equal(await s.ok({ op: 'readlink', path: '/abs-target' }), '/etc/passwd');
  // A symlink's target is stored text, not a path of ours.
  t.equal(await s.ok({ op: 'symlink', target: '../../../etc/shadow', path: 'sub/dangling' }), 0);
  t.equal(await s.ok({ op: 'unlink', path: 'out' }), 0);
  t.ok(fs.existsSync(outside), 'unlinking the symlink left its target');

  // "", "/" and "." are the root itself; a leading slash is stripped.
  const rootIno = fs.lstatSync(s.root).ino.toString();
  for (const p of ['', '/', '.']) t.equal((await s.ok<StatValue>({ op: 'lstat', path: p })).ino, rootIno, `"${p}" is the root`);
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: '/sub' })).kind, 'dir');
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'sub/..' })).ino, rootIno);

  // root must lie within the workspace.
  t.match(await s.refused({ op: 'root', path: '/etc' }), /outside workspace/);
  t.match(await s.refused({ op: 'root', path: `${s.ws}/../` }), /outside workspace/);
  t.match(await s.refused({ op: 'root', path: 'relative' }), /must be absolute/);
  fs.symlinkSync('/etc', path.join(s.ws, 'etc-link'));
  t.match(await s.refused({ op: 'root', path: path.join(s.ws, 'etc-link') }), /resolves outside workspace/);
  t.equal(await s.err({ op: 'root', path: path.join(s.ws, 'nonexistent') }), 'ENOENT');
  // Refused root changes nothing: the old root still holds.
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'sub' })).kind, 'dir');
  t.match(await s.refused({ op: 'scan', path: '/etc' }), /outside workspace/);
});

t.test('fill writes the big-fixture pattern at the fd offset, pipelined calls answer in order', async (t) => {
  const s = await session(t);
  const size = (1 << 20) + 4097;
  const answers = await Promise.all([
    s.call({ op: 'open', path: 'big', flags: ['O_CREAT', 'O_WRONLY', 'O_EXCL'], mode: 0o644, fd: 'b' }),
    s.call({ op: 'write', fd: 'b', data: b64('>') }),
    s.call({ op: 'fill', fd: 'b', size }),
    s.call({ op: 'close', fd: 'b' }),
  ]);
  t.same(answers.map((r) => (r.ok ? r.value : r)), ['b', 1, size, 0]);
  const want = Buffer.concat([Buffer.from('>'), patternBytes(size)]);
  t.equal(createHash('sha256').update(fs.readFileSync(path.join(s.root, 'big'))).digest('hex'), createHash('sha256').update(want).digest('hex'));
  t.equal(want[1 + 4096 + 1], 0x41 + ((4097 * 7 + 1) % 26), 'byte 4097 of the pattern');
  t.equal(await s.refused({ op: 'fill', fd: 'b', size: 1 }), 'unknown fd b');
});

t.test('the bundled executor answers as the TypeScript one does, and a stale bundle is rebuilt', async (t) => {
  const ws = workspace(t);
  const stamp = path.join(ROOT_DIR, 'node_modules/.cache/union-conformance/executor.inputs.json');
  const bundle = await localExecutor();
  const saved = JSON.parse(fs.readFileSync(stamp, 'utf8')) as { inputs: string[]; sha: string };
  t.ok(saved.inputs.some((f) => f.endsWith('harness/executor/main.ts')), 'the stamp names the sources');
  const ops: ExecutorCall[] = [
    { op: 'root', path: ws },
    { op: 'mkdir', path: 'd', mode: 0o750 },
    { op: 'lstat', path: 'd/missing' },
    { op: 'listdir', path: '' },
    { op: 'read', fd: 'nope', len: 1 },
  ];
  const answers = async (c: ExecutorClient) => {
    t.teardown(() => c.close());
    const rs = [];
    for (const op of ops) rs.push(await c.call(op, TIMEOUT));
    await c.call({ op: 'rmdir', path: 'd' }, TIMEOUT);
    return JSON.parse(JSON.stringify(rs).replace(/"ino":"\d+"/g, '"ino":"-"')) as unknown; // d is made anew for each

  };
  t.same(await answers(ExecutorClient.spawnLocal(ws, {}, bundle)), await answers(ExecutorClient.spawnLocal(ws)));
  fs.writeFileSync(stamp, JSON.stringify({ ...saved, sha: 'stale' }));
  execFileSync(process.execPath, ['--import', 'tsx', '-e', `await (await import(${JSON.stringify(path.join(ROOT_DIR, 'harness/executor-build.ts'))})).localExecutor()`], { cwd: ROOT_DIR });
  t.equal((JSON.parse(fs.readFileSync(stamp, 'utf8')) as { sha: string }).sha, saved.sha, 'rebuilt and stamped again');
});

t.test('ops before root are refused', async (t) => {
  const s = await session(t, { setRoot: false });
  t.match(await s.refused({ op: 'lstat', path: 'x' }), /before root/);
  t.match(await s.refused({ op: 'mkdir', path: 'x', mode: 0o755 }), /before root/);
  t.match(await s.refused({ op: 'read', fd: 'f', len: 1 }), /before root/);
  t.equal(await s.ok({ op: 'root', path: s.root }), null);
  t.equal(await s.ok({ op: 'mkdir', path: 'x', mode: 0o755 }), 0);
});

t.test('named fds', async (t) => {
  const s = await session(t);
  t.equal(await s.ok({ op: 'open', path: 'f', flags: ['O_CREAT', 'O_RDWR', 'O_TRUNC'], mode: 0o640, fd: 'fd1' }), 'fd1');
  t.equal(await s.ok({ op: 'write', fd: 'fd1', data: b64('hello world') }), 11);
  t.equal(text(await s.ok({ op: 'read', fd: 'fd1', len: 100 })), '', 'at end of file');
  t.equal(await s.ok({ op: 'lseek', fd: 'fd1', off: 0, whence: 'SEEK_SET' }), 0);
  t.equal(text(await s.ok({ op: 'read', fd: 'fd1', len: 5 })), 'hello');
  t.equal(text(await s.ok({ op: 'pread', fd: 'fd1', len: 5, off: 6 })), 'world');
  t.equal(text(await s.ok({ op: 'read', fd: 'fd1', len: 100 })), ' world', 'pread did not move the offset');
  t.equal(await s.ok({ op: 'pwrite', fd: 'fd1', data: b64('W'), off: 6 }), 1);
  t.equal(await s.ok({ op: 'lseek', fd: 'fd1', off: 0, whence: 'SEEK_END' }), 11);
  const st = await s.ok<StatValue>({ op: 'fstat', fd: 'fd1' });
  t.match(st, { kind: 'file', mode: 0o640, size: 11, nlink: 1, uid: 0, gid: 0 });
  t.equal(fs.readFileSync(path.join(s.root, 'f'), 'utf8'), 'hello World');

  t.equal(await s.refused({ op: 'read', fd: 'nope', len: 1 }), 'unknown fd nope');
  t.match(await s.refused({ op: 'open', path: 'f', flags: ['O_RDONLY'], fd: 'fd1' }), /already open/);
  t.equal(await s.ok({ op: 'open', path: 'f', flags: ['O_WRONLY', 'O_APPEND'], fd: 'fd2' }), 'fd2');
  t.equal(await s.ok({ op: 'write', fd: 'fd2', data: b64('!') }), 1);
  t.equal(await s.err({ op: 'read', fd: 'fd2', len: 1 }), 'EBADF');
  t.equal(await s.ok({ op: 'close', fd: 'fd2' }), 0);
  t.equal(await s.refused({ op: 'write', fd: 'fd2', data: b64('x') }), 'unknown fd fd2');
  t.equal(fs.readFileSync(path.join(s.root, 'f'), 'utf8'), 'hello World!');

  t.equal(await s.ok({ op: 'ftruncate', fd: 'fd1', len: 5 }), 0);
  t.equal(await s.ok({ op: 'fchmod', fd: 'fd1', mode: 0o604 }), 0);
  t.equal(await s.ok({ op: 'fchown', fd: 'fd1', uid: 1000, gid: -1 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'f' }), { size: 5, mode: 0o604, uid: 1000, gid: 0 });

  // reset closes everything.
  t.equal(await s.ok({ op: 'opendir', path: '', dir: 'd1' }), 'd1');
  t.equal(await s.ok({ op: 'reset' }), null);
  t.equal(await s.refused({ op: 'fstat', fd: 'fd1' }), 'unknown fd fd1');
  t.equal(await s.refused({ op: 'readdir', dir: 'd1' }), 'unknown dir d1');
  t.equal(await s.ok({ op: 'open', path: 'f', flags: ['O_RDONLY'], fd: 'fd1' }), 'fd1', 'the name is free again');
});

t.test('per-request credentials', async (t) => {
  const s = await session(t);
  const secret = path.join(s.root, 'secret');
  fs.writeFileSync(secret, 'root only');
  fs.chmodSync(secret, 0o600);
  const group = path.join(s.root, 'group');
  fs.writeFileSync(group, 'group readable');
  fs.chownSync(group, 0, 1234);
  fs.chmodSync(group, 0o640);
  const user = { uid: 1000, gid: 1000 };

  t.equal(await s.err({ op: 'open', path: 'secret', flags: ['O_RDONLY'], fd: 'f', cred: user }), 'EACCES');
  t.equal(await s.ok({ op: 'open', path: 'secret', flags: ['O_RDONLY'], fd: 'f' }), 'f', 'next request runs as root again');
  t.equal(await s.err({ op: 'access', path: 'secret', mode: 4, cred: user }), 'EACCES');
  t.equal(await s.ok({ op: 'access', path: 'secret', mode: 4 }), 0);

  t.equal(await s.err({ op: 'open', path: 'group', flags: ['O_RDONLY'], fd: 'g', cred: user }), 'EACCES');
  t.equal(await s.ok({ op: 'open', path: 'group', flags: ['O_RDONLY'], fd: 'g', cred: { ...user, groups: [1234] } }), 'g');

  // Objects created under a cred belong to it.
  fs.chmodSync(s.root, 0o777);
  t.equal(await s.ok({ op: 'mkdir', path: 'mine', mode: 0o700, cred: { uid: 1000, gid: 1001 } }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'mine' }), { uid: 1000, gid: 1001, mode: 0o700 });
  t.equal(await s.err({ op: 'chown', path: 'mine', uid: 0, gid: 0, cred: user }), 'EPERM');
  t.equal(await s.ok({ op: 'chown', path: 'mine', uid: 0, gid: 0 }), 0);

  // A cred whose call fails still restores root.
  t.equal(await s.err({ op: 'lstat', path: 'missing', cred: user }), 'ENOENT');
  t.equal(await s.ok({ op: 'open', path: 'secret', flags: ['O_RDONLY'], fd: 'f2' }), 'f2');
  t.match(await s.refused({ op: 'lstat', path: 'x', cred: { uid: -5, gid: 0 } as unknown as { uid: number; gid: number } }), /cred\.uid/);
});

t.test('ops that act on an object through its fd work under a cred (the process is no longer dumpable then)', async (t) => {
  const s = await session(t);
  const user = { uid: 1000, gid: 1000 };
  fs.mkdirSync(path.join(s.root, 'home'));
  fs.chownSync(path.join(s.root, 'home'), 1000, 1000);
  fs.writeFileSync(path.join(s.root, 'home', 'f'), 'mine');
  fs.chownSync(path.join(s.root, 'home', 'f'), 1000, 1000);
  fs.symlinkSync('f', path.join(s.root, 'home', 'l'));

  t.equal(await s.ok({ op: 'chmod', path: 'home/l', mode: 0o640, cred: user }), 0);
  t.equal(await s.ok({ op: 'truncate', path: 'home/l', len: 2, cred: user }), 0);
  t.equal(await s.ok({ op: 'setxattr', path: 'home/l', name: 'user.a', value: b64('v'), cred: user }), 0);
  t.equal(text(await s.ok({ op: 'getxattr', path: 'home/f', name: 'user.a', cred: user })), 'v');
  t.same(await s.ok({ op: 'llistxattr', path: 'home/f', cred: user }), ['user.a']);
  t.equal(await s.ok({ op: 'utimensat', path: 'home/l', atime: { sec: 5, nsec: 0 }, mtime: { sec: 6, nsec: 0 }, cred: user }), 0);
  t.equal(await s.ok({ op: 'access', path: 'home/l', mode: 6, cred: user }), 0);
  t.equal(await s.ok({ op: 'link', from: 'home/f', to: 'home/g', cred: user }), 0);
  t.match(await s.ok<StatValue>({ op: 'stat', path: 'home/g', cred: user }), { mode: 0o640, size: 2, nlink: 2, mtime: '6000000000' });
  // And permissions are still those of the cred.
  t.equal(await s.err({ op: 'chmod', path: 'home/f', mode: 0o600, cred: { uid: 1001, gid: 1001 } }), 'EPERM');
  t.equal(await s.err({ op: 'truncate', path: 'home/f', len: 0, cred: { uid: 1001, gid: 1001 } }), 'EACCES');
});

t.test('paths resolve as in a chroot of the root: symlinks, "..", trailing slashes', async (t) => {
  const s = await session(t);
  fs.writeFileSync(path.join(s.root, 'file'), 'x');
  fs.mkdirSync(path.join(s.root, 'dir'));
  fs.mkdirSync(path.join(s.root, 'dir', 'sub'));
  fs.symlinkSync('/file', path.join(s.root, 'abs'));
  fs.symlinkSync('../../../../../../../dir', path.join(s.root, 'dir', 'up'));
  fs.symlinkSync('/dir', path.join(s.root, 'dirlink'));
  const ino = (p: string): string => fs.lstatSync(path.join(s.root, p)).ino.toString();

  t.equal((await s.ok<StatValue>({ op: 'stat', path: 'abs' })).ino, ino('file'), 'an absolute symlink starts at the root');
  t.equal((await s.ok<StatValue>({ op: 'stat', path: 'dir/up/sub' })).ino, ino('dir/sub'), '".." stops at the root');
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'dir/up/' })).ino, ino('dir'), 'a trailing slash follows the link, in the root');
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'dir/sub/..' })).ino, ino('dir'));
  t.equal(await s.ok({ op: 'lchown', path: 'dirlink/', uid: 1000, gid: 1000 }), 0);
  t.equal(fs.statSync(path.join(s.root, 'dir')).uid, 1000, 'the directory the link names changed');
  t.equal(fs.lstatSync(path.join(s.root, 'dirlink')).uid, 0, 'not the link');
  t.equal(await s.err({ op: 'readlink', path: 'dirlink/' }), 'EINVAL');
  t.equal(await s.err({ op: 'readlink', path: 'dir/..' }), 'EINVAL');
  t.equal(await s.err({ op: 'readlink', path: 'file/' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'lstat', path: 'file/' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'unlink', path: 'file/' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'rmdir', path: 'dirlink/' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'rmdir', path: 'dir/sub/..' }), 'ENOTEMPTY');
  t.equal(await s.err({ op: 'mkdir', path: 'dir/sub/.', mode: 0o755 }), 'EEXIST');
  t.equal(await s.err({ op: 'lstat', path: `dir/${'n'.repeat(256)}` }), 'ENAMETOOLONG');
  t.equal(await s.err({ op: 'truncate', path: 'missing', len: -1 }), 'EINVAL', 'arguments are checked before the path, as the syscall does');
  t.equal(await s.ok({ op: 'utimensat', path: 'missing', atime: 'UTIME_OMIT', mtime: 'UTIME_OMIT' }), 0);
  t.equal(await s.ok({ op: 'mkdir', path: 'dirlink/made/', mode: 0o700 }), 0);
  t.ok(fs.statSync(path.join(s.root, 'dir', 'made')).isDirectory(), 'made through the link, in the root');
});

t.test('rename and renameat2', async (t) => {
  const s = await session(t);
  const put = (n: string, c: string): void => fs.writeFileSync(path.join(s.root, n), c);
  const get = (n: string): string => fs.readFileSync(path.join(s.root, n), 'utf8');
  put('a', 'A');
  put('b', 'B');
  t.equal(await s.err({ op: 'renameat2', from: 'a', to: 'b', flags: ['RENAME_NOREPLACE'] }), 'EEXIST');
  t.equal(get('b'), 'B');
  t.equal(await s.ok({ op: 'renameat2', from: 'a', to: 'b', flags: ['RENAME_EXCHANGE'] }), 0);
  t.equal(get('a'), 'B');
  t.equal(get('b'), 'A');
  t.equal(await s.err({ op: 'renameat2', from: 'a', to: 'c', flags: ['RENAME_EXCHANGE'] }), 'ENOENT');
  t.equal(await s.err({ op: 'renameat2', from: 'a', to: 'b', flags: ['RENAME_NOREPLACE', 'RENAME_EXCHANGE'] }), 'EINVAL');
  t.equal(await s.ok({ op: 'renameat2', from: 'a', to: 'c', flags: ['RENAME_NOREPLACE'] }), 0);
  t.equal(get('c'), 'B');
  t.equal(await s.ok({ op: 'renameat2', from: 'c', to: 'd', flags: ['RENAME_WHITEOUT'] }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'c' }), { kind: 'chr', rdev: '0:0' }, 'RENAME_WHITEOUT left a whiteout');
  t.equal(await s.ok({ op: 'rename', from: 'd', to: 'b' }), 0);
  t.equal(get('b'), 'B');
  t.equal(await s.err({ op: 'rename', from: 'd', to: 'e' }), 'ENOENT');
});

t.test('readdir, telldir, seekdir, rewinddir', async (t) => {
  const s = await session(t);
  const d = path.join(s.root, 'd');
  fs.mkdirSync(d);
  fs.writeFileSync(path.join(d, 'file'), '');
  fs.mkdirSync(path.join(d, 'sub'));
  fs.symlinkSync('file', path.join(d, 'link'));
  const kinds: Record<string, DirEntry['type']> = { '.': 'dir', '..': 'dir', file: 'file', sub: 'dir', link: 'symlink' };

  t.equal(await s.ok({ op: 'opendir', path: 'd', dir: 'D' }), 'D');
  t.match(await s.refused({ op: 'opendir', path: 'd', dir: 'D' }), /already open/);
  const seen: DirEntry[] = [];
  const positions: Value[] = [];
  for (;;) {
    positions.push(await s.ok({ op: 'telldir', dir: 'D' }));
    const e = await s.ok<DirEntry | null>({ op: 'readdir', dir: 'D' });
    if (e === null) break;
    seen.push(e);
  }
  t.same(seen.map((e) => e.name).sort(), ['.', '..', 'file', 'link', 'sub'], '. and .. come as the kernel gives them');
  for (const e of seen) {
    t.equal(e.type, kinds[e.name], `d_type of ${e.name}`);
    t.equal(e.ino, fs.lstatSync(path.join(d, e.name)).ino.toString(), `d_ino of ${e.name} is lstat's`);
  }
  t.equal(await s.ok({ op: 'readdir', dir: 'D' }), null, 'still at end');
  for (const p of positions) t.ok(typeof p === 'number' || (typeof p === 'string' && /^\d+$/.test(p)), `telldir ${String(p)}`);

  // seekdir back to the position before the third entry reads it again.
  await s.ok({ op: 'seekdir', dir: 'D', pos: positions[2] as number });
  t.same(await s.ok({ op: 'readdir', dir: 'D' }), seen[2]);
  t.same(await s.ok({ op: 'readdir', dir: 'D' }), seen[3]);
  t.equal(await s.ok({ op: 'rewinddir', dir: 'D' }), null);
  t.same(await s.ok({ op: 'readdir', dir: 'D' }), seen[0]);
  t.equal(await s.ok({ op: 'closedir', dir: 'D' }), 0);
  t.equal(await s.refused({ op: 'readdir', dir: 'D' }), 'unknown dir D');
  t.equal(await s.err({ op: 'opendir', path: 'd/file', dir: 'X' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'opendir', path: 'none', dir: 'X' }), 'ENOENT');
});

t.test('listdir', async (t) => {
  const s = await session(t);
  for (const n of ['b', 'a', 'C', 'a-b']) fs.writeFileSync(path.join(s.root, n), '');
  fs.mkdirSync(path.join(s.root, 'a.d'));
  const list = await s.ok<DirEntry[]>({ op: 'listdir', path: '/' });
  t.same(list.map((e) => e.name), ['C', 'a', 'a-b', 'a.d', 'b'], 'no . or .., sorted by name');
  t.same(list.map((e) => e.type), ['file', 'file', 'file', 'dir', 'file']);
  for (const e of list) t.equal(e.ino, fs.lstatSync(path.join(s.root, e.name)).ino.toString());
  t.same(await s.ok({ op: 'listdir', path: 'a.d' }), []);
  t.equal(await s.err({ op: 'listdir', path: 'a' }), 'ENOTDIR');
});

t.test('xattrs', async (t) => {
  const s = await session(t);
  fs.writeFileSync(path.join(s.root, 'f'), 'x');
  fs.symlinkSync('f', path.join(s.root, 'l'));
  t.equal(await s.ok({ op: 'setxattr', path: 'f', name: 'user.b', value: b64('2') }), 0);
  t.equal(await s.ok({ op: 'setxattr', path: 'f', name: 'user.a', value: b64('one'), flags: ['XATTR_CREATE'] }), 0);
  t.equal(text(await s.ok({ op: 'getxattr', path: 'f', name: 'user.a' })), 'one');
  t.equal(await s.err({ op: 'setxattr', path: 'f', name: 'user.a', value: b64('x'), flags: ['XATTR_CREATE'] }), 'EEXIST');
  t.equal(await s.err({ op: 'setxattr', path: 'f', name: 'user.zz', value: b64('x'), flags: ['XATTR_REPLACE'] }), 'ENODATA');
  t.equal(await s.ok({ op: 'setxattr', path: 'f', name: 'user.a', value: b64('uno'), flags: ['XATTR_REPLACE'] }), 0);
  t.same(await s.ok({ op: 'listxattr', path: 'f' }), ['user.a', 'user.b']);
  t.same(await s.ok({ op: 'listxattr', path: 'l' }), ['user.a', 'user.b'], 'listxattr follows the symlink');
  t.same(await s.ok({ op: 'llistxattr', path: 'l' }), [], 'llistxattr does not');
  t.equal(await s.err({ op: 'lsetxattr', path: 'l', name: 'user.x', value: b64('x') }), 'EPERM', 'no user.* on a symlink');
  t.equal(text(await s.ok({ op: 'lgetxattr', path: 'f', name: 'user.b' })), '2');
  t.equal(await s.err({ op: 'getxattr', path: 'f', name: 'user.missing' }), 'ENODATA');
  t.equal(await s.ok({ op: 'removexattr', path: 'f', name: 'user.b' }), 0);
  t.equal(await s.err({ op: 'removexattr', path: 'f', name: 'user.b' }), 'ENODATA');
  t.equal(await s.ok({ op: 'setxattr', path: 'f', name: 'user.empty', value: b64('') }), 0);
  t.same(await s.ok({ op: 'getxattr', path: 'f', name: 'user.empty' }), { b64: '' });

  t.equal(await s.ok({ op: 'open', path: 'f', flags: ['O_RDONLY'], fd: 'fd' }), 'fd');
  t.equal(await s.ok({ op: 'fsetxattr', fd: 'fd', name: 'user.f', value: b64(Buffer.from([0, 1, 255])) }), 0);
  t.same(await s.ok({ op: 'fgetxattr', fd: 'fd', name: 'user.f' }), b64(Buffer.from([0, 1, 255])));
  t.same(await s.ok({ op: 'flistxattr', fd: 'fd' }), ['user.a', 'user.empty', 'user.f']);
  t.equal(await s.ok({ op: 'fremovexattr', fd: 'fd', name: 'user.f' }), 0);
  t.equal(await s.ok({ op: 'lremovexattr', path: 'f', name: 'user.empty' }), 0);
  t.same(await s.ok({ op: 'listxattr', path: 'f' }), ['user.a']);
  t.equal(await s.ok({ op: 'setxattr', path: 'f', name: 'trusted.t', value: b64('T') }), 0);
  t.same(await s.ok({ op: 'listxattr', path: 'f' }), ['trusted.t', 'user.a'], 'root sees trusted.*');
});

t.test('mknod', async (t) => {
  const s = await session(t);
  t.equal(await s.ok({ op: 'mknod', path: 'fifo', kind: 'fifo', mode: 0o640 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'fifo' }), { kind: 'fifo', mode: 0o640, size: 0 });
  t.equal(await s.ok({ op: 'mknod', path: 'wh', kind: 'chr', mode: 0, major: 0, minor: 0 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'wh' }), { kind: 'chr', mode: 0, rdev: '0:0' });
  t.equal(await s.ok({ op: 'mknod', path: 'null', kind: 'chr', mode: 0o666, major: 1, minor: 3 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'null' }), { kind: 'chr', rdev: '1:3' });
  t.equal(await s.ok({ op: 'mknod', path: 'big', kind: 'blk', mode: 0o600, major: 300, minor: 70000 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'big' }), { kind: 'blk', rdev: '300:70000' }, 'makedev with large numbers');
  t.equal(await s.ok({ op: 'mknod', path: 'reg', kind: 'file', mode: 0o4755 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'reg' }), { kind: 'file', mode: 0o4755 }, 'setuid bit kept (umask 0)');
  t.equal(await s.err({ op: 'mknod', path: 'fifo', kind: 'fifo', mode: 0o640 }), 'EEXIST');
  t.same((await s.ok<DirEntry[]>({ op: 'listdir', path: '' })).map((e) => [e.name, e.type]), [
    ['big', 'blk'], ['fifo', 'fifo'], ['null', 'chr'], ['reg', 'file'], ['wh', 'chr'],
  ]);
});

t.test('utimensat and futimens', async (t) => {
  const s = await session(t);
  fs.writeFileSync(path.join(s.root, 'f'), 'x');
  fs.symlinkSync('f', path.join(s.root, 'l'));
  const atime = { sec: 1_000_000_000, nsec: 123_456_789 };
  const mtime = { sec: 1_500_000_000, nsec: 987_654_321 };
  t.equal(await s.ok({ op: 'utimensat', path: 'f', atime, mtime }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'f' }), { atime: '1000000000123456789', mtime: '1500000000987654321' });
  t.equal(await s.ok({ op: 'utimensat', path: 'f', atime: 'UTIME_OMIT', mtime: { sec: 1_600_000_000, nsec: 1 } }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'f' }), { atime: '1000000000123456789', mtime: '1600000000000000001' }, 'UTIME_OMIT kept atime');
  const before = BigInt(Date.now() - 5000) * 1_000_000n;
  t.equal(await s.ok({ op: 'utimensat', path: 'f', atime: 'UTIME_NOW', mtime: 'UTIME_OMIT' }), 0);
  const st = await s.ok<StatValue>({ op: 'lstat', path: 'f' });
  t.ok(BigInt(st.atime) > before, 'UTIME_NOW set atime to now');
  t.equal(st.mtime, '1600000000000000001', 'UTIME_OMIT kept mtime');

  t.equal(await s.ok({ op: 'utimensat', path: 'l', atime, mtime, nofollow: true }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'l' }), { kind: 'symlink', mtime: '1500000000987654321' });
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'f' })).mtime, '1600000000000000001', 'nofollow left the target alone');
  t.equal(await s.ok({ op: 'utimensat', path: 'l', atime: 'UTIME_OMIT', mtime: { sec: 7, nsec: 8 } }), 0);
  t.equal((await s.ok<StatValue>({ op: 'stat', path: 'l' })).mtime, '7000000008', 'without nofollow the target changes');

  await s.ok({ op: 'open', path: 'f', flags: ['O_RDONLY'], fd: 'fd' });
  t.equal(await s.ok({ op: 'futimens', fd: 'fd', atime: { sec: 5, nsec: 6 }, mtime: 'UTIME_OMIT' }), 0);
  t.match(await s.ok<StatValue>({ op: 'fstat', fd: 'fd' }), { atime: '5000000006', mtime: '7000000008' });
  t.equal(await s.err({ op: 'utimensat', path: 'f', atime: { sec: 0, nsec: 2_000_000_000 }, mtime: 'UTIME_OMIT' }), 'EINVAL');
});

t.test('path ops: truncate, chmod, chown, link, symlink, readlink, access', async (t) => {
  const s = await session(t);
  fs.writeFileSync(path.join(s.root, 'f'), 'hello');
  t.equal(await s.ok({ op: 'truncate', path: 'f', len: 2 }), 0);
  t.equal(await s.ok({ op: 'truncate', path: 'f', len: 4 }), 0);
  t.same(fs.readFileSync(path.join(s.root, 'f')), Buffer.from([0x68, 0x65, 0, 0]));
  t.equal(await s.err({ op: 'truncate', path: 'f', len: -1 }), 'EINVAL');
  t.equal(await s.ok({ op: 'chmod', path: 'f', mode: 0o2751 }), 0);
  t.equal(await s.ok({ op: 'chown', path: 'f', uid: 12, gid: 34 }), 0);
  t.match(await s.ok<StatValue>({ op: 'stat', path: 'f' }), { uid: 12, gid: 34 });
  t.equal(await s.ok({ op: 'link', from: 'f', to: 'g' }), 0);
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'g' })).nlink, 2);
  t.equal(await s.ok({ op: 'symlink', target: 'g', path: 'l' }), 0);
  t.equal(await s.ok({ op: 'lchown', path: 'l', uid: 56, gid: 78 }), 0);
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'l' }), { kind: 'symlink', uid: 56, gid: 78, size: 1 });
  t.match(await s.ok<StatValue>({ op: 'stat', path: 'l' }), { kind: 'file', uid: 12, size: 4, nlink: 2 });
  t.equal(await s.ok({ op: 'readlink', path: 'l' }), 'g');
  t.equal(await s.err({ op: 'readlink', path: 'f' }), 'EINVAL');
  t.equal(await s.ok({ op: 'access', path: 'l', mode: 0 }), 0);
  t.equal(await s.err({ op: 'link', from: 'f', to: 'l' }), 'EEXIST');
  t.equal(await s.ok({ op: 'mkdir', path: 'd/', mode: 0o1777 }), 0, 'trailing slash reaches the kernel');
  t.match(await s.ok<StatValue>({ op: 'lstat', path: 'd' }), { kind: 'dir', mode: 0o1777 });
  t.equal(await s.err({ op: 'lstat', path: 'f/' }), 'ENOTDIR');
  t.equal(await s.err({ op: 'rmdir', path: 'd/.' }), 'EINVAL');
  t.equal(await s.ok({ op: 'unlink', path: 'g' }), 0);
  t.equal(await s.ok({ op: 'rmdir', path: 'd' }), 0);
});

t.test('mmapwrite goes through a shared writable mapping', async (t) => {
  const s = await session(t);
  fs.writeFileSync(path.join(s.root, 'f'), 'hello world');
  await s.ok({ op: 'open', path: 'f', flags: ['O_RDWR'], fd: 'fd' });
  t.equal(await s.ok({ op: 'mmapwrite', fd: 'fd', off: 6, data: b64('WORLD') }), 0);
  t.equal(fs.readFileSync(path.join(s.root, 'f'), 'utf8'), 'hello WORLD');
  t.equal(fs.statSync(path.join(s.root, 'f')).size, 11, 'size unchanged');
  t.match(await s.refused({ op: 'mmapwrite', fd: 'fd', off: 8192, data: b64('x') }), /SIGBUS/);
  await s.ok({ op: 'open', path: 'f', flags: ['O_RDONLY'], fd: 'ro' });
  t.equal(await s.err({ op: 'mmapwrite', fd: 'ro', off: 0, data: b64('x') }), 'EACCES', 'no shared writable map of a read-only fd');
  t.equal(await s.ok({ op: 'mmapwrite', fd: 'fd', off: 0, data: b64('H') }), 0, 'the executor survived');
  t.equal(fs.readFileSync(path.join(s.root, 'f'), 'utf8'), 'Hello WORLD');
});

t.test('snapshot', async (t) => {
  const s = await session(t);
  const small = 'small content';
  const big = Buffer.alloc(100, 'z');
  fs.writeFileSync(path.join(s.root, 'small'), small);
  fs.writeFileSync(path.join(s.root, 'big'), big);
  fs.symlinkSync('small', path.join(s.root, 'link'));
  fs.mkdirSync(path.join(s.root, 'dir'));
  await s.ok({ op: 'setxattr', path: 'small', name: 'user.k', value: b64('v') });
  await s.ok({ op: 'mknod', path: 'fifo', kind: 'fifo', mode: 0o600 });
  // An old atime: reading content must not update it.
  await s.ok({ op: 'utimensat', path: 'small', atime: { sec: 1000, nsec: 0 }, mtime: 'UTIME_OMIT' });

  const items = await s.ok<SnapshotItem[]>({ op: 'snapshot', paths: ['small', 'big', 'link', 'dir', 'fifo', 'missing', '/'] });
  t.same(items.map((i) => i.path), ['small', 'big', 'link', 'dir', 'fifo', 'missing', '/']);
  const [sm, bg, ln, dr, ff, ms] = items;
  const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
  t.match(sm?.view, { path: 'small', stat: { kind: 'file', size: small.length, atime: '1000000000000' }, sha256: sha(small), data: b64(small), xattrs: { 'user.k': 'dg==' } });
  t.equal((await s.ok<StatValue>({ op: 'lstat', path: 'small' })).atime, '1000000000000', 'snapshot left atime alone');
  t.equal(bg?.view?.sha256, sha(big));
  t.notOk(bg?.view && 'data' in bg.view, 'no inline data above 64 bytes');
  t.match(ln?.view, { stat: { kind: 'symlink' }, target: 'small', xattrs: {} });
  t.notOk(ln?.view && 'sha256' in ln.view, 'a symlink has no content');
  t.match(dr?.view, { stat: { kind: 'dir' } });
  t.match(ff?.view, { stat: { kind: 'fifo' } });
  t.notOk(ff?.view && 'sha256' in ff.view, 'a fifo is not read');
  t.same(ms, { path: 'missing', errno: 'ENOENT' });

  const exact = Buffer.alloc(64, 'q');
  fs.writeFileSync(path.join(s.root, 'exact'), exact);
  const [ex] = await s.ok<SnapshotItem[]>({ op: 'snapshot', paths: ['exact'] });
  t.same(ex?.view?.data, b64(exact), '64 bytes are inline');
});

t.test('scan of a layer sees every change to a big file, also after reading it before', async (t) => {
  const s = await session(t);
  const layer = path.join(s.ws, 'lower');
  fs.mkdirSync(layer);
  const big = path.join(layer, 'big');
  fs.writeFileSync(big, patternBytes(1 << 20));
  const sha = async () => (await s.ok<ScanEntry[]>({ op: 'scan', path: layer }))[0]!.sha256;
  const want = createHash('sha256').update(patternBytes(1 << 20)).digest('hex');
  t.equal(await sha(), want);
  await new Promise((r) => setTimeout(r, 250)); // long enough for the executor to trust what it read
  t.equal(await sha(), want, 'unchanged');
  const st = fs.statSync(big);
  const fd = fs.openSync(big, 'r+');
  fs.writeSync(fd, 'X', 4096);
  fs.closeSync(fd);
  fs.utimesSync(big, st.atime, st.mtime); // mtime put back: the ctime still moves
  t.not(await sha(), want, 'one byte changed in place, mtime restored');
  await new Promise((r) => setTimeout(r, 250));
  fs.writeFileSync(big, patternBytes(1 << 20));
  t.equal(await sha(), want, 'written back');
});

t.test('scan reads a layer directly, trusted.* included', async (t) => {
  const s = await session(t);
  const layer = path.join(s.ws, 'upper');
  fs.mkdirSync(path.join(layer, 'd', 'e'), { recursive: true });
  fs.writeFileSync(path.join(layer, 'd', 'x'), 'xx');
  fs.writeFileSync(path.join(layer, 'd-file'), 'data');
  fs.symlinkSync('/nowhere', path.join(layer, 'ln'));
  await s.ok({ op: 'root', path: layer });
  await s.ok({ op: 'mknod', path: 'gone', kind: 'chr', mode: 0, major: 0, minor: 0 });
  await s.ok({ op: 'setxattr', path: 'd', name: 'trusted.overlay.opaque', value: b64('y') });
  await s.ok({ op: 'setxattr', path: 'd/x', name: 'user.u', value: b64('1') });

  const entries = await s.ok<ScanEntry[]>({ op: 'scan', path: layer });
  t.same(entries.map((e) => e.path), ['d', 'd-file', 'd/e', 'd/x', 'gone', 'ln'], 'sorted by path, the layer itself left out');
  const by = new Map(entries.map((e) => [e.path, e]));
  t.match(by.get('d'), { stat: { kind: 'dir' }, xattrs: { 'trusted.overlay.opaque': 'eQ==' }, entries: ['e', 'x'] });
  t.same(by.get('d/e')?.entries, []);
  t.match(by.get('d/x'), { stat: { kind: 'file', size: 2 }, data: b64('xx'), xattrs: { 'user.u': 'MQ==' } });
  t.match(by.get('gone'), { stat: { kind: 'chr', rdev: '0:0', mode: 0 } });
  t.match(by.get('ln'), { stat: { kind: 'symlink' }, target: '/nowhere' });
  t.equal(await s.err({ op: 'scan', path: path.join(s.ws, 'none') }), 'ENOENT');
  t.equal(await s.err({ op: 'scan', path: path.join(layer, 'd-file') }), 'ENOTDIR');
});

t.test('bad requests are answered and the executor keeps serving', async (t) => {
  const ws = workspace(t);
  const main = fileURLToPath(new URL('../harness/executor/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main, '--workspace', ws], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const lines = [
    'this is not json',
    '[1,2]',
    '{"op":"lstat","path":"x"}',
    '{"id":"seven","op":"reset"}',
    '{"id":3,"path":"x"}',
    '{"id":4,"op":"frobnicate"}',
    '{"id":5,"op":"lstat"}',
    '{"id":6,"op":"open","path":"f","flags":["O_BOGUS"],"fd":"f"}',
    '{"id":7,"op":"write","fd":"f","data":{"b64":"!!"}}',
    '',
    `{"id":8,"op":"root","path":${JSON.stringify(ws)}}`,
    '{"id":9,"op":"mkdir","path":"made","mode":493}',
    '{"id":10,"op":"lstat","path":"made","cred":{"uid":"root"}}',
  ];
  child.stdin.end(lines.join('\n') + '\n');
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  t.equal(code, 0, 'exited cleanly at end of input');
  t.equal(signal, null);
  const responses = out.trimEnd().split('\n').map((l) => JSON.parse(l) as Response);
  t.same(responses.map((r) => r.id), [-1, -1, -1, -1, 3, 4, 5, 6, 7, 8, 9, 10], 'one answer per non-blank line, in order');
  const reason = (r: Response | undefined): string => (r !== undefined && !r.ok && 'refused' in r ? r.refused : '');
  t.match(reason(responses[0]), /malformed JSON/);
  t.match(reason(responses[1]), /JSON object/);
  t.match(reason(responses[2]), /id/);
  t.match(reason(responses[3]), /id/);
  t.match(reason(responses[4]), /missing op/);
  t.match(reason(responses[5]), /unknown op "frobnicate"/);
  t.match(reason(responses[6]), /lstat: missing field path/);
  t.match(reason(responses[7]), /field flags/);
  t.match(reason(responses[8]), /field data/);
  t.same(responses[9], { id: 8, ok: true, value: null });
  t.same(responses[10], { id: 9, ok: true, value: 0 });
  t.match(reason(responses[11]), /cred\.uid/);
  t.ok(fs.statSync(path.join(ws, 'made')).isDirectory());
});

t.test('client: exit at stdin EOF, timeout, kill, gone', async (t) => {
  const s = await session(t);
  const pid = s.c.pid;
  t.type(pid, 'number');
  await s.ok({ op: 'open', path: 'f', flags: ['O_CREAT', 'O_WRONLY'], mode: 0o600, fd: 'open-at-exit' });
  const started = Date.now();
  await s.c.close(10_000);
  t.ok(Date.now() - started < 5000, 'closed at EOF without needing a kill');
  t.equal(s.c.child.exitCode, 0);
  t.ok(s.c.gone);
  await t.rejects(s.call({ op: 'reset' }), ExecutorGone);

  // A call stuck in the kernel (opening a fifo with no writer) times out; kill() ends it.
  const s2 = await session(t);
  await s2.ok({ op: 'mknod', path: 'fifo', kind: 'fifo', mode: 0o600 });
  const stuck = s2.c.call({ op: 'open', path: 'fifo', flags: ['O_RDONLY'], fd: 'f' }, 300);
  await t.rejects(stuck, ExecutorTimeout);
  const next = s2.c.call({ op: 'reset' }, 60_000);
  await s2.c.kill();
  const gone = await next.then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(gone instanceof ExecutorGone, 'pending call rejected with ExecutorGone');
  t.equal((gone as ExecutorGone).signal, 'SIGKILL');
  t.equal(s2.c.child.signalCode, 'SIGKILL');
  let alive = true;
  try {
    process.kill(s2.c.pid as number, 0);
  } catch {
    alive = false;
  }
  t.notOk(alive, 'process is gone');
  await s2.c.close(); // harmless after kill

  // An executor that cannot start reports why.
  const ws = workspace(t);
  const bad = ExecutorClient.spawnLocal(path.join(ws, 'no-such-workspace'));
  const r = await bad.call({ op: 'reset' }, 30_000).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(r instanceof ExecutorGone);
  t.equal((r as ExecutorGone).code, 2);
  t.match((r as ExecutorGone).message, /does not exist/);
});

t.test('client: the executor does not outlive the process that started it', async (t) => {
  const ws = workspace(t);
  const client = fileURLToPath(new URL('../harness/executor-client.ts', import.meta.url));
  const script = [
    `import { ExecutorClient } from ${JSON.stringify(client)};`,
    `const c = ExecutorClient.spawnLocal(${JSON.stringify(ws)});`,
    `await c.call({ op: 'root', path: ${JSON.stringify(ws)} }, 30000);`,
    `await c.call({ op: 'mknod', path: 'fifo', kind: 'fifo', mode: 0o600 }, 30000);`,
    // Stuck in open(2) of a fifo with no writer: end of input alone would not end it.
    `c.call({ op: 'open', path: 'fifo', flags: ['O_RDONLY'], fd: 'f' }, 60000).catch(() => {});`,
    'await new Promise((r) => setTimeout(r, 300));',
    'process.stdout.write(String(c.pid));',
    'process.exit(0);',
  ].join('\n');
  const parent = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  parent.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => parent.on('close', (c) => resolve(c)));
  t.equal(code, 0);
  const pid = Number(out);
  t.ok(pid > 0, `executor pid ${out}`);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  const survived = alive();
  if (survived) process.kill(pid, 'SIGKILL');
  t.notOk(survived, 'killed when its parent exited');
});

t.test('through kernel overlayfs: looking does not copy up, mmapwrite does', async (t) => {
  const s = await session(t, { setRoot: false });
  const dir = (n: string): string => path.join(s.ws, n);
  for (const n of ['lower', 'upper', 'work', 'mnt']) fs.mkdirSync(dir(n));
  fs.writeFileSync(path.join(dir('lower'), 'f'), 'lower data');
  fs.mkdirSync(path.join(dir('lower'), 'd'));
  const opts = `lowerdir=${dir('lower')},upperdir=${dir('upper')},workdir=${dir('work')}`;
  const mount = spawn('mount', ['-t', 'overlay', 'overlay', '-o', opts, dir('mnt')], { stdio: 'ignore' });
  const mounted = await new Promise<boolean>((resolve) => {
    mount.on('error', () => resolve(false));
    mount.on('close', (code) => resolve(code === 0));
  });
  if (!mounted) {
    t.plan(0, 'cannot mount overlay here');
    return;
  }
  // Teardowns run last-registered first: unmount before the workspace goes.
  t.teardown(() => new Promise<void>((resolve) => spawn('umount', ['-l', dir('mnt')], { stdio: 'ignore' }).on('close', () => resolve())));
  await s.ok({ op: 'root', path: dir('mnt') });
  const items = await s.ok<SnapshotItem[]>({ op: 'snapshot', paths: ['f', 'd'] });
  t.equal(text(items[0]?.view?.data ?? b64('')), 'lower data');
  t.same(await s.ok<DirEntry[]>({ op: 'listdir', path: '' }).then((l) => l.map((e) => e.name)), ['d', 'f']);
  t.same(await s.ok<ScanEntry[]>({ op: 'scan', path: dir('upper') }), [], 'snapshot, listdir and scan copied nothing up');
  await s.ok({ op: 'open', path: 'f', flags: ['O_RDWR'], fd: 'f' });
  await s.ok({ op: 'mmapwrite', fd: 'f', off: 0, data: b64('L') });
  const upper = await s.ok<ScanEntry[]>({ op: 'scan', path: dir('upper') });
  t.same(upper.map((e) => e.path), ['f']);
  t.equal(text(upper[0]?.data ?? b64('')), 'Lower data', 'the write reached the upper copy');
  t.equal(fs.readFileSync(path.join(dir('lower'), 'f'), 'utf8'), 'lower data', 'the lower file is untouched');
  await s.ok({ op: 'reset' });
});
