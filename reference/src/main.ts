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
import { findMount } from './sys/mountinfo.ts';
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
  const layers = openLayerFds({ upper: layout.upper, lowers: layout.lowers, work: layout.work }, layout.mountpoint);
  process.chdir('/'); // hold no directory busy; layers are reached through their fds
  let fuseFd: number;
  try {
    fuseFd = fs.openSync('/dev/fuse', 'r+');
  } catch (err) {
    die(`cannot open /dev/fuse: ${errnoName(errnoOf(err))}`, 1);
  }
  const data: ServerData = { fuseFd, layers, userxattr: cfg.userxattr, debug: cfg.debug };
  const worker = startServer(data);
  const mnt = layout.mountpoint;
  let mounted = false;
  let stopping = false;
  let initialized = false;

  /** Returns true when the mount went away at once (not busy). */
  const unmount = (): boolean => {
    if (!mounted) return true;
    try {
      umount2(mnt, 0);
      return true;
    } catch {
      try {
        umount2(mnt, MNT_DETACH); // busy: detach now, serve until the last user lets go
      } catch {
        // already gone
      }
      return false;
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
      initialized = true;
      raiseReadahead(mnt);
      ready(cfg);
    }
  });
  worker.on('error', (err) => {
    process.stderr.write(`unionref: server failed: ${err.stack ?? String(err)}\n`);
    unmount();
    process.exit(1);
  });
  worker.on('exit', (code) => {
    if (!initialized && !stopping) {
      process.stderr.write(`unionref: the connection ended before FUSE INIT (mount ${mounted ? 'made' : 'not made'}; unmounted or aborted from outside?)\n`);
      process.exit(1);
    }
    mounted = false;
    process.exit(stopping ? 0 : code);
  });
  // First signal: unmount; the server thread ends when the kernel closes the
  // connection. A copy of the mount in another mount namespace (one created
  // while we were mounted) keeps the connection open, so after a clean
  // unmount we wait 2 s at most. A busy mount is detached and served until
  // its last user lets go. A second signal exits at once.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(0);
      stopping = true;
      if (unmount()) setTimeout(() => process.exit(0), 2000).unref();
    });
  }
}

/**
 * Runs server.ts in a worker thread. From the esbuild bundle (bin/unionref
 * builds one into node_modules/.cache/unionref) the worker loads
 * server.mjs directly; from TypeScript sources it registers tsx first, as
 * workers do not inherit --import hooks.
 */
function startServer(data: ServerData): Worker {
  if (import.meta.url.endsWith('.mjs')) return new Worker(new URL('./server.mjs', import.meta.url), { workerData: data });
  const serverUrl = new URL('./server.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(serverUrl)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

/**
 * FUSE gets the default 128 KiB readahead, so buffered reads arrive as
 * 128 KiB requests; 1 MiB (the largest request, max_pages) makes large
 * sequential reads about three times faster. Best effort.
 */
function raiseReadahead(mnt: string): void {
  const m = findMount(mnt);
  if (m === undefined || m.fstype !== FSTYPE) return;
  try {
    fs.writeFileSync(`/sys/class/bdi/${m.devMajor}:${m.devMinor}/read_ahead_kb`, '1024');
  } catch {
    // not root, or no sysfs: keep the default
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
