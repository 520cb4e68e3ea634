// reference / overlayfs: step 1: listdir b = [] | listdir b = [y:chr:ino#2]
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=137:0:0:1:1:1:1:3:1:1:4:5:3:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/b1b4310badfd',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"b":{"kind":"dir","children":{"y":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // listdir b
    {"op":{"op":"listdir","path":"b"}},
  ],
};
