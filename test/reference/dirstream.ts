// opendir/readdir/telldir/seekdir through libc (koffi), for checking d_ino,
// d_type and the stability of directory stream positions.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const Dirent = koffi.struct('unionref_test_dirent64', {
  d_ino: 'uint64', d_off: 'int64', d_reclen: 'uint16', d_type: 'uint8', d_name: koffi.array('char', 256, 'String'),
});
const DIRp = koffi.pointer('UNIONREF_TEST_DIR', koffi.opaque());
const opendir = libc.func('opendir', DIRp, ['const char *']);
const readdir64 = libc.func('readdir64', koffi.pointer(Dirent), [DIRp]);
const telldir = libc.func('telldir', 'long', [DIRp]);
const seekdir = libc.func('seekdir', 'void', [DIRp, 'long']);
const rewinddir = libc.func('rewinddir', 'void', [DIRp]);
const closedir = libc.func('closedir', 'int', [DIRp]);

export interface Ent { name: string; ino: bigint; type: number }

export class DirStream {
  private dir: unknown;
  constructor(path: string) {
    this.dir = opendir(path);
    if (this.dir === null) throw new Error(`opendir ${path}: errno ${koffi.errno()}`);
  }
  read(): Ent | null {
    const p = readdir64(this.dir);
    if (p === null) return null;
    const d = koffi.decode(p, Dirent) as { d_ino: number | bigint; d_type: number; d_name: string };
    return { name: d.d_name, ino: BigInt(d.d_ino), type: d.d_type };
  }
  tell(): number { return Number(telldir(this.dir)); }
  seek(pos: number): void { seekdir(this.dir, pos); }
  rewind(): void { rewinddir(this.dir); }
  close(): void { closedir(this.dir); }
  all(): Ent[] {
    const out: Ent[] = [];
    for (let e = this.read(); e !== null; e = this.read()) out.push(e);
    return out;
  }
}
