// A character device and a fifo at each layer position, opened and used. The
// calls reach the device (here the null device, 1:3) or the pipe and alter
// neither the node's data nor its metadata, so "File copyup" copies nothing up:
// a lower device or fifo stays where it is, as kernel overlayfs leaves it. A
// plain directory marks a fifo's times at a write (POSIX write(): "upon
// successful completion ... mark for update the last data modification and last
// file status change timestamps"). In a union the pipe is the union's inode's:
// the node in its layer is not written, and kernel overlayfs, fuse-overlayfs,
// unionfs-fuse and the reference all report its times unchanged.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { chr } from '../fixture.ts';
import { KINDS, objectPath, place, POSITIONS, type Kind } from '../positions.ts';
import { s } from '../steps.ts';
import type { Step } from '../steps.ts';

const NULL_DEVICE: Kind = { name: 'chr', entries: () => ({ f: chr(1, 3) }), companions: [] };

const OPENS: { name: string; claim: string; steps(p: string): Step[] }[] = [
  { name: 'open-rdonly', claim: 'open() O_RDONLY of a character device reads from the device (the null device: end of file)', steps: (p) => [s.open(p, 'O_RDONLY', 'fd1'), s.read('fd1'), s.close('fd1')] },
  { name: 'open-wronly', claim: 'open() O_WRONLY of a character device writes to the device and copies nothing up: the node\'s data and metadata are unchanged', steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.write('fd1', 'x\n'), s.close('fd1')] },
];

export const deviceCases: Case[] = OPENS.flatMap((o) =>
  [POSITIONS.lower!, POSITIONS['lower-deep1']!, POSITIONS.upper!].map((pos) =>
    kase(`device/${o.name}`, pos.name, {
      spec: 'File copyup', claim: o.claim,
      layers: place(pos, NULL_DEVICE), steps: o.steps(objectPath(pos)),
    }),
  ),
);

export const fifoCases: Case[] = [POSITIONS.lower!, POSITIONS['lower-deep1']!, POSITIONS.upper!].map((pos) =>
  kase('fifo/write-read', pos.name, {
    spec: 'File copyup',
    claim: 'a fifo opened O_RDWR carries what is written to it to its reader and copies nothing up',
    layers: place(pos, KINDS.fifo), steps: [s.open(objectPath(pos), 'O_RDWR', 'fd1'), s.write('fd1', 'x\n'), s.read('fd1', 2), s.close('fd1')],
    posix: 'POSIX marks a fifo\'s mtime and ctime at a write; in a union the pipe is the union\'s inode\'s and the layer\'s node keeps its times ("File copyup": nothing is copied up)',
  }),
);
