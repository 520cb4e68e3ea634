// make devkit-aufs: a User-Mode Linux kernel with aufs, for TARGET=uml:aufs, cached as .devkit/aufs/linux.
// Debian's linux-source-6.1 with the aufs6.1 standalone patches (AUFS_SRC: the tarball or a clone of
// the aufs-standalone repository, default ../shared/vendor/aufs6.1-standalone.tar.gz), configured by
// devkit/aufs-kernel.config, built with `nice -n 19 make -j2` (the VM is shared).
//   node --import tsx devkit/aufs-kernel.ts [--force]
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { installPackages, missingPackages, SetupError } from '../harness/debian-packages.ts';
import { AUFS_KERNEL } from '../harness/remote/uml.ts';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..');
const AUFS_KIT = dirname(AUFS_KERNEL);
const SOURCE_TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const PACKAGES = ['linux-source-6.1', 'xz-utils', 'patch', 'gcc', 'make', 'libc6-dev', 'flex', 'bison', 'bc'];
/** aufs6-mmap's hunks that 6.1.192's mm/mmap.c rejects: devkit/aufs6-mmap-6.1.192.patch ports them. */
const MMAP_REJECTS = 3;

const say = (line: string) => process.stderr.write(`devkit-aufs: ${line}\n`);
const sh = $({ quiet: true, nothrow: true });

async function must(what: string, run: Promise<{ exitCode: number | null; stdout: string; stderr: string }>): Promise<string> {
  const r = await run;
  if (r.exitCode !== 0) throw new SetupError(`devkit-aufs: ${what} failed (exit ${r.exitCode}): ${(r.stderr.trim() || r.stdout.trim()).split('\n').at(-1) ?? ''}`);
  return r.stdout;
}

/** The aufs-standalone tree: AUFS_SRC as a directory, or unpacked from the tarball into `tmp`. */
async function aufsTree(tmp: string): Promise<string> {
  const src = resolve(PROJECT, process.env.AUFS_SRC ?? '../shared/vendor/aufs6.1-standalone.tar.gz');
  if (!existsSync(src)) throw new SetupError(`devkit-aufs: no aufs sources at ${src} (set AUFS_SRC to the aufs6.1-standalone tarball or clone)`);
  if (statSync(src).isDirectory()) return src;
  mkdirSync(tmp, { recursive: true });
  await must('unpacking AUFS_SRC', sh`tar -xzf ${src} -C ${tmp}`);
  const top = readdirSync(tmp).find((d) => existsSync(join(tmp, d, 'aufs6-base.patch')));
  if (top === undefined) throw new SetupError(`devkit-aufs: ${src} has no aufs6-base.patch: not an aufs-standalone tree`);
  return join(tmp, top);
}

/** The hunks patch(1) rejected, as "FILE: Hunk #N FAILED ...", from its output. */
function rejectedHunks(output: string): string[] {
  let file = '';
  const out: string[] = [];
  for (const line of output.split('\n')) {
    const m = /^patching file (.+)$/.exec(line);
    if (m) file = m[1]!;
    else if (/^Hunk #\d+ FAILED/.test(line)) out.push(`${file}: ${line}`);
  }
  return out;
}

/** Applies aufs's four patches; only aufs6-mmap may leave rejects, exactly the hunks our port replaces. */
async function patchTree(tree: string, aufs: string): Promise<void> {
  for (const name of ['kbuild', 'base', 'mmap', 'standalone']) {
    const file = join(aufs, `aufs6-${name}.patch`);
    if (!existsSync(file)) throw new SetupError(`devkit-aufs: ${file} is missing`);
    const r = await sh`patch -p1 -d ${tree} --no-backup-if-mismatch -r - -i ${file}`;
    const rejected = rejectedHunks(r.stdout);
    const ported = name === 'mmap' && rejected.length === MMAP_REJECTS && rejected.every((h) => h.startsWith('mm/mmap.c: '));
    if (r.exitCode !== 0 && !ported) throw new SetupError(`devkit-aufs: aufs6-${name}.patch does not apply to linux-source-6.1: ${rejected.join('; ') || r.stderr.trim()}`);
  }
  await must('applying devkit/aufs6-mmap-6.1.192.patch', sh`patch -p1 -d ${tree} --no-backup-if-mismatch -F 0 -i ${join(PROJECT, 'devkit/aufs6-mmap-6.1.192.patch')}`);
  cpSync(join(aufs, 'fs/aufs'), join(tree, 'fs/aufs'), { recursive: true });
  cpSync(join(aufs, 'include/uapi/linux/aufs_type.h'), join(tree, 'include/uapi/linux/aufs_type.h'));
}

/** defconfig + devkit/aufs-kernel.config; every line of the fragment must hold in the result. */
async function configure(tree: string): Promise<void> {
  const fragment = join(PROJECT, 'devkit/aufs-kernel.config');
  await must('make defconfig', sh`make -C ${tree} ARCH=um defconfig`);
  await must('merge_config.sh', sh({ cwd: tree, env: { ...process.env, ARCH: 'um' } })`scripts/kconfig/merge_config.sh -m .config ${fragment}`);
  await must('make olddefconfig', sh`make -C ${tree} ARCH=um olddefconfig`);
  const config = readFileSync(join(tree, '.config'), 'utf8').split('\n');
  const value = (name: string) => config.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
  // `# CONFIG_X is not set` holds when X is not set or not there at all (its dependencies are off).
  const lost = readFileSync(fragment, 'utf8').split('\n').filter((l) => {
    const on = /^(CONFIG_\w+)=(.*)$/.exec(l);
    if (on) return value(on[1]!) !== on[2];
    const off = /^# (CONFIG_\w+) is not set$/.exec(l);
    return off !== null && value(off[1]!) !== undefined;
  });
  if (lost.length) throw new SetupError(`devkit-aufs: the kernel config does not keep ${lost.join(', ')}`);
}

/** linux-source-6.1 unpacked into `work` (emptied first), patched and configured; returns the tree. */
export async function prepareTree(work: string): Promise<string> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const aufs = await aufsTree(join(work, 'aufs'));
  say(`unpacking ${SOURCE_TARBALL}`);
  await must('unpacking linux-source-6.1', sh`tar -xJf ${SOURCE_TARBALL} -C ${work}`);
  const tree = join(work, 'linux-source-6.1');
  await patchTree(tree, aufs);
  await configure(tree);
  return tree;
}

export async function buildAufsKernel(force = false): Promise<void> {
  if (existsSync(AUFS_KERNEL) && !force) {
    say(`cached: ${AUFS_KERNEL} (rm -r ${AUFS_KIT} or --force to build again)`);
    return;
  }
  if (process.getuid?.() !== 0) throw new SetupError('devkit-aufs: must run as root (apt-get)');
  await installPackages(await missingPackages(PACKAGES), 'devkit-aufs');
  const work = join(AUFS_KIT, 'build');
  const tree = await prepareTree(work);
  const log = join(AUFS_KIT, 'build.log');
  say(`building (nice -n 19 make -j2; log ${log}); about 10 to 30 minutes on a busy 2-core VM`);
  const started = Date.now();
  const r = await sh`nice -n 19 make -C ${tree} ARCH=um -j2 linux`;
  writeFileSync(log, r.stdall);
  if (r.exitCode !== 0) throw new SetupError(`devkit-aufs: the kernel build failed; see ${log}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  cpSync(join(tree, 'linux'), AUFS_KERNEL);
  const release = readFileSync(join(tree, 'include/config/kernel.release'), 'utf8').trim();
  writeFileSync(join(AUFS_KIT, 'build-info'), `kernel ${release}, built in ${seconds} s\n`);
  rmSync(work, { recursive: true, force: true }); // 1.5 GB of sources and objects
  say(`kernel ${release} with aufs at ${AUFS_KERNEL}, built in ${seconds} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildAufsKernel(process.argv.includes('--force'));
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 3;
  }
}
