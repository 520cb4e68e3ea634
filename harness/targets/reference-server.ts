// One `unionref --serve` child: it mounts and unmounts unions on request
// (JSON lines, reference/src/serve/protocol.ts), so a mount costs a worker
// thread instead of a node process. Killed with SIGKILL (by pid) when it does
// not answer, and on exit of this process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mountInfo, ownMounts, type MountSpace } from '../mounts.ts';

/** The server did not answer in time, or is gone. */
export class ServerGone extends Error {}

type Reply = { id: number; ok: true } | { id: number; ok: false; error: string };
type Request = { op: 'mount'; options: string; mnt: string } | { op: 'unmount'; mnt: string };

interface Waiter {
  req: Request;
  resolve: (error: string | null) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const live = new Set<ReferenceServer>();
process.on('exit', () => {
  for (const s of live) s.killNow();
});

export class ReferenceServer {
  /** Mount points this server may hold (mount requested, not yet unmounted). */
  readonly mounts = new Set<string>();
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, Waiter>();
  private readonly exited: Promise<void>;
  private nextId = 1;
  private stderr = '';
  private gone: string | null = null;

  /**
   * `start`: the unionref script, or what starts `unionref --serve` elsewhere (over ssh, in the UML guest);
   * `space`: where a local server runs and mounts (a user namespace's, for the userxattr variant).
   */
  constructor(start: string | (() => ChildProcess), private readonly space: MountSpace = ownMounts) {
    if (typeof start === 'string') {
      const argv = space.enter([start, '--serve']);
      this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    } else {
      this.child = start();
    }
    live.add(this);
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    this.child.stdin!.on('error', () => {}); // EPIPE once it has exited: reported through 'exit'
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) => {
      const end = (why: string) => {
        live.delete(this);
        this.gone ??= `unionref --serve ${why}${this.stderr.trim() ? `: ${this.stderr.trim()}` : ''}`;
        for (const w of this.waiting.values()) {
          clearTimeout(w.timer);
          w.reject(new ServerGone(this.gone));
        }
        this.waiting.clear();
        resolve();
      };
      this.child.once('exit', (code, signal) => end(`exited (${code ?? signal})`));
      this.child.once('error', (e) => end(`failed to start: ${e.message}`));
    });
  }

  get alive(): boolean {
    return this.gone === null;
  }

  /** Resolves with null (done) or the server's error line; rejects with ServerGone when no answer comes in time. */
  request(req: Request, timeoutMs: number): Promise<string | null> {
    if (this.gone !== null) return Promise.reject(new ServerGone(this.gone));
    const id = this.nextId++;
    if (req.op === 'mount') this.mounts.add(req.mnt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new ServerGone(`unionref --serve did not answer ${req.op} ${req.mnt} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { req, resolve, reject, timer });
      this.child.stdin!.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  /** Ends stdin: the server unmounts everything (detaching busy mounts) and exits; killed if it takes longer than ms. */
  async close(ms = 10_000): Promise<void> {
    this.child.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)));
    const r = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (r === 'late') await this.kill();
    this.detachLeftovers();
  }

  /** SIGKILL: its connections die with it; what it had mounted is detached. */
  async kill(): Promise<void> {
    this.killNow();
    await this.exited;
  }

  /** Synchronous, for process exit. */
  killNow(): void {
    if (this.gone === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    this.detachLeftovers();
  }

  private detachLeftovers(): void {
    const table = this.space.table();
    for (const mnt of this.mounts) {
      if (mountInfo(mnt, table)?.fsType === 'fuse.unionref') {
        const argv = this.space.enter(['umount', '-l', mnt]);
        spawnSync(argv[0]!, argv.slice(1));
      }
    }
    this.mounts.clear();
  }

  private onLine(line: string): void {
    let r: Reply;
    try {
      r = JSON.parse(line) as Reply;
    } catch {
      return;
    }
    const w = this.waiting.get(r.id);
    if (w === undefined) return; // answered after its timeout
    this.waiting.delete(r.id);
    clearTimeout(w.timer);
    // Mounted, or not: forget it once an unmount worked or a mount failed.
    if (r.ok === (w.req.op === 'unmount')) this.mounts.delete(w.req.mnt);
    w.resolve(r.ok ? null : r.error);
  }
}
