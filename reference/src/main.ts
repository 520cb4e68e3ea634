// unionref entry point (main thread): parse and validate options, open the
// layers and /dev/fuse, mount, start the server thread, report readiness,
// and unmount cleanly on SIGINT/SIGTERM/SIGHUP. Exit codes: 0 ok, 1 bad
// input or mount failure, 2 usage.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { parseArgv, USAGE } from './cli/argv.ts';
import { type Config, UsageError } from './cli/config.ts';
import { prepareWorkdir, validate, ValidationError } from './cli/validate.ts';
import { errnoName, errnoOf } from './sys/errno.ts';
import { dup2, MNT_DETACH, mount, umount2 } from './sys/libc.ts';
import { openLayerFds } from './union/layers.ts';
import { Format } from './union/format.ts';
import type { ServerData, ServerMessage } from './server.ts';

const FSTYPE = 'fuse.unionref';

function die(msg: string, code: number): never {
  process.stderr.write(`unionref: ${msg}\n`);
  process.exit(code);
}

function start(cfg: Config): void {
  const layout = validate(cfg);
  prepareWorkdir(layout, new Format(cfg.userxattr).prefix);
  process.umask(0); // modes arrive already masked by the caller's umask
  const layers = openLayerFds({ upper: layout.upper, lowers: layout.lowers, work: layout.work });
  process.chdir('/'); // hold no directory busy; layers are reached through their fds
  let fuseFd: number;
  try {
    fuseFd = fs.openSync('/dev/fuse', 'r+');
  } catch (err) {
    die(`cannot open /dev/fuse: ${errnoName(errnoOf(err))}`, 1);
  }
  const data: ServerData = { fuseFd, layers, userxattr: cfg.userxattr, debug: cfg.debug };
  const serverUrl = new URL('./server.ts', import.meta.url).href;
  // Workers do not inherit --import hooks: register tsx in the worker before loading the server.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(serverUrl)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: data });
  const mnt = layout.mountpoint;
  let mounted = false;
  let stopping = false;

  const unmount = (): void => {
    if (!mounted) return;
    try {
      umount2(mnt, 0);
    } catch {
      try {
        umount2(mnt, MNT_DETACH); // busy: detach now, serve until the last user lets go
      } catch {
        // already gone
      }
    }
  };

  worker.on('message', (m: ServerMessage) => {
    if (m.type === 'loaded') {
      try {
        const uid = process.getuid?.() ?? 0;
        const gid = process.getgid?.() ?? 0;
        mount(cfg.source, mnt, FSTYPE, cfg.mountFlags,
          `fd=${fuseFd},rootmode=40000,user_id=${uid},group_id=${gid},allow_other,default_permissions`);
        mounted = true;
      } catch (err) {
        process.stderr.write(`unionref: mount ${mnt}: ${errnoName(errnoOf(err))}\n`);
        process.exit(1);
      }
      worker.postMessage('go');
    } else if (m.type === 'init') {
      ready(cfg);
    }
  });
  worker.on('error', (err) => {
    process.stderr.write(`unionref: server failed: ${err.stack ?? String(err)}\n`);
    unmount();
    process.exit(1);
  });
  worker.on('exit', (code) => {
    mounted = false;
    process.exit(stopping ? 0 : code);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      stopping = true;
      unmount();
    });
  }
}

/** Mounted and INIT answered: tell the waiting wrapper, then let go of its terminal/pipes. */
function ready(cfg: Config): void {
  if (cfg.readyFifo !== null) {
    try {
      fs.writeFileSync(cfg.readyFifo, 'ok\n');
    } catch {
      // the wrapper went away; keep serving
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
  if (parsed.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  start(parsed.config);
} catch (err) {
  if (err instanceof UsageError) die(`${err.message}\n${USAGE}`, 2);
  if (err instanceof ValidationError) die(err.message, 1);
  throw err;
}
