// make bench: the reference, fuse-overlayfs and kernel overlayfs on the same
// layers, one run. Each measurement gets a fresh mount (cold union caches)
// over a fresh upper; host caches are warmed first so all three read the
// same cached lower data. Prints seconds (median of RUNS) and the ratio of
// each to fuse-overlayfs.  usage: node --import tsx reference/bench/bench.ts [RUNS] [DIR]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mknod } from '../src/sys/libc.ts';
import { TARGETS, unmount, unmountAllUnder } from './targets.ts';

const RUNS = Number(process.argv[2] ?? 3);
const base = fs.mkdtempSync(path.join(process.argv[3] ?? os.tmpdir(), 'unionref-bench-'));
const lower = path.join(base, 'lower');
const MIB = 1 << 20;
const BIG = 256 * MIB;

interface Bench { name: string; upper?: (upper: string) => void; run: (mnt: string) => void }

function setupLower(): void {
  fs.mkdirSync(path.join(lower, 'stat'), { recursive: true });
  for (let i = 0; i < 10000; i++) fs.writeFileSync(path.join(lower, 'stat', `f${i}`), 'x');
  fs.mkdirSync(path.join(lower, 'merged'));
  for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(lower, 'merged', `l${i}`), '');
  for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(lower, 'merged', `w${i}`), '');
  fs.mkdirSync(path.join(lower, 'big'));
  const chunk = Buffer.alloc(MIB);
  for (const name of ['copyup', 'read']) {
    const fd = fs.openSync(path.join(lower, 'big', name), 'w');
    for (let i = 0; i < BIG / MIB; i++) {
      chunk.fill(i & 0xff);
      fs.writeSync(fd, chunk);
    }
    fs.closeSync(fd);
  }
  fs.mkdirSync(path.join(lower, 'scratch'));
}

const BENCHES: Bench[] = [
  {
    name: 'stat 10,000 lower files',
    run: (mnt) => { for (let i = 0; i < 10000; i++) fs.statSync(path.join(mnt, 'stat', `f${i}`)); },
  },
  {
    name: 'readdir 10,000-entry merged dir',
    upper: (upper) => {
      fs.mkdirSync(path.join(upper, 'merged'));
      for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(upper, 'merged', `u${i}`), '');
      for (let i = 0; i < 1000; i++) mknod(path.join(upper, 'merged', `w${i}`), fs.constants.S_IFCHR, 0);
    },
    run: (mnt) => {
      const n = fs.readdirSync(path.join(mnt, 'merged'), { withFileTypes: true }).length;
      if (n !== 10000) throw new Error(`merged dir lists ${n} entries`);
    },
  },
  {
    name: 'create+write+unlink 10,000 files',
    run: (mnt) => {
      const buf = Buffer.alloc(100, 1);
      for (let i = 0; i < 10000; i++) {
        const p = path.join(mnt, 'scratch', `c${i}`);
        const fd = fs.openSync(p, 'w');
        fs.writeSync(fd, buf);
        fs.closeSync(fd);
        fs.unlinkSync(p);
      }
    },
  },
  {
    name: 'copyup 256 MiB',
    run: (mnt) => fs.closeSync(fs.openSync(path.join(mnt, 'big', 'copyup'), 'r+')),
  },
  {
    name: 'sequential read 256 MiB',
    run: (mnt) => {
      const fd = fs.openSync(path.join(mnt, 'big', 'read'), 'r');
      const buf = Buffer.allocUnsafe(MIB);
      let total = 0;
      for (let n; (n = fs.readSync(fd, buf, 0, MIB, null)) > 0;) total += n;
      fs.closeSync(fd);
      if (total !== BIG) throw new Error(`read ${total} bytes`);
    },
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(b: Bench, targetIdx: number): number {
  const target = TARGETS[targetIdx]!;
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const dir = fs.mkdtempSync(path.join(base, `${target.name}-`));
    const [upper, work, mnt] = ['upper', 'work', 'mnt'].map((d) => path.join(dir, d)) as [string, string, string];
    for (const d of [upper, work, mnt]) fs.mkdirSync(d);
    b.upper?.(upper);
    spawnSync('sync'); // no writeback of earlier work during the measurement
    target.mount(`lowerdir=${lower},upperdir=${upper},workdir=${work}`, mnt);
    try {
      fs.statSync(mnt);
      const t0 = process.hrtime.bigint();
      b.run(mnt);
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    } finally {
      unmount(mnt);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return median(times);
}

function main(): void {
  process.stdout.write(`setting up layers in ${base} ...\n`);
  setupLower();
  for (const f of ['copyup', 'read']) fs.readFileSync(path.join(lower, 'big', f)); // warm the host cache
  const rows: string[][] = [['benchmark', ...TARGETS.map((t) => `${t.name} s`), ...TARGETS.filter((t) => t.name !== 'fuse-overlayfs').map((t) => `${t.name}/fuse-ovl`)]];
  const fo = TARGETS.findIndex((t) => t.name === 'fuse-overlayfs');
  const only = process.env.BENCH_ONLY;
  for (const b of BENCHES.filter((x) => only === undefined || x.name.includes(only))) {
    const secs = TARGETS.map((_, i) => measure(b, i));
    const ratios = TARGETS.map((t, i) => (t.name === 'fuse-overlayfs' ? null : (secs[i]! / secs[fo]!).toFixed(2))).filter((x): x is string => x !== null);
    rows.push([b.name, ...secs.map((s) => s.toFixed(3)), ...ratios]);
    process.stdout.write(`${rows[rows.length - 1]!.join('  ')}\n`);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  process.stdout.write(`\n${rows.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')).join('\n')}\n`);
}

try {
  main();
} finally {
  unmountAllUnder(base);
  fs.rmSync(base, { recursive: true, force: true });
}
