// Everything a run must undo — mounts, processes, scratch dirs — in one place, undone once:
// at the end of the run, and on Ctrl-C, SIGTERM, SIGHUP, a closed stdout or a crash of the harness.
//
// One walker per list. A run's list is walked by the run itself, in its `finally`: a signal
// only stops the run (nothing new starts, and its executors are killed so that the case at
// work ends now), waits for that walk, and exits with 128 + the signal's number. Other lists
// (a UML guest booted outside a run) are walked once the runs are done. A stdout whose reader
// has gone (`| head -1`) stops the run the same way and exits quietly with 141, as SIGPIPE
// would. A second signal walks every list at once without waiting for the runs; a third
// exits there and then (the next run sweeps what is left: workspace.ts).
type Undo = () => unknown;

interface Killable {
  kill(): Promise<void>;
}

const live = new Set<Cleanup>();
let trapped = false;
let stopping: number | null = null;
let pressed = 0;
const stopper = new AbortController();

/** Aborted once the process is stopping: a command a target runs can take it, to end at once. */
export const stopSignal: AbortSignal = stopper.signal;

/** The exit code the process is stopping with, or null while it runs on. */
export const stopCode = (): number | null => stopping;

const say = (line: string) => process.stderr.write(`\nunion-conformance: ${line}\n`);

const walkAll = () => Promise.allSettled([...live].map((c) => c.run()));

async function stopThenExit(code: number): Promise<void> {
  stopper.abort();
  for (let runs = [...live].filter((c) => c.ownerWalks); runs.length; runs = [...live].filter((c) => c.ownerWalks)) {
    await Promise.allSettled(runs.map((c) => c.stop()));
  }
  await walkAll();
  process.exit(code);
}

function onSignal(code: number, why: string): void {
  if (stopping === null) {
    stopping = code;
    say(`${why}: cleaning up mounts and processes`);
    void stopThenExit(code);
  } else if (++pressed === 1) {
    say('cleaning up now, without waiting for the cases at work (again: quit at once)');
    void walkAll().then(() => process.exit(stopping ?? code));
  } else {
    say('quitting without cleaning up');
    process.exit(stopping);
  }
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (stopping !== null) return;
  stopping = e.code === 'EPIPE' ? 141 : 74;
  if (e.code !== 'EPIPE') say(`stdout: ${e.code ?? e.message}: cleaning up mounts and processes`);
  void stopThenExit(stopping);
}

/** Hooks the signals, stdout's errors and crashes; the CLI does it first thing, a Cleanup at the latest. */
export function trapSignals(): void {
  if (trapped) return;
  trapped = true;
  process.on('SIGINT', () => onSignal(130, 'interrupted'));
  process.on('SIGTERM', () => onSignal(143, 'terminated'));
  process.on('SIGHUP', () => onSignal(129, 'hangup'));
  process.stdout.on('error', onStdoutError);
  process.stderr.on('error', () => {
    // a stderr that is gone has no one left to tell
  });
  process.on('uncaughtException', (e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    if (stopping === null) onSignal(70, 'internal error');
  });
}

export class Cleanup {
  private readonly undos: Undo[] = [];
  /** The processes doing the work, killed when it is stopped. */
  private readonly workers = new Set<() => Promise<void>>();
  private closed = stopping !== null;
  private walk: Promise<void> | undefined;
  private walked!: () => void;
  private readonly done = new Promise<void>((r) => (this.walked = r));

  /**
   * `ownerWalks`: the code that made this list walks it (run()) once its work has ended, as a
   * run does in its `finally`; a signal then stops that work and waits for the walk.
   */
  constructor(readonly ownerWalks = false) {
    trapSignals();
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

  /** True once the run is being stopped or cleaned up: start nothing new. */
  get closing(): boolean {
    return this.closed;
  }

  /** Starts a process-backed helper and makes sure it is killed at the end. */
  async executor<T extends Killable>(start: () => T | Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the run is being cleaned up: no new processes');
    const it = await start();
    const kill = it.kill.bind(it);
    const undo = this.add(kill);
    this.workers.add(kill);
    it.kill = async () => {
      this.remove(undo);
      this.workers.delete(kill);
      await kill();
    };
    return it;
  }

  /** Starts nothing new and kills the workers; resolves once the owner has walked the list. */
  stop(): Promise<void> {
    this.closed = true;
    for (const kill of this.workers) void kill().catch(() => {});
    return this.done;
  }

  /** Walks the list; a second call joins the walk under way. */
  run(): Promise<void> {
    this.walk ??= this.undoAll();
    return this.walk;
  }

  private async undoAll(): Promise<void> {
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
    this.walked();
  }
}
