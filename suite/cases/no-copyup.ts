// "File copyup" lists the triggers and nothing else: reading calls leave the upper layer empty.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { KINDS, objectPath, place, POSITIONS } from '../positions.ts';
import { s } from '../steps.ts';
import type { Step } from '../steps.ts';

const READERS: { name: string; steps(p: string): Step[] }[] = [
  { name: 'open-rdonly-read', steps: (p) => [s.open(p, 'O_RDONLY', 'fd1'), s.read('fd1'), s.close('fd1')] },
  { name: 'stat', steps: (p) => [s.stat(p), s.lstat(p)] },
  { name: 'getxattr', steps: (p) => [s.getxattr(p, 'user.origin'), s.listxattr(p)] },
  { name: 'fstat', steps: (p) => [s.open(p, 'O_RDONLY', 'fd1'), s.fstat('fd1'), s.close('fd1')] },
  { name: 'open-creat-existing', steps: (p) => [s.open(p, 'O_RDONLY|O_CREAT', 'fd1', 0o600), s.close('fd1')] },
  { name: 'open-creat-excl-existing', steps: (p) => [s.open(p, 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o600)] },
  { name: 'readdir-parent', steps: () => [s.listdir('')] },
];

export const noCopyupCases: Case[] = READERS.flatMap((r) =>
  [POSITIONS.lower!, POSITIONS['lower-deep']!].map((pos) =>
    kase(`no-copyup/${r.name}`, `${pos.name}-file`, {
      spec: 'File copyup',
      claim: 'a call that alters neither data nor metadata nor links copies nothing up (and the top layer is noatime)',
      layers: place(pos, KINDS.file),
      steps: r.steps(objectPath(pos)),
      show: [objectPath(pos)],
    }),
  ),
);
