// The server thread: owns the union and its layer fds, registers the handler
// groups and serves requests on the /dev/fuse fd until the connection goes
// away, then closes the layer fds at once.
// Started by mount.ts (server-thread.ts) as a worker, possibly before its
// mount is known: it loads, says 'idle', and gets its mount's data in a
// 'serve' message. It never touches the mount point.
import { parentPort } from 'node:worker_threads';
import { Session } from './fuse/session.ts';
import { closeLayerFds } from './layer-fds.ts';
import type { LayerFds } from './union/layers.ts';
import { Union } from './union/union.ts';
import { registerEntryOps } from './ops/entry.ts';
import { registerNameOps } from './ops/names.ts';
import { registerRemoveOps } from './ops/remove.ts';
import { registerRenameOps } from './ops/rename.ts';
import { registerFileOps } from './ops/file.ts';
import { registerDirOps } from './ops/dir.ts';
import { registerXattrOps } from './ops/xattr.ts';

export interface ServerData { fuseFd: number; layers: LayerFds; userxattr: boolean; debug: boolean }

/**
 * From the server thread: modules loaded; ready to mount (union built);
 * FUSE INIT answered; connection gone and every layer fd closed.
 */
export type ServerMessage = { type: 'idle' } | { type: 'loaded' } | { type: 'init'; minor: number } | { type: 'done' };

/** To the server thread: its mount's data (it owns the layer fds from then on), then 'go' once mounted or 'stop'. */
export type ServerCommand = { type: 'serve'; data: ServerData } | { type: 'go' } | { type: 'stop' };

function openUnion(data: ServerData): Union {
  try {
    return new Union({ fds: data.layers, userxattr: data.userxattr });
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
    port.postMessage({ type: 'done' } satisfies ServerMessage);
    port.close();
  };
  let s: Session;
  try {
    s = new Session(data.fuseFd, {
      debug: data.debug,
      log: (line) => process.stderr.write(`unionref: ${line}\n`),
      onInit: (info) => {
        u.directIoLower = info.directIoAllowMmap;
        port.postMessage({ type: 'init', minor: info.minor } satisfies ServerMessage);
      },
    });
    registerEntryOps(s, u);
    registerNameOps(s, u);
    registerRemoveOps(s, u);
    registerRenameOps(s, u);
    registerFileOps(s, u);
    registerDirOps(s, u);
    registerXattrOps(s, u);
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
