// FUSE passthrough (-o passthrough=auto|on|off): with it on, the kernel
// writes an upper file itself (no WRITE request reaches the server) and what
// it wrote shows in stat; an fd opened on a lower file before a copyup keeps
// the lower data. With it off, writes go through the server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { BIN, makeLayers, mountUnion, removeLayers, writeTree } from './reference/harness.ts';

const writeRequests = (log: string): number => log.split('\n').filter((l) => l.startsWith('unionref: WRITE ')).length;
const data = Buffer.alloc(200000, 'u');

for (const mode of ['on', 'off'] as const) {
  t.test(`passthrough=${mode}: writes to a copied-up file`, async (t) => {
    const L = makeLayers(1);
    writeTree(L.lowers[0]!, { f: 'lower data' });
    const m = await mountUnion(L, `passthrough=${mode}`, ['-d']);
    t.teardown(async () => {
      await m.stop();
      removeLayers(L);
    });
    const f = path.join(m.mnt, 'f');
    const fd = fs.openSync(f, 'r+'); // copies f up
    fs.writeSync(fd, data, 0, data.length, 0);
    t.equal(fs.fstatSync(fd).size, data.length, 'the written size, through the fd');
    fs.closeSync(fd);
    t.equal(fs.statSync(f).size, data.length, 'the written size, through the name');
    t.equal(fs.readFileSync(path.join(L.upper, 'f')).compare(data), 0, 'the data in upper');
    fs.statfsSync(m.mnt);
    await m.stop(); // the server thread's log lines come out when its loop ends
    t.match(m.stderr(), 'unionref: STATFS ', 'the debug log came through');
    if (mode === 'on') t.equal(writeRequests(m.stderr()), 0, 'no WRITE reached the server');
    else t.ok(writeRequests(m.stderr()) > 0, 'the writes went through the server');
  });
}

t.test('passthrough=on: an fd opened before the copyup reads the lower file', async (t) => {
  const L = makeLayers(1);
  writeTree(L.lowers[0]!, { f: 'lower data' });
  const m = await mountUnion(L, 'passthrough=on');
  t.teardown(async () => {
    await m.stop();
    removeLayers(L);
  });
  const f = path.join(m.mnt, 'f');
  const old = fs.openSync(f, 'r');
  const fd = fs.openSync(f, 'r+');
  fs.writeSync(fd, data, 0, data.length, 0);
  const again = fs.openSync(f, 'r');
  const buf = Buffer.alloc(100);
  t.equal(buf.toString('utf8', 0, fs.readSync(old, buf, 0, 100, 0)), 'lower data', 'the old fd');
  t.equal(buf.toString('utf8', 0, fs.readSync(again, buf, 0, 100, 0)), 'u'.repeat(100), 'an fd opened after the copyup');
  for (const x of [old, fd, again]) fs.closeSync(x);
  t.equal(fs.statSync(f).size, data.length);
});

t.test('a passthrough= value other than auto, on or off is refused', async (t) => {
  const L = makeLayers(1);
  t.teardown(() => removeLayers(L));
  const r = spawnSync(BIN, ['-o', `lowerdir=${L.lowers[0]!},passthrough=maybe`, L.mnt], { encoding: 'utf8', timeout: 30000 });
  t.equal(r.status, 2);
  t.equal(r.stderr.split('\n')[0], 'unionref: option passthrough=maybe: passthrough= takes auto, on or off');
});
