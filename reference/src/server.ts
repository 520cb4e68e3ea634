// The server thread: owns the union, its layer fds and the /dev/fuse fd, and
// serves the union (ops/unionfs.ts) through a FUSE session until the
// connection goes away, then closes the layer fds at once.
// Started by mount.ts (server-thread.ts) as a worker, possibly before its
// mount is known: it loads, says 'idle', and gets its mount's data in a
// 'serve' message. It never touches the mount point.
import { writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { type PassthroughMode, Session } from './fuse/session.ts';
import { closeLayerFds } from './layer-fds.ts';
import type { LayerFds } from './union/layers.ts';
import { UnionFs } from './ops/unionfs.ts';

export interface ServerData { fuseFd: number; layers: LayerFds; userxattr: boolean; debug: boolean; passthrough: PassthroughMode; volatile: boolean }

/**
 * From the server thread: modules loaded; ready to mount (union built);
 * FUSE INIT answered; connection gone and every layer fd closed.
 */
export type ServerMessage = { type: 'idle' } | { type: 'loaded' } | { type: 'init'; minor: number } | { type: 'done' };

/** To the server thread: its mount's data (it owns the layer fds from then on), then 'go' once mounted or 'stop'. */
export type ServerCommand = { type: 'serve'; data: ServerData } | { type: 'go' } | { type: 'stop' };

function openUnion(data: ServerData): UnionFs {
  try {
    return new UnionFs({ fds: data.layers, userxattr: data.userxattr, volatile: data.volatile });
  } catch (err) {
    closeLayerFds(data.layers);
    throw err;
  }
}

function main(port: NonNullable<typeof parentPort>, data: ServerData): void {
  // Errors are answers here (ENOENT for every negative lookup): no stack traces unless debugging.
  if (!data.debug) Error.stackTraceLimit = 0;
  const u = openUnion(data);
  // The moment the connection ends: a script's next step may be unmounting a layer's filesystem.
  const release = (): void => {
    u.close();
    closeLayerFds(data.layers);
    port.postMessage({ type: 'done' } satisfies ServerMessage);
    port.close();
  };
  let s: Session;
  try {
    s = new Session(data.fuseFd, u, {
      debug: data.debug,
      passthrough: data.passthrough,
      // The thread's serving loop never yields, so its process.stderr (flushed by its event loop) would hold every line until the end.
      log: (line) => writeSync(2, `unionref: ${line}\n`),
      onInit: (info) => port.postMessage({ type: 'init', minor: info.minor } satisfies ServerMessage),
    });
  } catch (err) {
    release();
    throw err;
  }
  port.once('message', (m: ServerCommand) => {
    try {
      if (m.type === 'go') s.run(); // blocks this thread until unmount
    } finally {
      release();
    }
  });
  port.postMessage({ type: 'loaded' } satisfies ServerMessage);
}

const port = parentPort;
if (port === null) throw new Error('server.ts runs as a worker thread');
port.once('message', (m: ServerCommand) => {
  if (m.type === 'serve') main(port, m.data);
});
port.postMessage({ type: 'idle' } satisfies ServerMessage);
