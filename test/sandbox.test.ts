// The executor resolves every path inside the case root, as in a chroot of it:
// symlinks in a case's layers that point out of it (absolute, climbing, through
// a symlinked directory) reach nothing on the host, whatever the op, as root.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ExecutorClient, type ExecutorCall } from '../harness/executor-client.ts';
import type { Response } from '../harness/protocol.ts';
import { runSuite } from '../harness/run.ts';
import { makeTarget } from '../harness/targets/index.ts';
import { SCRATCH_PREFIX } from '../harness/workspace.ts';
import type { Case } from '../suite/dsl.ts';
import { dir, file, symlink } from '../suite/fixture.ts';
import { s } from '../suite/steps.ts';

const TIMEOUT = 15_000;
const DEEP = '../'.repeat(32);

interface Teardown {
  teardown: (fn: () => unknown) => void;
}

/** A host directory outside every workspace, with a file the case must not touch. */
interface Host {
  dir: string;
  file: string;
}

function hostDir(tt: Teardown): Host {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-host-'));
  tt.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'victim');
  fs.writeFileSync(file, 'host secret\n', { mode: 0o600 });
  execFileSync('setfattr', ['-n', 'user.keep', '-v', 'kept', file]);
  return { dir, file };
}

/** Everything about the host objects that an escape would change. */
function hostState(h: Host): string {
  const st = (p: string): string => {
    const x = fs.lstatSync(p, { bigint: true });
    return `${x.mode} ${x.uid}:${x.gid} nlink=${x.nlink} size=${x.size} mtime=${x.mtimeNs} ctime=${x.ctimeNs}`;
  };
  const xattrs = execFileSync('getfattr', ['-d', '-m', '-', '--absolute-names', h.file], { encoding: 'utf8' });
  return [
    `dir ${st(h.dir)}`,
    `entries ${fs.readdirSync(h.dir).sort().join(' ')}`,
    `file ${st(h.file)}`,
    `content ${JSON.stringify(fs.readFileSync(h.file, 'utf8'))}`,
    `xattrs ${xattrs.trim()}`,
  ].join('\n');
}

/** Symlinks that lead out of the root, by every road: absolute, climbing, through symlinked directories. */
function escapes(h: Host): { files: string[]; dirs: string[]; make: (root: string) => void } {
  const rel = (p: string): string => DEEP + p.slice(1);
  return {
    files: ['abs', 'rel', 'absdir/victim', 'reldir/victim', 'sub/up/victim', 'sub/up/../../absdir/victim'],
    dirs: ['absdir', 'reldir', 'sub/up'],
    make: (root) => {
      fs.symlinkSync(h.file, path.join(root, 'abs'));
      fs.symlinkSync(rel(h.file), path.join(root, 'rel'));
      fs.symlinkSync(h.dir, path.join(root, 'absdir'));
      fs.symlinkSync(rel(h.dir), path.join(root, 'reldir'));
      fs.mkdirSync(path.join(root, 'sub'));
      fs.symlinkSync(rel(h.dir), path.join(root, 'sub', 'up'));
      fs.symlinkSync('loop', path.join(root, 'loop'));
      fs.symlinkSync('ping', path.join(root, 'pong'));
      fs.symlinkSync('pong', path.join(root, 'ping'));
    },
  };
}

const b64 = (text: string) => ({ b64: Buffer.from(text).toString('base64') });

/**
 * Every op that takes a path and follows a final symlink, aimed at an escaping file symlink,
 * and every op aimed through an escaping directory symlink: in the root, they reach nothing.
 */
function throughOps(files: string[], dirs: string[]): ExecutorCall[] {
  const ops: ExecutorCall[] = [];
  for (const [i, f] of files.entries()) {
    ops.push(
      { op: 'open', path: f, flags: ['O_WRONLY', 'O_APPEND'], fd: `w${i}` },
      { op: 'open', path: f, flags: ['O_WRONLY', 'O_TRUNC'], fd: `t${i}` },
      { op: 'open', path: f, flags: ['O_RDWR', 'O_CREAT'], mode: 0o666, fd: `c${i}` },
      { op: 'chmod', path: f, mode: 0o777 },
      { op: 'chown', path: f, uid: 1000, gid: 1000 },
      { op: 'truncate', path: f, len: 0 },
      { op: 'utimensat', path: f, atime: 'UTIME_NOW', mtime: 'UTIME_NOW' },
      { op: 'setxattr', path: f, name: 'user.pwned', value: b64('1') },
      { op: 'removexattr', path: f, name: 'user.keep' },
      { op: 'stat', path: f },
    );
  }
  for (const d of dirs) {
    ops.push(
      { op: 'symlink', target: 'planted', path: `${d}/planted` },
      { op: 'mkdir', path: `${d}/newdir`, mode: 0o777 },
      { op: 'mknod', path: `${d}/fifo`, kind: 'fifo', mode: 0o666 },
      { op: 'open', path: `${d}/created`, flags: ['O_WRONLY', 'O_CREAT', 'O_EXCL'], mode: 0o666, fd: `n-${d}` },
      { op: 'unlink', path: `${d}/victim` },
      { op: 'link', from: 'inside', to: `${d}/linked` },
      { op: 'link', from: `${d}/victim`, to: 'linked-in' },
      { op: 'rename', from: 'inside', to: `${d}/moved` },
      { op: 'rename', from: `${d}/victim`, to: 'moved-in' },
      { op: 'lchown', path: `${d}/victim`, uid: 1000, gid: 1000 },
      { op: 'lchown', path: d + '/', uid: 1000, gid: 1000 },
      { op: 'lsetxattr', path: d + '/', name: 'user.pwned', value: b64('1') },
      { op: 'utimensat', path: `${d}/victim`, atime: 'UTIME_NOW', mtime: 'UTIME_NOW', nofollow: true },
      { op: 'opendir', path: d, dir: `dir-${d}` },
      { op: 'listdir', path: d },
    );
  }
  return ops;
}

/** Ops on the escaping symlinks themselves: they may work, on the links. */
function onLinkOps(files: string[]): ExecutorCall[] {
  return files.flatMap((f, i): ExecutorCall[] => [
    { op: 'lchown', path: f, uid: 1000, gid: 1000 },
    { op: 'utimensat', path: f, atime: 'UTIME_NOW', mtime: 'UTIME_NOW', nofollow: true },
    { op: 'lremovexattr', path: f, name: 'user.keep' },
    { op: 'link', from: f, to: `hardlink${i}` },
    { op: 'renameat2', from: f, to: `swapped${i}`, flags: ['RENAME_NOREPLACE'] },
    { op: 'rename', from: `swapped${i}`, to: f },
  ]);
}

t.test('crafted requests through escaping symlinks leave the host untouched', async (t) => {
  const h = hostDir(t);
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-ws-'));
  t.teardown(() => fs.rmSync(ws, { recursive: true, force: true }));
  const root = path.join(ws, 'root');
  fs.mkdirSync(root);
  const e = escapes(h);
  e.make(root);
  fs.writeFileSync(path.join(root, 'inside'), 'inside\n');
  const before = hostState(h);

  const c = ExecutorClient.spawnLocal(ws);
  t.teardown(() => c.close());
  const call = (op: ExecutorCall): Promise<Response> => c.call(op, TIMEOUT);
  t.match(await call({ op: 'root', path: root }), { ok: true });
  const through = await Promise.all(throughOps(e.files, e.dirs).map(call));
  await Promise.all(onLinkOps(e.files).map(call));
  const snap = await call({ op: 'snapshot', paths: [...e.files, ...e.dirs, 'loop', 'ping'] });
  const loops = await Promise.all(['loop', 'ping'].map((p) => call({ op: 'open', path: p, flags: ['O_RDONLY'], fd: `l-${p}` })));
  await c.close();

  t.equal(hostState(h), before, 'the host directory and file are as they were');
  const errnos = new Set(through.map((r) => (!r.ok && 'errno' in r ? r.errno : JSON.stringify(r))));
  t.same([...errnos], ['ENOENT'], 'every op through an escaping link found nothing');
  t.ok(snap.ok, 'snapshot answered');
  const items = snap.ok ? (snap.value as { view?: { data?: unknown } }[]) : [];
  t.notOk(items.some((i) => i.view?.data !== undefined), 'no snapshot item shows content from outside');
  t.same(loops.map((r) => (!r.ok && 'errno' in r ? r.errno : r)), ['ELOOP', 'ELOOP'], 'looping symlinks loop');
});

/** The hostile case: its lower layer's symlinks lead out; its steps write, chmod, truncate, chown and setxattr through them. */
function hostileCase(h: Host): Case {
  const targets = ['abs', 'rel', 'absdir/victim', 'sub/up/victim'];
  return {
    id: 'sandbox/hostile', spec: 'Pathname lookup', tags: [],
    claim: 'symlinks in a layer resolve inside the union, never on the host',
    layers: {
      lowers: [{
        abs: symlink(h.file), rel: symlink(DEEP + h.file.slice(1)), absdir: symlink(h.dir),
        sub: dir({ up: symlink(DEEP + h.dir.slice(1)) }), loop: symlink('loop'), f: file(),
      }],
    },
    steps: [
      ...targets.flatMap((p, i) => [
        s.open(p, 'O_WRONLY|O_APPEND', `fd${i}`),
        s.write(`fd${i}`, 'pwned\n'),
        s.chmod(p, 0o777),
        s.truncate(p, 0),
        s.chown(p, 1000, 1000),
        s.setxattr(p, 'user.pwned', '1'),
        s.utimens(p, 'UTIME_NOW', 'UTIME_NOW'),
      ]),
      s.mkdir('absdir/planted'),
      s.symlink('f', 'absdir/planted-link'),
      s.unlink('sub/up/victim'),
      s.open('loop', 'O_RDONLY', 'loopfd'),
    ],
  };
}

const ownMounts = (): string[] =>
  fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(`/${SCRATCH_PREFIX}${process.pid}-`));

for (const name of ['overlayfs', 'reference', 'fuse-overlayfs', 'unionfs-fuse', 'plain']) {
  t.test(`the hostile case on ${name} leaves the host untouched`, async (t) => {
    const target = makeTarget(name);
    const unusable = await target.check();
    if (unusable !== null) {
      t.plan(0, `${name}: ${unusable}`);
      return;
    }
    const h = hostDir(t);
    const golden = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-golden-'));
    t.teardown(() => fs.rmSync(golden, { recursive: true, force: true }));
    const before = hostState(h);
    const [r] = await runSuite([hostileCase(h)], target, { goldenDir: golden, caseTimeoutMs: 20_000 });
    t.equal(r?.error, undefined, 'the case ran');
    t.match(r?.transcript ?? '', /^open abs O_WRONLY\|O_APPEND fd0 = ENOENT$/m, 'the steps ran, and found nothing at the link');
    t.match(r?.transcript ?? '', /^open loop O_RDONLY loopfd = ELOOP$/m);
    t.equal(hostState(h), before, 'the host directory and file are as they were');
    t.same(ownMounts(), [], 'no mount left');
  });
}
