// The executor ops the field families added (harness/executor: mapping.ts, locks.ts,
// run-file.ts, fsinfo.ts, seek-scan.ts, and openat in ops.ts), on a plain directory:
// what each answers, and that none can kill or hang the executor.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecutorClient, type ExecutorCall } from '../harness/executor-client.ts';
import type { Response } from '../harness/protocol.ts';

const b64 = (s: string) => ({ b64: Buffer.from(s).toString('base64') });
const text = (r: Response) => (r.ok && typeof r.value === 'object' && r.value !== null && 'b64' in r.value ? Buffer.from(r.value.b64, 'base64').toString() : undefined);

t.test('field ops on a plain directory', async (t) => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'field-ops-test-'));
  fs.chmodSync(ws, 0o755);
  const root = path.join(ws, 'root');
  fs.mkdirSync(path.join(root, 'd'), { recursive: true, mode: 0o755 });
  fs.chmodSync(root, 0o755);
  fs.writeFileSync(path.join(root, 'f'), 'hello\n');
  fs.writeFileSync(path.join(root, 'x'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
  fs.writeFileSync(path.join(root, 'slow'), '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
  for (let i = 0; i < 250; i++) fs.writeFileSync(path.join(root, 'd', `e${i}`), '');
  const c = ExecutorClient.spawnLocal(ws);
  t.teardown(async () => {
    await c.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });
  const call = (op: ExecutorCall) => c.call(op, 15_000);
  t.ok((await call({ op: 'root', path: root })).ok);

  await call({ op: 'open', path: 'f', flags: ['O_RDONLY'], fd: 'r' });
  t.match(await call({ op: 'mmap', fd: 'r', map: 'M', len: 4096, prot: ['PROT_READ'], kind: 'MAP_SHARED' }), { ok: true });
  t.equal(text(await call({ op: 'mmapread', map: 'M', off: 0, len: 6 })), 'hello\n');
  t.match(await call({ op: 'mmapstore', map: 'M', off: 0, data: b64('HE') }), { ok: false, errno: 'EFAULT' }, 'a read-only mapping is not stored into');
  await call({ op: 'truncate', path: 'f', len: 0 });
  t.match(await call({ op: 'mmapread', map: 'M', off: 0, len: 6 }), { ok: false, errno: 'EFAULT' }, 'a page past the end of the file is EFAULT, not SIGBUS');
  t.match(await call({ op: 'mmapread', map: 'M', off: 4095, len: 2 }), { ok: false, refused: /outside/ });
  t.match(await call({ op: 'munmap', map: 'M' }), { ok: true, value: 0 });

  await call({ op: 'setlk', fd: 'r', owner: 'posix', type: 'F_RDLCK', start: 0, len: 0 });
  t.match(await call({ op: 'lockprobe', path: 'f', kind: 'record' }), { value: 'locked' });
  t.match(await call({ op: 'lockprobe', path: 'f', kind: 'record' }), { value: 'locked' }, 'a probe does not drop the POSIX lock it found');
  await call({ op: 'setlk', fd: 'r', owner: 'posix', type: 'F_UNLCK', start: 0, len: 0 });
  t.match(await call({ op: 'lockprobe', path: 'f', kind: 'record' }), { value: 'free' });
  await call({ op: 'flock', fd: 'r', how: 'LOCK_EX' });
  t.match(await call({ op: 'lockprobe', path: 'f', kind: 'flock' }), { value: 'locked' });
  await call({ op: 'flock', fd: 'r', how: 'LOCK_UN' });
  t.match(await call({ op: 'lockprobe', path: 'f', kind: 'flock' }), { value: 'free' });

  t.match(await call({ op: 'execfile', path: 'x' }), { ok: true, value: 'exit=0 out="ran\\n"' });
  await call({ op: 'open', path: 'x', flags: ['O_WRONLY'], fd: 'w' });
  t.match(await call({ op: 'execfile', path: 'x' }), { ok: false, errno: 'ETXTBSY' });
  t.match(await call({ op: 'execfile', path: 'slow' }), { ok: true, value: /^killed/ }, 'a program is killed at the time limit');

  t.match(await call({ op: 'statfs', path: 'f' }), { value: /^type=root namelen=\d+ fs=root$/ });
  t.match(await call({ op: 'stdev', path: 'd' }), { value: 'root' });

  await call({ op: 'open', path: 'd', flags: ['O_RDONLY', 'O_DIRECTORY'], fd: 'H' });
  t.match(await call({ op: 'openat', dirfd: 'H', name: '../f', flags: ['O_RDONLY'], fd: 'esc' }), { ok: false, errno: 'EXDEV' }, 'a name cannot climb out of the held directory');
  await call({ op: 'mknod', path: 'd/p', kind: 'fifo', mode: 0o644 });
  t.match(await call({ op: 'openat', dirfd: 'H', name: 'p', flags: ['O_RDONLY'], fd: 'fifo' }), { ok: false, refused: /would block/ });
  t.match(await call({ op: 'openat', dirfd: 'H', name: 'e1', flags: ['O_RDONLY'], fd: 'e1' }), { ok: true });

  await call({ op: 'opendir', path: 'd', dir: 'D' });
  t.match(await call({ op: 'seekscan', dir: 'D', every: 100 }), { value: 'entries=253 names=253 seeks=3 wrong=0' });

  await call({ op: 'open', path: 'd', flags: ['O_TMPFILE', 'O_RDWR'], fd: 'tmp', mode: 0o600 });
  await call({ op: 'write', fd: 'tmp', data: b64('tmp') });
  t.match(await call({ op: 'linkfd', fd: 'tmp', path: 'd/t' }), { ok: true });
  t.equal(fs.readFileSync(path.join(root, 'd/t'), 'utf8'), 'tmp');
  t.match(await call({ op: 'faccessat', path: 'f', mode: 2, flags: ['AT_EACCESS'], cred: { uid: 1000, gid: 1000 } }), { ok: false, errno: 'EACCES' });
  t.match(await call({ op: 'reset' }), { ok: true }, 'reset unmaps, closes and releases what is held');
});

t.test('fchdir, opencwd and statfsupper', async (t) => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'field-ops-test-'));
  const root = path.join(ws, 'root');
  const other = path.join(ws, 'other');
  fs.mkdirSync(path.join(root, 'd'), { recursive: true });
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(root, 'd/f'), 'in d\n');
  fs.writeFileSync(path.join(root, 'f'), 'at root\n');
  const c = ExecutorClient.spawnLocal(ws);
  t.teardown(async () => {
    await c.close();
    spawnSync('umount', [other]);
    fs.rmSync(ws, { recursive: true, force: true });
  });
  const call = (op: ExecutorCall) => c.call(op, 15_000);
  await call({ op: 'root', path: root });
  await call({ op: 'open', path: 'd', flags: ['O_RDONLY', 'O_DIRECTORY'], fd: 'H' });
  t.match(await call({ op: 'fchdir', fd: 'H' }), { ok: true, value: 0 });
  await call({ op: 'close', fd: 'H' });
  await call({ op: 'opencwd', name: 'f', flags: ['O_RDONLY'], fd: 'r' });
  t.equal(text(await call({ op: 'read', fd: 'r', len: 16 })), 'in d\n', 'a relative name is found in the working directory, after its fd was closed');
  t.match(await call({ op: 'opencwd', name: '../f', flags: ['O_RDONLY'], fd: 'esc' }), { ok: false, errno: 'EXDEV' }, 'and cannot climb out of it');
  t.match(await call({ op: 'fchdir', fd: 'r' }), { ok: false, errno: 'ENOTDIR' });
  t.match(await call({ op: 'statfsupper', path: 'f', upper: root }), { ok: true, value: 'bsize=upper blocks=upper bfree=upper bavail=upper files=upper ffree=upper' });
  t.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'field-ops-test', other]).status, 0, 'a tmpfs of 1 MiB');
  t.match(await call({ op: 'statfsupper', path: 'f', upper: other }), { ok: true, value: /blocks=other/ }, 'another filesystem differs');
  t.match(await call({ op: 'statfsupper', path: 'f', upper: '/etc' }), { ok: false, refused: /workspace/ }, 'the upper must lie in the workspace');
  await call({ op: 'reset' });
  t.match(await call({ op: 'root', path: root }), { ok: true });
  t.match(await call({ op: 'opencwd', name: 'f', flags: ['O_RDONLY'], fd: 'r2' }), { ok: false }, 'reset leaves the working directory');
});
