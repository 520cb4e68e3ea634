// TARGET=custom:FILE — an implementer's own filesystem, described by a small config file:
//   mount = COMMAND        placeholders {lowers} {upper} {work} {mnt}; split on spaces, no shell
//   unmount = COMMAND      default: umount {mnt}
//   format = NAME          overlayfs | overlayfs-userxattr | fuse-overlayfs | unionfs-fuse | aufs
//   foreground = yes|no    yes: the mount command serves in the foreground (a FUSE -f daemon)
//   lower-separator = :    how {lowers} joins the lower layers, topmost first
//   mount-timeout = 15     seconds the mount command may take (foreground: until the mount is there)
import { execFile, type ExecFileException } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FORMATS } from '../formats/index.ts';
import { localHost, must } from '../host.ts';
import { mountsUnder } from '../mounts.ts';
import { stopSignal } from '../cleanup.ts';
import { abortFuse, mountInfo, MountError, startFuse, stopFuse } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export interface CustomConfig {
  mount: string[];
  unmount: string[];
  format: string;
  foreground: boolean;
  lowerSeparator: string;
  /** Present when the file sets it; MOUNT_TIMEOUT_S otherwise. */
  mountTimeoutS?: number;
}

const KEYS = ['mount', 'unmount', 'format', 'foreground', 'lower-separator', 'mount-timeout'];
const MOUNT_TIMEOUT_S = 15;

export function parseCustomConfig(text: string, file: string): CustomConfig {
  const kv = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const m = /^([a-z-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new TargetError(`${file}:${i + 1}: expected "key = value", got "${raw.trim()}"`);
    if (!KEYS.includes(m[1]!)) throw new TargetError(`${file}:${i + 1}: unknown key '${m[1]}' (known: ${KEYS.join(', ')})`);
    kv.set(m[1]!, m[2]!);
  });
  const mount = kv.get('mount');
  if (!mount) throw new TargetError(`${file}: no 'mount = ...' line`);
  const format = kv.get('format') ?? 'overlayfs';
  if (!FORMATS[format]) throw new TargetError(`${file}: unknown format '${format}' (known: ${Object.keys(FORMATS).join(', ')})`);
  const foreground = kv.get('foreground') ?? 'no';
  if (!/^(yes|no)$/.test(foreground)) throw new TargetError(`${file}: foreground must be yes or no, got '${foreground}'`);
  const timeout = kv.get('mount-timeout');
  if (timeout !== undefined && !(/^\d+$/.test(timeout) && Number(timeout) >= 1 && Number(timeout) <= 3600)) {
    throw new TargetError(`${file}: mount-timeout must be a whole number of seconds from 1 to 3600, got '${timeout}'`);
  }
  return {
    mount: mount.split(/\s+/),
    unmount: (kv.get('unmount') ?? 'umount {mnt}').split(/\s+/),
    format,
    foreground: foreground === 'yes',
    lowerSeparator: kv.get('lower-separator') ?? ':',
    ...(timeout !== undefined ? { mountTimeoutS: Number(timeout) } : {}),
  };
}

/**
 * Runs a mount command that returns once it has mounted, and checks that it did: one that
 * hangs is killed after `limitS`, and what one mounts elsewhere in the case's directory is
 * detached. Ends at once when the run is stopped.
 */
async function mountWith(argv: string[], l: Layout, limitS: number): Promise<void> {
  const before = new Set(mountsUnder(l.caseDir));
  const error = await new Promise<ExecFileException | null>((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: limitS * 1000, killSignal: 'SIGKILL', signal: stopSignal }, (e, _out, stderr) => {
      if (e && typeof e.code === 'number') e.message = `exit ${e.code}: ${stderr.trim()}`;
      resolve(e);
    });
  });
  if (error?.code === 'ABORT_ERR') throw new MountError(`${argv[0]}: stopped with the run`);
  if (error?.killed) throw new MountError(`${argv.join(' ')}: timed out after ${limitS} s`);
  if (error) throw new MountError(`${argv.join(' ')}: ${typeof error.code === 'string' ? error.code : error.message}`);
  if (mountInfo(l.mnt)) return;
  const elsewhere = mountsUnder(l.caseDir).filter((m) => !before.has(m)).reverse();
  for (const m of elsewhere) await localHost.run(['umount', '-l', m]);
  const where = elsewhere.length ? ` (it mounted ${elsewhere.join(', ')}: detached)` : '';
  throw new MountError(`${argv[0]} exited 0 but nothing was mounted at ${l.mnt}${where}`);
}

export function customTarget(name: string, options: string[]): Target {
  const file = options.join(',');
  if (!file) throw new TargetError('custom needs a config file: TARGET=custom:/path/to/target.conf');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TargetError(`custom: cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  const cfg = parseCustomConfig(text, file);
  const { reader, writer } = FORMATS[cfg.format]!();
  const limitS = cfg.mountTimeoutS ?? MOUNT_TIMEOUT_S;
  const fill = (argv: string[], l: Layout) =>
    argv.map((a) => a.replaceAll('{lowers}', l.lowers.join(cfg.lowerSeparator)).replaceAll('{upper}', l.upper!).replaceAll('{work}', l.work!).replaceAll('{mnt}', l.mnt));
  return {
    name,
    oracle: false,
    host: localHost,
    reader,
    writer,
    async check() {
      const which = await localHost.run(['sh', '-c', 'command -v "$1"', 'sh', cfg.mount[0]!]);
      return which.code === 0 ? null : `the mount command '${cfg.mount[0]}' of ${file} is not found`;
    },
    layout: standardLayout,
    mount: (l: Layout) => [{
      what: `${cfg.mount[0]} on ${l.mnt}`,
      async run() {
        if (cfg.foreground) await startFuse(fill(cfg.mount, l), l.mnt, limitS * 1000);
        else await mountWith(fill(cfg.mount, l), l, limitS);
      },
    }],
    unmount: (l: Layout) => [{
      what: `umount ${l.mnt}`,
      async run() {
        if (cfg.foreground && cfg.unmount.join(' ') === 'umount {mnt}') return stopFuse(l.mnt);
        await must(localHost, fill(cfg.unmount, l));
      },
    }],
    async abort(l: Layout) {
      if (mountInfo(l.mnt)?.fsType.startsWith('fuse') || cfg.foreground) return abortFuse(l.mnt);
      await localHost.run(['umount', '-l', l.mnt]);
    },
  };
}
