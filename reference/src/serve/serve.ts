// unionref --serve: one long-lived process for many mounts. Requests come
// one per line on stdin (protocol.ts) and are carried out concurrently; at
// stdin EOF, SIGINT or SIGTERM every mount is unmounted (detached if busy)
// and the process exits 0. A second signal exits at once.
import * as readline from 'node:readline';
import { ServerThread } from '../server-thread.ts';
import { MountTable } from './mounts.ts';
import { BadRequest, errorLine, parseRequest, type ServeReply } from './protocol.ts';

export function serve(): void {
  const table = new MountTable(process.cwd());
  ServerThread.prewarm();
  const answer = (r: ServeReply): void => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
  };

  const handle = async (line: string): Promise<void> => {
    let req;
    try {
      req = parseRequest(line);
    } catch (err) {
      answer({ id: err instanceof BadRequest ? err.id : null, ok: false, error: errorLine(err) });
      return;
    }
    try {
      if (req.op === 'mount') await table.mount(req.options, req.mnt);
      else await table.unmount(req.mnt);
      answer({ id: req.id, ok: true });
    } catch (err) {
      answer({ id: req.id, ok: false, error: errorLine(err) });
    }
  };

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(0);
    stopping = true;
    void table.closeAll().finally(() => process.exit(0));
  };

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() !== '' && !stopping) void handle(line);
  });
  lines.on('close', () => {
    if (!stopping) stop();
  });
  process.stdout.on('error', () => {
    if (!stopping) stop(); // EPIPE: the client is gone
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, stop);
}
