// unionref entry point (main thread): parse options, then either serve
// mount requests (--serve, serve/serve.ts) or make one mount (mount.ts),
// report readiness, and unmount cleanly on SIGINT/SIGTERM/SIGHUP. Exit codes:
// 0 ok, 1 bad input or mount failure, 2 usage.
import * as fs from 'node:fs';
import { parseArgv, USAGE } from './cli/argv.ts';
import { type Config, UsageError } from './cli/config.ts';
import { ValidationError } from './cli/validate.ts';
import { dup2 } from './sys/libc.ts';
import { MountFailure, UnionMount } from './mount.ts';
import { serve } from './serve/serve.ts';

function die(msg: string, code: number): never {
  process.stderr.write(`unionref: ${msg}\n`);
  process.exit(code);
}

/** A server unmounted a moment ago may still hold the upperdir/workdir lock for some milliseconds. */
const LOCK_WAIT_MS = 2000;

function start(cfg: Config): void {
  let stopping = false;
  const m = UnionMount.start(cfg, {
    ready: () => ready(cfg),
    failed: (msg) => {
      if (!stopping) die(msg, 1);
    },
    crashed: (err) => {
      process.stderr.write(`unionref: server failed: ${err.stack ?? String(err)}\n`);
      m.unmountSync();
      process.exit(1);
    },
    ended: (code) => process.exit(stopping ? 0 : code),
  }, { lockWaitMs: LOCK_WAIT_MS });
  // First signal: unmount; the server thread ends when the kernel closes the
  // connection. A copy of the mount in another mount namespace (one created
  // while we were mounted) keeps the connection open, so after a clean
  // unmount we wait 2 s at most. A busy mount is detached and served until
  // its last user lets go. A second signal exits at once.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(0);
      stopping = true;
      m.cancel();
      if (m.unmountSync()) setTimeout(() => process.exit(0), 2000).unref();
    });
  }
}

/** Mounted and INIT answered: tell the waiting wrapper, then let go of its terminal/pipes. */
function ready(cfg: Config): void {
  if (cfg.readyFd !== null) {
    try {
      fs.writeSync(cfg.readyFd, 'ok\n');
    } catch {
      // the wrapper went away (EPIPE); keep serving
    }
    try {
      fs.closeSync(cfg.readyFd); // the wrapper's end-of-file
    } catch {
      // not an open fd: nobody waits on it
    }
  }
  if (!cfg.foreground) {
    const fd = fs.openSync(cfg.logFile ?? '/dev/null', 'a');
    dup2(fd, 1);
    dup2(fd, 2);
    fs.closeSync(fd);
  }
}

try {
  const parsed = parseArgv(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (parsed.kind === 'serve') serve();
  else start(parsed.config);
} catch (err) {
  if (err instanceof UsageError) die(`${err.message}\n${USAGE}`, 2);
  if (err instanceof ValidationError || err instanceof MountFailure) die(err.message, 1);
  throw err;
}
