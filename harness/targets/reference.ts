// The bundled reference filesystem, unionref, run in the foreground as our child.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { overlayReader, overlayWriter } from '../formats/overlayfs.ts';
import { localHost } from '../host.ts';
import { abortFuse, startFuse, stopFuse } from './fuse-daemon.ts';
import { standardLayout, TargetError, type Layout, type Target } from './target.ts';

const UNIONREF = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'reference/bin/unionref');

export function referenceTarget(name: string, options: string[]): Target {
  for (const o of options) if (o !== 'userxattr') throw new TargetError(`reference: unknown option '${o}' (known: userxattr)`);
  const prefix = options.includes('userxattr') ? 'user.overlay.' : 'trusted.overlay.';
  return {
    name,
    oracle: false,
    host: localHost,
    reader: overlayReader(prefix),
    writer: overlayWriter(prefix),
    async check() {
      if (process.getuid?.() !== 0) return 'the reference target needs root here (the suite switches users and mounts)';
      if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (modprobe fuse)';
      if (!existsSync(UNIONREF)) return `${UNIONREF} is missing`;
      return null;
    },
    layout: standardLayout,
    mount: (l: Layout) =>
      startFuse([UNIONREF, '-f', '-o', [`lowerdir=${l.lowers.join(':')}`, `upperdir=${l.upper}`, `workdir=${l.work}`, ...options].join(','), l.mnt], l.mnt),
    unmount: (l: Layout) => stopFuse(l.mnt),
    abort: (l: Layout) => abortFuse(l.mnt),
  };
}
