// Command line: unionref [-f] [-d] [-o OPTS]... [SOURCE] MOUNTPOINT, or unionref --serve
// (SOURCE is what mount.fuse passes first for `mount -t fuse.unionref SOURCE MNT`).
import { type Config, UsageError } from './config.ts';
import { emptyOptions, parseOptionString, toConfig } from './options.ts';

export const USAGE = `usage: unionref [-f] [-d] -o lowerdir=L1[:L2...][,upperdir=U,workdir=W][,userxattr] [SOURCE] MOUNTPOINT
       unionref --serve
  -f        stay in the foreground (default: return once mounted, serve in the background)
  -d        debug: log every FUSE request on stderr (implies -f)
  -o OPTS   kernel overlayfs option syntax; leftmost lowerdir is the top lower layer
  --serve   one process for many mounts: JSON requests on stdin, one answer per line on stdout
`;

export type ParsedArgv = { kind: 'help' } | { kind: 'serve' } | { kind: 'mount'; config: Config };

export function parseArgv(argv: readonly string[]): ParsedArgv {
  const opts = emptyOptions();
  const positional: string[] = [];
  let foreground = false;
  let debug = false;
  let readyFd: number | null = null;
  let logFile: string | null = null;
  let sawOptions = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return { kind: 'help' };
    if (a === '--serve') {
      if (argv.length > 1) throw new UsageError('--serve takes no other arguments');
      return { kind: 'serve' };
    }
    if (a === '-f') foreground = true;
    else if (a === '-d') { debug = true; foreground = true; }
    else if (a === '-o') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('-o needs an argument');
      parseOptionString(v, opts);
      sawOptions = true;
    } else if (a.startsWith('-o')) {
      parseOptionString(a.slice(2), opts);
      sawOptions = true;
    } else if (a.startsWith('--ready-fd=')) {
      readyFd = Number(a.slice('--ready-fd='.length));
      if (!Number.isInteger(readyFd) || readyFd < 3) throw new UsageError(`bad ${a} (an inherited fd, 3 or more)`);
    }
    else if (a.startsWith('--log=')) logFile = a.slice('--log='.length);
    else if (a === '--') positional.push(...argv.slice(i + 1)), i = argv.length;
    else if (a.startsWith('-') && a.length > 1) throw new UsageError(`unknown flag "${a}"`);
    else positional.push(a);
  }
  if (!sawOptions) throw new UsageError('missing -o lowerdir=...');
  if (positional.length === 0) throw new UsageError('missing mount point');
  if (positional.length > 2) throw new UsageError(`too many arguments: ${positional.join(' ')}`);
  const mountpoint = positional[positional.length - 1]!;
  const source = positional.length === 2 ? positional[0]! : undefined;
  const rest: Partial<Config> = { foreground, debug, readyFd, logFile };
  if (source !== undefined && source !== '') rest.source = source;
  return { kind: 'mount', config: toConfig(opts, mountpoint, rest) };
}
