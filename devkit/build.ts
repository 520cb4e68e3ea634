// make devkit: the User-Mode Linux guest's Debian root under .devkit/, built once and reused.
// Installs user-mode-linux debootstrap socat uml-utilities if missing, then debootstraps
// bookworm into .devkit/root with the overlay and fuse modules of the UML kernel, an ssh
// key for root (.devkit/id_ed25519) and /sbin/uml-init. Run by harness/ensure-deps.ts for TARGET=uml...
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, type ProcessPromise } from 'zx';
import { installPackages, missingPackages, SetupError } from '../harness/debian-packages.ts';
import { GUEST_NODE } from '../harness/remote/uml.ts';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KIT = join(PROJECT, '.devkit');
const ROOT = join(KIT, 'root');
const INCLUDE = ['openssh-server', 'nodejs', 'kmod', 'iproute2', 'fuse3', 'fuse-overlayfs', 'perl', 'openssl'];

const say = (line: string) => process.stderr.write(`devkit: ${line}\n`);
const sh = $({ quiet: true, nothrow: true });

/** Waits for a step's command; when it fails, a SetupError naming the step and the command's last word. */
async function step(what: string, command: ProcessPromise): Promise<string> {
  const r = await command;
  if (r.exitCode !== 0) throw new SetupError(`devkit: ${what} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
  return r.stdout;
}

/** The apt mirror of this machine: debootstrap fetches from the same one. */
function mirror(): string {
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const found = /^URIs:\s*(\S+)/m.exec(read('/etc/apt/sources.list.d/debian.sources'))?.[1]
    ?? /^deb\s+(\S+)/m.exec(read('/etc/apt/sources.list'))?.[1];
  if (!found) throw new SetupError('devkit: no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list');
  return found;
}

async function debootstrap(): Promise<void> {
  const from = mirror();
  const tmp = `${ROOT}.tmp`;
  const log = join(KIT, 'debootstrap.log');
  say(`debootstrap bookworm from ${from} into ${ROOT} (about 40 s)`);
  rmSync(tmp, { recursive: true, force: true });
  const r = await sh`debootstrap --variant=minbase --include=${INCLUDE.join(',')} bookworm ${tmp} ${from}`;
  writeFileSync(log, r.stdall);
  if (r.exitCode !== 0) throw new SetupError(`devkit: debootstrap failed; see ${log}`);
  await step('apt-get clean in the new root', sh`chroot ${tmp} apt-get clean`);
  writeFileSync(join(tmp, '.devkit-root'), '');
  renameSync(tmp, ROOT);
}

/** The UML kernel's overlay and fuse modules, indexed by the guest's depmod (the host has none). */
async function addModules(kver: string): Promise<void> {
  const mods = join('/usr/lib/uml/modules', kver);
  const dst = join(ROOT, 'lib/modules', kver);
  if (existsSync(join(dst, 'modules.dep'))) return;
  mkdirSync(join(dst, 'kernel/fs'), { recursive: true });
  await step('copying the modules', sh`cp -a ${join(mods, 'kernel/fs/overlayfs')} ${join(mods, 'kernel/fs/fuse')} ${join(dst, 'kernel/fs')}`);
  await step('copying the module lists', sh`cp -a ${['order', 'builtin', 'builtin.modinfo'].map((f) => join(mods, `modules.${f}`))} ${dst}`);
  await step('depmod', sh`chroot ${ROOT} /sbin/depmod ${kver}`);
}

/** Root's key: the harness logs in with it, through the namespace's ProxyCommand only. */
async function addKeys(): Promise<void> {
  const key = join(KIT, 'id_ed25519');
  if (!existsSync(key)) await step('ssh-keygen', sh`ssh-keygen -q -t ed25519 -N ${''} -C union-conformance-devkit -f ${key}`);
  await step('installing the key', sh`install -d -m 700 ${join(ROOT, 'root/.ssh')}`);
  await step('installing the key', sh`install -m 600 ${`${key}.pub`} ${join(ROOT, 'root/.ssh/authorized_keys')}`);
  if (!existsSync(join(ROOT, 'etc/ssh/ssh_host_ed25519_key'))) await step('making host keys', sh`chroot ${ROOT} ssh-keygen -A`);
}

/** Copies the node that runs this (the host's) into the root, again when it changed. */
function addHostNode(): void {
  const dst = join(ROOT, GUEST_NODE);
  if (existsSync(dst) && statSync(dst).size === statSync(process.execPath).size) return;
  mkdirSync(dirname(dst), { recursive: true });
  copyFileSync(process.execPath, dst);
  chmodSync(dst, 0o755);
  say(`copied this host's node ${process.version} to ${GUEST_NODE} in the root`);
}

export async function buildDevkit(): Promise<void> {
  if (process.getuid?.() !== 0) throw new SetupError('devkit: must run as root (debootstrap, chroot)');
  await installPackages(await missingPackages(['user-mode-linux', 'debootstrap', 'socat', 'uml-utilities']), 'devkit');
  const modules = '/usr/lib/uml/modules';
  const kver = (existsSync(modules) ? readdirSync(modules) : []).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  if (kver === undefined) throw new SetupError(`devkit: no modules under ${modules} (is user-mode-linux installed?)`);
  mkdirSync(KIT, { recursive: true });
  if (!existsSync(join(ROOT, '.devkit-root'))) await debootstrap();
  await addModules(kver);
  await addKeys();
  addHostNode();
  await step('installing uml-init', sh`install -m 755 ${join(PROJECT, 'devkit/uml-init')} ${join(ROOT, 'sbin/uml-init')}`);
  const size = (await step('du', sh`du -sh ${ROOT}`)).split('\t')[0];
  say(`root ready at ${ROOT} (kernel ${kver}, ${size})`);
}
