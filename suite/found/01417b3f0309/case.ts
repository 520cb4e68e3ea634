// overlayfs / plain: step 2: readrest d2 = [y:chr:ino#2] | readrest d2 = []
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=105 REPLAY=250:0:0:3:1:1:1:2:1:1:1:1:6
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/01417b3f0309',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"a":{"kind":"dir","children":{"y":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // opendir a d2
    {"op":{"op":"opendir","path":"a","dir":"d2"}},
    // readrest d2
    {"op":{"op":"readrest","dir":"d2"}},
  ],
};
