// overlayfs / plain: step 1: listdir b = [x:chr:ino#2] | listdir b = []
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=11 REPLAY=53:0:0:3:1:1:1:1:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/c760994eaffb',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"b":{"kind":"dir","children":{"x":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // listdir b
    {"op":{"op":"listdir","path":"b"}},
  ],
};
