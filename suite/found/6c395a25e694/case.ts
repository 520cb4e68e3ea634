// overlayfs / plain: step 1: rmdir a/y = ENOTEMPTY | rmdir a/y = 0
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=105 REPLAY=495:0:4:1:1:1:1:1:1:1:1:1:2:2:1:4:4:3:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/6c395a25e694',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"a":{"kind":"dir","children":{"y":{"kind":"dir","children":{"z":{"kind":"whiteout"}},"meta":{}}},"meta":{}}}},
  steps: [
    // rmdir a/y
    {"op":{"op":"rmdir","path":"a/y"}},
  ],
};
