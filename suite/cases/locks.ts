// Locks on a lower file across a copyup through another fd or path. The spec
// makes copyup invisible to the processes using the file (a copy and a
// rename(), "File copyup"), and says nothing of locks: a union must not lose
// one. Each case takes a lock, asks whether another open file description
// would be excluded (lockprobe, harness/executor/locks.ts), copies the file
// up, and asks again; then unlocks and asks a third time.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, KINDS, copiesUp, objectPath, place, placeName } from '../positions.ts';
import { s, type Step } from '../steps.ts';
import type { ProbeKind } from '../../harness/ops/fields.ts';
import { copyupNotes } from './copyup-notes.ts';

interface Lock {
  name: string;
  /** How the lock's fd is opened: a write lock needs one open for writing, which copies the file up itself. */
  open: string;
  take(fd: string): Step;
  drop(fd: string): Step;
  probe: ProbeKind;
}

const LOCKS: Lock[] = [
  { name: 'flock-sh', open: 'O_RDONLY', take: (fd) => s.flock(fd, 'LOCK_SH'), drop: (fd) => s.flock(fd, 'LOCK_UN'), probe: 'flock' },
  { name: 'flock-ex', open: 'O_RDONLY', take: (fd) => s.flock(fd, 'LOCK_EX'), drop: (fd) => s.flock(fd, 'LOCK_UN'), probe: 'flock' },
  { name: 'posix-rd', open: 'O_RDONLY', take: (fd) => s.setlk(fd, 'posix', 'F_RDLCK'), drop: (fd) => s.setlk(fd, 'posix', 'F_UNLCK'), probe: 'record' },
  { name: 'posix-wr', open: 'O_RDWR', take: (fd) => s.setlk(fd, 'posix', 'F_WRLCK'), drop: (fd) => s.setlk(fd, 'posix', 'F_UNLCK'), probe: 'record' },
  { name: 'ofd-rd', open: 'O_RDONLY', take: (fd) => s.setlk(fd, 'ofd', 'F_RDLCK'), drop: (fd) => s.setlk(fd, 'ofd', 'F_UNLCK'), probe: 'record' },
  { name: 'ofd-wr', open: 'O_RDWR', take: (fd) => s.setlk(fd, 'ofd', 'F_WRLCK'), drop: (fd) => s.setlk(fd, 'ofd', 'F_UNLCK'), probe: 'record' },
];

/** Ways to copy the file up while it is locked. Closing fd2 drops the process's POSIX locks on the file, as on any filesystem. */
const COPIERS: { name: string; steps(p: string): Step[] }[] = [
  { name: 'write', steps: (p) => [s.open(p, 'O_WRONLY', 'fd2'), s.pwrite('fd2', 'HE', 0), s.close('fd2')] },
  { name: 'chmod', steps: (p) => [s.chmod(p, 0o600)] },
  { name: 'truncate', steps: (p) => [s.truncate(p, 2)] },
  { name: 'setxattr', steps: (p) => [s.setxattr(p, 'user.new', 'v')] },
];

export const lockCases: Case[] = LOCKS.flatMap((l) =>
  COPIERS.flatMap((c) =>
    VISIBLE_POSITIONS.map((pos) => {
      const p = objectPath(pos);
      return kase(`lock/${l.name}/${c.name}`, placeName(pos, KINDS.file), {
        spec: 'File copyup',
        claim: copiesUp(pos)
          ? `a ${l.name} lock taken on a lower file still excludes another open file description after ${c.name} copies the file up, and is released by unlocking`
          : `a ${l.name} lock on a file already on top excludes another open file description across ${c.name}, as on any filesystem`,
        layers: place(pos, KINDS.file),
        steps: [
          s.open(p, l.open, 'fd1'), l.take('fd1'), s.lockprobe(p, l.probe), ...c.steps(p), s.lockprobe(p, l.probe),
          l.drop('fd1'), s.lockprobe(p, l.probe), s.close('fd1'),
        ],
        ...copyupNotes(pos, 'file'),
      });
    }),
  ),
);
