// An O_RDONLY fd of a lower file: metadata calls on it fail, and it keeps the lower data after a copyup.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';
import type { Step } from '../steps.ts';

const ON_RO_FD: { name: string; step: Step }[] = [
  { name: 'fchmod', step: s.fchmod('fd1', 0o600) },
  { name: 'fchown', step: s.fchown('fd1', 1000, 1000) },
  { name: 'futimens', step: s.futimens('fd1', s.T1, s.T1) },
  { name: 'fsetxattr', step: s.fsetxattr('fd1', 'user.new', 'v') },
];

const failing: Case[] = ON_RO_FD.map(({ name, step }) =>
  kase(`ro-fd/${name}`, 'lower-file', {
    spec: 'File copyup',
    claim: `${name}() on an fd opened O_RDONLY fails: the fd refers to the object on the hard read-only lower layer, which cannot be swapped for a copy; nothing is copied up. The errno is not named by the spec; the lower layer is read-only, so EROFS`,
    layers: { lowers: [{ f: lowerFile() }] },
    steps: [s.open('f', 'O_RDONLY', 'fd1'), step, s.fstat('fd1'), s.close('fd1')],
    accepts: ['ro-fd-metadata-succeeds'],
    posix: `POSIX lets ${name}() succeed on an O_RDONLY fd; the spec lists this as a known non-POSIX behaviour ("Known non-POSIX behaviors", "File copyup")`,
  }),
);

/** Ways another path (or fd) can copy the file up while fd1 is open O_RDONLY. */
const COPIERS: { name: string; steps: Step[] }[] = [
  { name: 'write', steps: [s.open('f', 'O_WRONLY|O_TRUNC', 'fd2'), s.write('fd2', 'new data\n'), s.close('fd2')] },
  { name: 'truncate', steps: [s.truncate('f', 2)] },
  { name: 'append', steps: [s.open('f', 'O_WRONLY|O_APPEND', 'fd2'), s.write('fd2', 'more\n'), s.close('fd2')] },
];

const stale: Case[] = COPIERS.map(({ name, steps }) =>
  kase('ro-fd/read-after-copyup', name, {
    spec: 'File copyup',
    claim: 'an fd opened O_RDONLY before a copyup keeps reading the lower data, as after an update by copy + rename()',
    layers: { lowers: [{ f: lowerFile() }] },
    steps: [s.open('f', 'O_RDONLY', 'fd1'), s.pread('fd1', 64, 0), ...steps, s.pread('fd1', 64, 0), s.fstat('fd1'), s.close('fd1')],
    accepts: ['fresh-fd-after-copyup', 'fstat-by-inode'],
    posix: 'on a plain file the old fd sees the new data (same inode); the spec makes copyup equivalent to copy + rename(), so the old fd keeps the old object ("File copyup", "Known non-POSIX behaviors")',
  }),
);

export const roFdCases: Case[] = [...failing, ...stale];
