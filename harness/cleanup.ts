// Everything a run must undo — mounts, processes, scratch dirs — in one place,
// undone at the end, on Ctrl-C, on SIGTERM and on a crash of the harness.
type Undo = () => unknown;

interface Killable {
  kill(): Promise<void>;
}

const live = new Set<Cleanup>();
let hooked = false;

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  const bail = (code: number, why: string) => {
    process.stderr.write(`\nunion-conformance: ${why}: cleaning up mounts and processes\n`);
    void Promise.allSettled([...live].map((c) => c.run())).then(() => process.exit(code));
  };
  process.once('SIGINT', () => bail(130, 'interrupted'));
  process.once('SIGTERM', () => bail(143, 'terminated'));
  process.once('SIGHUP', () => bail(129, 'hangup'));
  process.once('uncaughtException', (e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    bail(70, 'internal error');
  });
}

export class Cleanup {
  private readonly undos: Undo[] = [];
  private closed = false;

  constructor() {
    hookSignals();
    live.add(this);
  }

  /** Registers an undo step; undone in reverse order. Returns a handle for remove(). */
  add(undo: Undo): Undo {
    this.undos.push(undo);
    return undo;
  }

  remove(undo: Undo): void {
    const i = this.undos.lastIndexOf(undo);
    if (i >= 0) this.undos.splice(i, 1);
  }

  /** True once the run is being cleaned up (its end, or Ctrl-C): start nothing new. */
  get closing(): boolean {
    return this.closed;
  }

  /** Starts a process-backed helper and makes sure it is killed at the end. */
  async executor<T extends Killable>(start: () => T | Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the run is being cleaned up: no new processes');
    const it = await start();
    const undo = this.add(() => it.kill());
    const kill = it.kill.bind(it);
    it.kill = async () => {
      this.remove(undo);
      await kill();
    };
    return it;
  }

  async run(): Promise<void> {
    this.closed = true;
    while (this.undos.length) {
      const undo = this.undos.pop()!;
      try {
        await undo();
      } catch (e) {
        process.stderr.write(`cleanup: ${(e as Error).message}\n`);
      }
    }
    live.delete(this);
  }
}
