// Starting server.ts in a worker thread. A thread takes 20-60 ms to start
// (a new isolate, then the bundle and koffi), which would be most of a mount's
// cost; server mode keeps one spare thread loaded ahead of the next mount.
import { Worker } from 'node:worker_threads';
import type { ServerMessage } from './server.ts';

export class ServerThread {
  /** Resolves once the thread has loaded and waits for its mount's data. */
  readonly idle: Promise<void>;

  private constructor(readonly worker: Worker) {
    this.idle = new Promise((resolve) => {
      const onMessage = (m: ServerMessage): void => {
        if (m.type !== 'idle') return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
    });
  }

  private static spare: ServerThread | null = null;
  private static prewarming = false;

  /** From now on, keep one loaded thread in reserve (server mode). */
  static prewarm(): void {
    ServerThread.prewarming = true;
    ServerThread.spare ??= ServerThread.startSpare();
  }

  /** A thread for a new mount: the spare if there is a live one, else a new one. */
  static take(): ServerThread {
    const t = ServerThread.spare;
    ServerThread.spare = null;
    if (ServerThread.prewarming) ServerThread.spare = ServerThread.startSpare();
    if (t !== null && t.worker.threadId !== -1) {
      t.worker.ref();
      return t;
    }
    return new ServerThread(startWorker());
  }

  private static startSpare(): ServerThread {
    const w = startWorker();
    w.unref(); // a spare keeps no process alive
    const t = new ServerThread(w);
    const drop = (): void => {
      if (ServerThread.spare === t) ServerThread.spare = null;
    };
    w.on('error', drop);
    w.on('exit', drop);
    return t;
  }
}

/**
 * From the esbuild bundle (bin/unionref builds one into
 * node_modules/.cache/unionref) the worker loads server.mjs directly; from
 * TypeScript sources it registers tsx first, as workers do not inherit
 * --import hooks.
 */
function startWorker(): Worker {
  if (import.meta.url.endsWith('.mjs')) return new Worker(new URL('./server.mjs', import.meta.url));
  const serverUrl = new URL('./server.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(serverUrl)}); })`;
  return new Worker(boot, { eval: true });
}
