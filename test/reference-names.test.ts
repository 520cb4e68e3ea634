// Names are bytes: a lower layer's name that is not UTF-8, and names the
// caller makes of any bytes, go through the reference unchanged (lookup,
// readdir, create, rename, symlink, xattr names, unlink, rmdir), and
// NAME_MAX counts bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { makeLayers, mountForTest } from './reference/harness.ts';

/** dir/name as a path of bytes. */
const at = (dir: string, name: Buffer): Buffer => Buffer.concat([Buffer.from(`${dir}/`), name]);
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const names = (dir: string | Buffer): string[] => (fs.readdirSync(dir, { encoding: 'buffer' }) as Buffer[]).map((n) => n.toString('hex')).sort();
const hex = (...ns: Buffer[]): string[] => ns.map((n) => n.toString('hex')).sort();

t.test('names that are not UTF-8', async (t) => {
  const L = makeLayers(1);
  const lower = L.lowers[0]!;
  fs.writeFileSync(at(lower, b('caf\xe9')), 'lower');
  fs.mkdirSync(at(lower, b('d\xff')));
  fs.writeFileSync(at(lower, b('d\xff/in\xfe')), 'inner');
  const { M, U } = await mountForTest(t, L);
  const m = M('.');

  t.same(names(m), hex(b('caf\xe9'), b('d\xff')), 'readdir gives the lower names byte for byte');
  t.equal(fs.readFileSync(at(m, b('caf\xe9')), 'utf8'), 'lower', 'and they can be opened');
  t.equal(fs.readFileSync(at(m, b('d\xff/in\xfe')), 'utf8'), 'inner', 'in a directory of such a name too');

  fs.renameSync(at(m, b('caf\xe9')), at(m, b('n\x80')));
  fs.writeFileSync(at(m, b('new\xc3')), 'new');
  fs.symlinkSync(b('target\xe9'), at(m, b('ln\xe9')));
  t.same(fs.readlinkSync(at(m, b('ln\xe9')), { encoding: 'buffer' }), b('target\xe9'), 'a symlink target of any bytes');
  fs.unlinkSync(at(m, b('d\xff/in\xfe')));
  fs.rmdirSync(at(m, b('d\xff')));
  t.same(names(m), hex(b('n\x80'), b('new\xc3'), b('ln\xe9')), 'rename, create, symlink, unlink and rmdir keep the bytes');
  t.ok(names(U('.')).includes(b('caf\xe9').toString('hex')), 'the renamed lower name is whited out under its own bytes');
  t.same(names(lower), hex(b('caf\xe9'), b('d\xff')), 'the lower layer is untouched');

  t.throws(() => fs.statSync(at(m, Buffer.alloc(256, 0xe9))), { code: 'ENAMETOOLONG' }, 'NAME_MAX counts bytes: 256 are too many');
  t.throws(() => fs.statSync(at(m, Buffer.alloc(255, 0xe9))), { code: 'ENOENT' }, '255 are not');
  fs.writeFileSync(at(m, Buffer.alloc(255, 0xe9)), '');
  t.ok(fs.existsSync(path.join(U('.'))) && names(U('.')).includes(Buffer.alloc(255, 0xe9).toString('hex')), 'a 255-byte name is made in upper');
});
