// overlayfs / plain: step 1: listdir a = [y:chr:ino#2] | listdir a = []
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=105 REPLAY=121:0:0:0:3:1:1:1:3:2:3:4:2:2
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/369c0782c623',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"a":{"kind":"dir","children":{"y":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // listdir a
    {"op":{"op":"listdir","path":"a"}},
  ],
};
