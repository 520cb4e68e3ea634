// TARGET=custom:FILE — an implementer's own filesystem, described by a small config file:
//   mount = COMMAND        placeholders {lowers} {upper} {work} {mnt}; split on spaces, no shell
//   unmount = COMMAND      default: umount {mnt}
//   format = NAME          overlayfs | overlayfs-userxattr | fuse-overlayfs | unionfs-fuse | aufs
//   foreground = yes|no    yes: the mount command serves in the foreground (a FUSE -f daemon)
//   lower-separator = :    how {lowers} joins the lower layers, topmost first
import { readFileSync } from 'node:fs';
import { FORMATS } from '../formats/index.ts';
import { localHost, must } from '../host.ts';
import { abortFuse, mountInfo, startFuse, stopFuse } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

export interface CustomConfig {
  mount: string[];
  unmount: string[];
  format: string;
  foreground: boolean;
  lowerSeparator: string;
}

const KEYS = ['mount', 'unmount', 'format', 'foreground', 'lower-separator'];

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
  return {
    mount: mount.split(/\s+/),
    unmount: (kv.get('unmount') ?? 'umount {mnt}').split(/\s+/),
    format,
    foreground: foreground === 'yes',
    lowerSeparator: kv.get('lower-separator') ?? ':',
  };
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
        if (cfg.foreground) await startFuse(fill(cfg.mount, l), l.mnt);
        else await must(localHost, fill(cfg.mount, l));
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
