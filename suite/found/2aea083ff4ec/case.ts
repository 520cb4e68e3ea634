// reference / overlayfs: step 1: rmdir b = 0 | rmdir b = ENOTEMPTY
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=3527:0:0:0:3:1:1:1:1:2:1:1:4:3:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/2aea083ff4ec',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"b":{"kind":"dir","children":{"y":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // rmdir b
    {"op":{"op":"rmdir","path":"b"}},
  ],
};
