// The devkit's User-Mode Linux guest: boot (in a namespace of our own, vec0 on
// a tap with gro=1), wait for its sshd, halt (mconsole, then signals), and
// remove the namespace. The root is a host directory (hostfs) made by
// devkit/build.ts (make devkit); the project tree is mounted read-only at /mnt/src. The
// layers go on /scratch, an ext4 the guest makes on a sparse disk image (ubd)
// at every boot: tmpfs in kernel 6.1 has no user.* xattrs (they came in 6.6),
// and hostfs cannot be an overlay upper layer.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanup } from '../cleanup.ts';
import { answers, createNet, deleteNet, inNet, nsExists, proxyCommand, type GuestNet } from './netns.ts';
import { alive, runProcess, signal } from './proc.ts';
import type { SshEndpoint } from './ssh-session.ts';

export const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface UmlSettings extends GuestNet {
  /** The UML kernel: Debian's, or the devkit's own with aufs (make devkit-aufs). */
  kernel: string;
  /** The devkit directory: root/, id_ed25519, run/. */
  kit: string;
  /** UML's umid (its mconsole name) and the namespace's name. */
  name: string;
  memMb: number;
  /** Host directory mounted read-only at /mnt/src in the guest. */
  src: string;
  /** A guest nobody halts ends after this long anyway. */
  maxLifeSec: number;
  bootTimeoutMs: number;
  /** Size of the scratch disk image (sparse). */
  scratchGb: number;
}

export function umlSettings(over: Partial<UmlSettings> = {}): UmlSettings {
  const name = over.name ?? 'uc-umlkit';
  return {
    kernel: '/usr/bin/linux.uml',
    kit: join(PROJECT, '.devkit'),
    name,
    ns: name,
    tap: 'uctap0',
    hostIp: '10.199.0.1',
    guestIp: '10.199.0.2',
    prefix: 24,
    memMb: 512,
    src: PROJECT,
    maxLifeSec: 3600,
    bootTimeoutMs: 60_000,
    scratchGb: 4,
    ...over,
  };
}

/** The devkit's own UML kernel with aufs (make devkit-aufs, devkit/aufs-kernel.ts). */
export const AUFS_KERNEL = join(PROJECT, '.devkit/aufs/linux');

/** The host's node binary in the guest's root (make devkit copies it: bookworm's nodejs is 18, the reference needs 20). */
export const GUEST_NODE = '/opt/node/bin/node';

/** Where the project tree (UmlSettings.src) is mounted in the guest: devkit/uml-init mounts it. */
export const GUEST_SRC = '/mnt/src';

/** Where the layers live in the guest. */
export const GUEST_SCRATCH = '/scratch';

/** The ssh_config alias of the guest. */
export const GUEST_ALIAS = 'uml-devkit';
const MAX_BOOTS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Guests this process booted and has not halted yet: halted when it exits, whatever the path out.
const owners = new Set<UmlGuest>();
process.on('exit', () => {
  for (const g of owners) {
    try {
      g.haltSync();
    } catch (e) {
      process.stderr.write(`union-conformance: could not halt the UML guest: ${(e as Error).message}\n`);
    }
  }
});

export class UmlGuest {
  private owned: Cleanup | undefined;
  private boots = 0;
  private halting: Promise<void> | undefined;
  /** Runs first when the guest halts: the target closes its ssh session here, so nothing waits on a dead peer. */
  beforeHalt: (() => Promise<void>) | undefined;

  constructor(readonly s: UmlSettings = umlSettings()) {}

  get root(): string {
    return join(this.s.kit, 'root');
  }

  private get run(): string {
    return join(this.s.kit, 'run');
  }

  private get pidFile(): string {
    return join(this.run, `${this.s.name}.pid`);
  }

  get consoleLog(): string {
    return join(this.run, `${this.s.name}.console.log`);
  }

  private get scratchImage(): string {
    return join(this.run, `${this.s.name}.scratch.img`);
  }

  get sshConfig(): string {
    return join(this.run, `${this.s.name}.ssh_config`);
  }

  /** What is missing on this machine for a guest, said plainly; null when nothing is. */
  problems(): string | null {
    if (process.getuid?.() !== 0) return 'the UML devkit needs root here (network namespace and tap device)';
    if (!existsSync('/usr/bin/linux.uml')) return 'user-mode-linux is not installed (make devkit installs it)';
    if (!existsSync(this.s.kernel)) return `no UML kernel at ${this.s.kernel} (make devkit-aufs builds it: 15 to 30 minutes, once)`;
    for (const bin of ['/usr/bin/socat', '/usr/bin/uml_mconsole']) if (!existsSync(bin)) return `${bin} is missing (make devkit installs socat and uml-utilities)`;
    if (!existsSync(join(this.root, '.devkit-root')) || !existsSync(join(this.s.kit, 'id_ed25519'))) return `no devkit root at ${this.root} (run make devkit: about a minute, once)`;
    if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing (modprobe tun)';
    if (/[\s"']/.test(this.root + this.s.src)) return `the devkit and project paths must not contain spaces or quotes (${this.root})`;
    return null;
  }

  /** The guest's Node.js version, from the root's dpkg database (no boot needed). */
  nodeVersion(): string | undefined {
    try {
      const status = readFileSync(join(this.root, 'var/lib/dpkg/status'), 'utf8');
      return /^Package: nodejs\n(?:[^\n]+\n)*?Version: ([^\n]+)/m.exec(status)?.[1];
    } catch {
      return undefined;
    }
  }

  /** The pid of the `timeout` that runs the guest, while it runs. */
  pid(): number | undefined {
    try {
      const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
      const ours = pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`umid=${this.s.name}`);
      return ours && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  isUp(): boolean {
    return this.pid() !== undefined && nsExists(this.s.ns);
  }

  /** How ssh reaches the guest: the alias in our ssh_config, and its ProxyCommand again on the command line. */
  endpoint(): SshEndpoint {
    return {
      host: GUEST_ALIAS,
      user: 'root',
      configFile: this.sshConfig,
      options: [`HostName=${this.s.guestIp}`, `ProxyCommand=${proxyCommand(this.s.ns)}`],
    };
  }

  /** Boots the guest unless it is up; a guest this process booted is halted by release() or at exit. */
  async ensureUp(): Promise<void> {
    if (this.isUp()) {
      this.writeSshConfig();
      return;
    }
    if (this.boots >= MAX_BOOTS) throw new Error(`the UML guest died ${this.boots} times in this run; not booting it again (see ${this.consoleLog})`);
    this.boots++;
    await this.boot();
  }

  /** Boots the guest; `keep`: it is not this process's to halt (make devkit-up). */
  async boot(keep = false): Promise<void> {
    const bad = this.problems();
    if (bad) throw new Error(bad);
    await this.doHalt(false); // a dead guest's namespace and mconsole dir
    mkdirSync(this.run, { recursive: true });
    this.writeSshConfig();
    const init = join(this.root, 'sbin/uml-init');
    copyFileSync(join(PROJECT, 'devkit/uml-init'), init); // the init of this checkout, even in an older root
    chmodSync(init, 0o755);
    rmSync(this.scratchImage, { force: true });
    writeFileSync(this.scratchImage, '');
    truncateSync(this.scratchImage, this.s.scratchGb * 2 ** 30);
    await createNet(this.s);
    if (!keep) {
      owners.add(this);
      if (this.owned === undefined) {
        this.owned = new Cleanup();
        this.owned.add(() => this.halt());
      }
    }
    const s = this.s;
    const log = openSync(this.consoleLog, 'w');
    const [cmd, ...args] = inNet(s.ns, [
      'timeout', String(s.maxLifeSec), s.kernel,
      `umid=${s.name}`, `mem=${s.memMb}M`, 'root=/dev/root', 'rootfstype=hostfs', `rootflags=${this.root}`, 'rw',
      'init=/sbin/uml-init', `guest_ip=${s.guestIp}/${s.prefix}`, `src=${s.src}`, `ubd0=${this.scratchImage}`, 'scratch=/dev/ubda',
      `vec0:transport=tap,ifname=${s.tap},gro=1`, 'con=null', 'con0=fd:0,fd:1', 'ssl=null',
    ]);
    const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${s.kernel}`);
    writeFileSync(this.pidFile, `${child.pid}\n`);
    const deadline = Date.now() + s.bootTimeoutMs;
    while (!(await answers(s.ns, s.guestIp, 22))) {
      if (!alive(child.pid) || Date.now() > deadline) {
        const what = alive(child.pid) ? `did not answer on ssh within ${s.bootTimeoutMs} ms` : 'exited while booting';
        const tail = this.consoleTail();
        await this.doHalt(false);
        throw new Error(`the UML guest ${what}; console:\n${tail}`);
      }
      await sleep(100);
    }
  }

  /** At the end of a run: halts the guest if this process booted it (a `make devkit-up` guest stays up). */
  async release(): Promise<void> {
    const owned = this.owned;
    if (owned === undefined) return;
    this.owned = undefined;
    await owned.run(); // returns at once when a Ctrl-C's cleanup took its undo already: then join that halt
    await this.halting;
  }

  /** mconsole halt (it never gets its answer: capped), then SIGTERM, then SIGKILL; then the namespace goes. */
  halt(): Promise<void> {
    this.halting ??= this.doHalt(true).finally(() => (this.halting = undefined));
    return this.halting;
  }

  private async doHalt(notify: boolean): Promise<void> {
    if (notify) await this.beforeHalt?.().catch(() => {});
    const pid = this.pid();
    if (pid !== undefined) {
      await runProcess('uml_mconsole', [this.s.name, 'halt'], { timeoutMs: 2_000 });
      if (!(await this.waitGone(pid, 10_000))) {
        signal(pid, 'SIGTERM'); // `timeout` passes it on; UML exits cleanly on SIGTERM
        await this.waitGone(pid, 5_000);
      }
    }
    for (const p of this.umlProcesses()) signal(p, 'SIGKILL');
    await deleteNet(this.s.ns);
    rmSync(this.pidFile, { force: true });
    rmSync(this.scratchImage, { force: true });
    rmSync(join(homedir(), '.uml', this.s.name), { recursive: true, force: true });
    owners.delete(this); // only now: should the process exit before this point, the exit hook halts the guest
  }

  /** The same for an exiting process: synchronous, and without the mconsole wait. */
  haltSync(): void {
    this.owned = undefined;
    const pid = this.pid();
    if (pid !== undefined) {
      spawnSync('uml_mconsole', [this.s.name, 'halt'], { timeout: 2_000, stdio: 'ignore' });
      for (let i = 0; i < 100 && alive(pid); i++) sleepSync(50);
      if (alive(pid)) signal(pid, 'SIGTERM');
      for (let i = 0; i < 60 && alive(pid); i++) sleepSync(50);
    }
    for (const p of this.umlProcesses()) signal(p, 'SIGKILL');
    if (nsExists(this.s.ns)) spawnSync('ip', ['netns', 'del', this.s.ns], { stdio: 'ignore' });
    rmSync(this.pidFile, { force: true });
    rmSync(this.scratchImage, { force: true });
    owners.delete(this);
  }

  /** linux.uml processes of this guest (UML runs guest processes as host processes with its command line). */
  umlProcesses(): number[] {
    const mark = `umid=${this.s.name}`;
    return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(mark) && alive(p);
      } catch {
        return false;
      }
    });
  }

  private async waitGone(pid: number, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (alive(pid)) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    return true;
  }

  private consoleTail(): string {
    try {
      return readFileSync(this.consoleLog, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    } catch {
      return '(no console log)';
    }
  }

  /** ssh_config for the guest; the host key is pinned from the root (its sshd's own key). */
  private writeSshConfig(): void {
    mkdirSync(this.run, { recursive: true });
    const known = join(this.run, 'known_hosts');
    const hostKey = readFileSync(join(this.root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(known, `${GUEST_ALIAS} ${hostKey}\n`);
    writeFileSync(this.sshConfig, [
      `Host ${GUEST_ALIAS}`,
      `  HostName ${this.s.guestIp}`,
      '  User root',
      `  IdentityFile ${join(this.s.kit, 'id_ed25519')}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  ProxyCommand ${proxyCommand(this.s.ns)}`,
      `  HostKeyAlias ${GUEST_ALIAS}`,
      `  UserKnownHostsFile ${known}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      '  ServerAliveInterval 5',
      '  ServerAliveCountMax 3',
      '',
    ].join('\n'));
  }
}
