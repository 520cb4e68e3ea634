// A character device at each layer position, opened for reading and for writing.
// The calls reach the device (here the null device, 1:3) and alter neither the
// node's data nor its metadata, so "File copyup" copies nothing up: a lower
// device stays where it is, as kernel overlayfs leaves it.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { chr } from '../fixture.ts';
import { objectPath, place, POSITIONS, type Kind } from '../positions.ts';
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
