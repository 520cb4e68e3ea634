// The server thread: owns the union and the /dev/fuse fd, and serves the
// union (ops/unionfs.ts) through a FUSE session until the connection goes away.
// Started by mount.ts (server-thread.ts) as a worker, possibly before its
// mount is known: it loads, says 'idle', and gets its mount's data in a
// 'serve' message. It never touches the mount point.
import { parentPort } from 'node:worker_threads';
import { Session } from './fuse/session.ts';
import type { LayerFds } from './union/layers.ts';
import { UnionFs } from './ops/unionfs.ts';

export interface ServerData { fuseFd: number; layers: LayerFds; userxattr: boolean; debug: boolean }

/** From the server thread: modules loaded; ready to mount (union built); FUSE INIT answered; connection gone. */
export type ServerMessage = { type: 'idle' } | { type: 'loaded' } | { type: 'init'; minor: number } | { type: 'done' };

/** To the server thread: its mount's data, then 'go' once mounted. */
export type ServerCommand = { type: 'serve'; data: ServerData } | { type: 'go' };

function main(port: NonNullable<typeof parentPort>, data: ServerData): void {
  // Errors are answers here (ENOENT for every negative lookup): no stack traces unless debugging.
  if (!data.debug) Error.stackTraceLimit = 0;
  const u = new UnionFs({ fds: data.layers, userxattr: data.userxattr });
  const s = new Session(data.fuseFd, u, {
    debug: data.debug,
    log: (line) => process.stderr.write(`unionref: ${line}\n`),
    onInit: (info) => port.postMessage({ type: 'init', minor: info.minor } satisfies ServerMessage),
  });
  port.once('message', () => {
    try {
      s.run(); // blocks this thread until unmount
    } finally {
      u.close(); // layer fds belong to the main thread and go with the process
      port.postMessage({ type: 'done' } satisfies ServerMessage);
      port.close();
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
