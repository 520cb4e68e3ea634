// Helper process for the depth tests: walks into a directory one component
// at a time (chdir, so no path it uses is long), optionally creating the
// components, then runs a list of operations on names relative to where it
// ended and prints one result per operation (ok, a value, or the errno
// name) as a JSON array. Run in its own process: never in the process that
// serves a FUSE mount.
// usage: echo '{"root":..., "chain":[...], "mkdirs":bool, "ops":[[op, ...args], ...]}' | node --import tsx deep.ts
import * as fs from 'node:fs';
import { mknod } from '../../reference/src/sys/libc.ts';
import { makedev } from '../../reference/src/sys/stat.ts';

export type DeepOp =
  | ['create' | 'stat' | 'unlink' | 'rmdir' | 'mkfifo' | 'mknod' | 'list', string]
  | ['chmod', string, number]
  | ['chown', string, number, number]
  | ['truncate', string, number]
  | ['mkdir', string]
  | ['link' | 'rename' | 'symlink', string, string];

export interface DeepRequest { root: string; chain: string[]; mkdirs: boolean; ops: DeepOp[] }

function run(op: DeepOp): string {
  switch (op[0]) {
    case 'create': fs.writeFileSync(op[1], 'data'); return 'ok';
    case 'stat': {
      const st = fs.lstatSync(op[1]);
      return `${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.nlink}`;
    }
    case 'unlink': fs.unlinkSync(op[1]); return 'ok';
    case 'rmdir': fs.rmdirSync(op[1]); return 'ok';
    case 'mkdir': fs.mkdirSync(op[1]); return 'ok';
    case 'mkfifo': mknod(op[1], fs.constants.S_IFIFO | 0o644, 0); return 'ok';
    case 'mknod': mknod(op[1], fs.constants.S_IFCHR | 0o644, makedev(1, 3)); return 'ok';
    case 'list': return fs.readdirSync(op[1]).sort().join(' ');
    case 'chmod': fs.chmodSync(op[1], op[2]); return 'ok';
    case 'chown': fs.chownSync(op[1], op[2], op[3]); return 'ok';
    case 'truncate': fs.truncateSync(op[1], op[2]); return 'ok';
    case 'link': fs.linkSync(op[1], op[2]); return 'ok';
    case 'rename': fs.renameSync(op[1], op[2]); return 'ok';
    case 'symlink': fs.symlinkSync(op[2], op[1]); return 'ok';
  }
}

const req = JSON.parse(fs.readFileSync(0, 'utf8')) as DeepRequest;
const code = (err: unknown): string => (err as { code?: string }).code ?? String(err);
process.chdir(req.root);
let walked = '';
try {
  for (const c of req.chain) {
    if (req.mkdirs && !fs.existsSync(c)) fs.mkdirSync(c);
    process.chdir(c);
  }
} catch (err) {
  walked = `chdir: ${code(err)}`;
}
const out = req.ops.map((op) => {
  if (walked !== '') return walked;
  try {
    return run(op);
  } catch (err) {
    return code(err);
  }
});
process.stdout.write(JSON.stringify(out));
