// One process of the concurrent workload (reference-robust.test.ts):
// creates, writes, renames, unlinks, copyups, mkdir/rmdir and readdirs in
// its own directory (checking each listing against its model) and creates
// names in a shared directory. Prints its final model as JSON.
// usage: node --import tsx workload.ts MNT WORKER_ID ITERATIONS
import * as fs from 'node:fs';
import * as path from 'node:path';

const [mnt, idArg, itersArg] = process.argv.slice(2);
const id = Number(idArg);
const iters = Number(itersArg);
const dir = path.join(mnt!, `w${id}`);
const shared = path.join(mnt!, 'shared');

let seed = 12345 + id * 7919;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

// the lower layer holds w<id>/l0..l19 = "lower <id> <k>"
const model = new Map<string, string>();
for (let k = 0; k < 20; k++) model.set(`l${k}`, `lower ${id} ${k}\n`);
const dirs = new Set<string>();
const mine: string[] = [];

function fail(msg: string): never {
  process.stderr.write(`worker ${id}: ${msg}\n`);
  process.exit(1);
}

const files = (): string[] => [...model.keys()];
for (let i = 0; i < iters; i++) {
  const op = rand(9);
  const names = files();
  const pick = names[rand(Math.max(1, names.length))];
  if (op === 0 || pick === undefined) {
    const n = `n${i}`;
    fs.writeFileSync(path.join(dir, n), `new ${id} ${i}\n`);
    model.set(n, `new ${id} ${i}\n`);
  } else if (op === 1) {
    fs.appendFileSync(path.join(dir, pick), `+${i}\n`); // copyup when pick is a lower file
    model.set(pick, model.get(pick)! + `+${i}\n`);
  } else if (op === 2) {
    const to = `r${i}`;
    fs.renameSync(path.join(dir, pick), path.join(dir, to));
    model.set(to, model.get(pick)!);
    model.delete(pick);
  } else if (op === 3) {
    fs.unlinkSync(path.join(dir, pick));
    model.delete(pick);
  } else if (op === 4) {
    fs.chmodSync(path.join(dir, pick), 0o600 + rand(0o100));
  } else if (op === 5) {
    const d = `d${i}`;
    fs.mkdirSync(path.join(dir, d));
    fs.writeFileSync(path.join(dir, d, 'inner'), d);
    dirs.add(d);
  } else if (op === 6 && dirs.size > 0) {
    const d = [...dirs][rand(dirs.size)]!;
    fs.unlinkSync(path.join(dir, d, 'inner'));
    fs.rmdirSync(path.join(dir, d));
    dirs.delete(d);
  } else if (op === 7) {
    const n = `w${id}-${i}`;
    fs.writeFileSync(path.join(shared, n), n);
    mine.push(n);
    const seen = new Set(fs.readdirSync(shared));
    for (const m of mine) if (!seen.has(m)) fail(`shared/${m} missing from readdir`);
  } else {
    const got = fs.readdirSync(dir).sort();
    const want = [...model.keys(), ...dirs].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`readdir ${JSON.stringify(got)} != model ${JSON.stringify(want)}`);
    if (pick !== undefined && fs.readFileSync(path.join(dir, pick), 'utf8') !== model.get(pick)) fail(`content of ${pick}`);
  }
}
process.stdout.write(JSON.stringify({ files: Object.fromEntries(model), dirs: [...dirs], shared: mine }));
