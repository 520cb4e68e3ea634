// Parsing of "-o a=b,c" strings with kernel overlayfs syntax: options split
// on unescaped commas, lowerdir split on unescaped colons, backslash escapes
// "\,", "\:" and "\\". Unknown options are an error.
import {
  MS_DIRSYNC, MS_NOATIME, MS_NODEV, MS_NODIRATIME, MS_NOEXEC, MS_NOSUID, MS_RDONLY,
  MS_RELATIME, MS_SILENT, MS_STRICTATIME, MS_SYNCHRONOUS,
} from '../sys/libc.ts';
import { type Config, UsageError } from './config.ts';
import type { PassthroughMode } from '../fuse/session.ts';

/** Splits on sep unless preceded by a backslash; keeps escapes for a later unescape. */
export function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1]!;
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

export function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Generic VFS flags: [flag to set, flag to clear]. */
const FLAG_OPTIONS: Record<string, [number, number]> = {
  ro: [MS_RDONLY, 0], rw: [0, MS_RDONLY],
  nosuid: [MS_NOSUID, 0], suid: [0, MS_NOSUID],
  nodev: [MS_NODEV, 0], dev: [0, MS_NODEV],
  noexec: [MS_NOEXEC, 0], exec: [0, MS_NOEXEC],
  sync: [MS_SYNCHRONOUS, 0], async: [0, MS_SYNCHRONOUS],
  dirsync: [MS_DIRSYNC, 0],
  noatime: [MS_NOATIME, 0], atime: [0, MS_NOATIME],
  nodiratime: [MS_NODIRATIME, 0], diratime: [0, MS_NODIRATIME],
  relatime: [MS_RELATIME, 0], norelatime: [0, MS_RELATIME],
  strictatime: [MS_STRICTATIME, 0],
  silent: [MS_SILENT, 0], loud: [0, MS_SILENT],
};

/** Accepted and ignored: fstab-only words, and FUSE options the reference always sets. */
const IGNORED = new Set(['defaults', 'auto', 'noauto', 'user', 'nouser', 'users', '_netdev', 'nofail',
  'allow_other', 'default_permissions']);

/** overlayfs options accepted only with the values that describe what the reference does. */
const COMPAT_VALUES: Record<string, readonly string[]> = {
  redirect_dir: ['off', 'nofollow'],
  index: ['off'],
  metacopy: ['off'],
  nfs_export: ['off'],
  xino: ['auto', 'on', 'off'],
  uuid: ['null', 'off', 'auto', 'on'],
};

export interface ParsedOptions {
  lowerdirs: string[];
  upperdir: string | null;
  workdir: string | null;
  userxattr: boolean;
  passthrough: PassthroughMode;
  volatile: boolean;
  setFlags: number;
  clearFlags: number;
  source: string | null;
}

export function emptyOptions(): ParsedOptions {
  return { lowerdirs: [], upperdir: null, workdir: null, userxattr: false, passthrough: 'auto', volatile: false, setFlags: 0, clearFlags: 0, source: null };
}

/** Applies one -o argument (comma separated list) to acc. */
export function parseOptionString(opts: string, acc: ParsedOptions): ParsedOptions {
  for (const raw of splitEscaped(opts, ',')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    const key = eq < 0 ? raw : raw.slice(0, eq);
    const value = eq < 0 ? null : raw.slice(eq + 1);
    if (key === 'lowerdir') {
      if (value === null || value === '') throw new UsageError('lowerdir= needs at least one directory');
      const dirs = splitEscaped(value, ':').map(unescape);
      if (dirs.some((d) => d === '')) throw new UsageError(`lowerdir="${value}": empty layer (data-only "::" layers are not supported)`);
      acc.lowerdirs = dirs;
    } else if (key === 'lowerdir+') {
      if (value === null || value === '') throw new UsageError('lowerdir+= needs a directory');
      acc.lowerdirs.push(unescape(value));
    } else if (key === 'upperdir' || key === 'workdir') {
      if (value === null || value === '') throw new UsageError(`${key}= needs a directory`);
      acc[key] = unescape(value);
    } else if (key === 'userxattr' && value === null) {
      acc.userxattr = true;
    } else if (key === 'volatile' && value === null) {
      acc.volatile = true;
    } else if (key === 'passthrough') {
      if (value !== 'auto' && value !== 'on' && value !== 'off') throw new UsageError(`option ${raw}: passthrough= takes auto, on or off`);
      acc.passthrough = value;
    } else if (key === 'fsname' && value !== null && value !== '') {
      acc.source = unescape(value);
    } else if (value === null && key in FLAG_OPTIONS) {
      const [set, clear] = FLAG_OPTIONS[key]!;
      acc.setFlags = (acc.setFlags & ~clear) | set;
      acc.clearFlags = (acc.clearFlags & ~set) | clear;
    } else if (value === null && IGNORED.has(key)) {
      // nothing to do
    } else if (key.startsWith('x-')) {
      // userspace-only mount options (x-systemd.*, ...)
    } else if (key in COMPAT_VALUES) {
      const allowed = COMPAT_VALUES[key]!;
      if (value === null || !allowed.includes(value)) {
        throw new UsageError(`option ${raw}: unionref supports only ${allowed.map((v) => `${key}=${v}`).join(', ')}`);
      }
    } else {
      throw new UsageError(`unknown option "${raw}"`);
    }
  }
  return acc;
}

export function toConfig(p: ParsedOptions, mountpoint: string, rest: Partial<Config>): Config {
  if (p.lowerdirs.length === 0) throw new UsageError('missing lowerdir= (at least one lower layer is required)');
  if ((p.upperdir === null) !== (p.workdir === null)) {
    throw new UsageError(p.upperdir === null ? 'workdir= given without upperdir=' : 'upperdir= given without workdir=');
  }
  if (p.lowerdirs.length > 500) throw new UsageError('too many lower layers (at most 500)');
  let flags = p.setFlags;
  if (p.upperdir === null) flags |= MS_RDONLY;
  return {
    lowerdirs: p.lowerdirs,
    upperdir: p.upperdir,
    workdir: p.workdir,
    mountpoint,
    source: p.source ?? rest.source ?? 'unionref',
    userxattr: p.userxattr,
    passthrough: p.passthrough,
    volatile: p.volatile && p.upperdir !== null, // as overlayfs: meaningless without an upper layer, ignored
    mountFlags: flags,
    foreground: rest.foreground ?? false,
    debug: rest.debug ?? false,
    readyFd: rest.readyFd ?? null,
    logFile: rest.logFile ?? null,
  };
}
