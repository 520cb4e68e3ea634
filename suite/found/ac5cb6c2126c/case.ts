// reference / overlayfs: step 1: listdir c = [] | listdir c = [x:chr:ino#2]
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=1979:0:0:0:0:3:1:1:1:1:1:1:1:3:2:4:4:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/ac5cb6c2126c',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"c":{"kind":"dir","children":{"x":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // listdir c
    {"op":{"op":"listdir","path":"c"}},
  ],
};
