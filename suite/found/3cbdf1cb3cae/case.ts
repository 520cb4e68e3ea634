// overlayfs / fuse-overlayfs: step 1: chown a 0 0 = 0 | chown a 0 0 = EIO
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=102 REPLAY=46:1:0:0:0:2:0:3:4:4:1:1
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/3cbdf1cb3cae',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"a":{"kind":"fifo","meta":{}}}]},
  steps: [
    // chown a 0 0
    {"op":{"op":"chown","path":"a","uid":0,"gid":0}},
  ],
};
