// overlayfs / fuse-overlayfs: step 1: rmdir b/x = ENOTEMPTY | rmdir b/x = 0
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=102 REPLAY=49:0:0:0:1:3:1:1:1:1:1:1:1:2:1:1:5:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/bd98e58f8ace',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"b":{"kind":"dir","children":{"x":{"kind":"dir","children":{"z":{"kind":"whiteout"}},"meta":{}}},"meta":{}}}},
  steps: [
    // rmdir b/x
    {"op":{"op":"rmdir","path":"b/x"}},
  ],
};
