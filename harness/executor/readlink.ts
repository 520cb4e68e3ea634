// readlink(2) of an object named by an At.

import type { At } from './case-root.ts';
import { SysError } from './errors.ts';
import { raw, sys } from './libc.ts';

const PATH_MAX = 4096;
const buffer = Buffer.alloc(PATH_MAX);

export function readlinkAt(at: At): string {
  try {
    const n = sys('readlink', () => raw.readlinkat(at.dirfd, at.name, buffer, PATH_MAX));
    return buffer.toString('utf8', 0, n);
  } catch (e) {
    // On an fd's own object readlinkat answers ENOENT for anything but a
    // symlink, where readlink(2) of a path to it answers EINVAL.
    if (at.name === '' && e instanceof SysError && e.errno === 'ENOENT') throw new SysError('EINVAL', 'readlink');
    throw e;
  }
}
