// make bench: the reference, fuse-overlayfs and kernel overlayfs on the same
// layers, one run. Each measurement gets a fresh mount (cold union caches)
// over a fresh upper; host caches are warmed first so all three read the
// same cached lower data. Prints seconds (median of RUNS) and the ratio of
// each to fuse-overlayfs, readdir's time per entry at 10,000 and 100,000
// entries, and the servers' peak resident memory under the 8-way workload.
// usage: node --import tsx reference/bench/bench.ts [RUNS] [DIR]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mknod } from '../src/sys/libc.ts';
import { peakRssMiB, serverPid, TARGETS, unmount, unmountAllUnder } from './targets.ts';

const RUNS = Number(process.argv[2] ?? 3);
const base = fs.mkdtempSync(path.join(process.argv[3] ?? os.tmpdir(), 'unionref-bench-'));
const lower = path.join(base, 'lower');
const MIB = 1 << 20;
const BIG = 256 * MIB;

interface Bench {
  name: string;
  upper?: (upper: string) => void;
  /** Returns its own time in seconds where the wall time of run() is not the measure. */
  run: (mnt: string) => number | void;
  /** Run once before the measurement (warm caches). */
  warm?: (mnt: string) => void;
  /** Entries listed (readdir): the time per entry is reported. */
  entries?: number;
  /** Report the server's peak resident memory after this benchmark. */
  rss?: boolean;
  /** Targets not measured, and why. */
  skip?: { target: string; why: string };
  /** Also measure the variant targets (reference-volatile). */
  variants?: boolean;
}

const WORKERS = 8;
const WORKER_OPS = 500;
const WORKER = path.join(path.dirname(new URL(import.meta.url).pathname), 'worker.ts');

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
  for (const n of [10000, 100000]) {
    // hard links to a few files (ext4 allows 65,000 links per file): quick to make, one inode per source
    const dir = path.join(lower, `list${n}`);
    fs.mkdirSync(dir);
    for (let i = 0; i < n; i++) {
      const src = path.join(dir, `e${i}`);
      if (i < 10) fs.writeFileSync(src, '');
      else fs.linkSync(path.join(dir, `e${i % 10}`), src);
    }
  }
}

function readdirBench(n: number): Bench {
  return {
    name: `readdir ${n.toLocaleString('en-US')}-entry lower dir`,
    entries: n,
    // fuse-overlayfs 1.10 lists a directory in quadratic time: 0.8 s for 10,000 entries, over 5 min for 100,000
    skip: n > 10000 ? { target: 'fuse-overlayfs', why: 'over 5 min a run' } : undefined,
    run: (mnt) => {
      const got = fs.readdirSync(path.join(mnt, `list${n}`), { withFileTypes: true }).length;
      if (got !== n) throw new Error(`list${n} lists ${got} entries`);
    },
  };
}

function mergedUpper(upper: string): void {
  fs.mkdirSync(path.join(upper, 'merged'));
  for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(upper, 'merged', `u${i}`), '');
  for (let i = 0; i < 1000; i++) mknod(path.join(upper, 'merged', `w${i}`), fs.constants.S_IFCHR, 0);
}

function listMerged(mnt: string): void {
  const n = fs.readdirSync(path.join(mnt, 'merged'), { withFileTypes: true }).length;
  if (n !== 10000) throw new Error(`merged dir lists ${n} entries`);
}

function statFiles(n: number): (mnt: string) => void {
  return (mnt) => { for (let i = 0; i < n; i++) fs.statSync(path.join(mnt, 'stat', `f${i}`)); };
}

const BENCHES: Bench[] = [
  { name: 'stat 10,000 lower files', run: statFiles(10000) },
  // the warm pass is answered from the kernel's attribute and entry cache
  { name: 'stat 1,000 lower files, warm', warm: statFiles(1000), run: statFiles(1000) },
  {
    name: 'readdir 10,000-entry merged dir',
    upper: mergedUpper,
    run: listMerged,
  },
  { name: 'readdir 10,000-entry merged dir, warm', upper: mergedUpper, warm: listMerged, run: listMerged },
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
    variants: true,
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
  readdirBench(10000),
  readdirBench(100000),
  {
    name: `${WORKERS}-way concurrent (slowest worker)`,
    rss: true,
    run: (mnt) => {
      const script = Array.from({ length: WORKERS }, (_, i) => `node --import tsx "$0" "$1" ${i} ${WORKER_OPS} &`).join('\n');
      const r = spawnSync('bash', ['-c', `${script}\nwait`, WORKER, mnt], { encoding: 'utf8' });
      const times = r.stdout.trim().split('\n').map(Number);
      if (r.status !== 0 || times.length !== WORKERS || times.some((t) => !(t > 0))) throw new Error(`workers: ${r.stderr}`);
      return Math.max(...times);
    },
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Peak resident memory of each target's server (MiB) in the last rss benchmark. */
const peakRss = new Map<string, number>();

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
      b.warm?.(mnt);
      const t0 = process.hrtime.bigint();
      const own = b.run(mnt);
      times.push(own ?? Number(process.hrtime.bigint() - t0) / 1e9);
      const pid = b.rss === true ? serverPid(mnt) : null;
      if (pid !== null) peakRss.set(target.name, Math.max(peakRss.get(target.name) ?? 0, peakRssMiB(pid)));
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
  const only = process.env.BENCH_ONLY?.split('|'); // names hold commas (10,000)
  const perEntry: string[] = [];
  for (const b of BENCHES.filter((x) => only === undefined || only.some((o) => x.name.includes(o)))) {
    const secs = TARGETS.map((t, i) => (b.skip?.target === t.name || (t.variant === true && b.variants !== true) ? NaN : measure(b, i)));
    const shown = (x: number, digits: number): string => (Number.isNaN(x) ? '-' : x.toFixed(digits));
    if (b.entries !== undefined) {
      const each = TARGETS.map((t, i) => `${t.name} ${shown(secs[i]! / b.entries! * 1e6, 2)}`);
      perEntry.push(`${b.entries.toLocaleString('en-US')} entries: ${each.join(', ')}${b.skip ? ` (${b.skip.target}: ${b.skip.why})` : ''}`);
    }
    const ratios = TARGETS.map((t, i) => (t.name === 'fuse-overlayfs' ? null : shown(secs[i]! / secs[fo]!, 2))).filter((x): x is string => x !== null);
    rows.push([b.name, ...secs.map((x) => shown(x, 3)), ...ratios]);
    process.stdout.write(`${rows[rows.length - 1]!.join('  ')}\n`);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  process.stdout.write(`\n${rows.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')).join('\n')}\n`);
  if (perEntry.length > 0) process.stdout.write(`\nreaddir time per entry (µs)\n${perEntry.join('\n')}\n`);
  if (peakRss.size > 0) {
    process.stdout.write(`\npeak resident memory of the server, ${WORKERS}-way workload (MiB): ${[...peakRss].map(([t, m]) => `${t} ${m.toFixed(0)}`).join(', ')}\n`);
  }
}

try {
  main();
} finally {
  unmountAllUnder(base);
  fs.rmSync(base, { recursive: true, force: true });
}
