// The server thread: owns the union and the /dev/fuse fd, registers the
// handler groups and serves requests until the connection goes away.
// Started by main.ts as a worker; it never touches the mount point.
import { parentPort, workerData } from 'node:worker_threads';
import { Session } from './fuse/session.ts';
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

export type ServerMessage = { type: 'loaded' } | { type: 'init'; minor: number } | { type: 'done' };

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('server.ts runs as a worker thread');
  const data = workerData as ServerData;
  // Errors are answers here (ENOENT for every negative lookup): no stack traces unless debugging.
  if (!data.debug) Error.stackTraceLimit = 0;
  const u = new Union({ fds: data.layers, userxattr: data.userxattr });
  const s = new Session(data.fuseFd, {
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
  port.once('message', () => {
    try {
      s.run(); // blocks this thread until unmount
    } finally {
      u.handles.closeAll(); // layer fds belong to the main thread and go with the process
      port.postMessage({ type: 'done' } satisfies ServerMessage);
      port.close();
    }
  });
  port.postMessage({ type: 'loaded' } satisfies ServerMessage);
}

main();
