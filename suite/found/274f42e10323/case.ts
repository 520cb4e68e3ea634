// overlayfs / plain: step 1: listdir a = [x:chr:ino#2] | listdir a = []
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=105 REPLAY=167:0:0:0:0:3:1:1:1:1:1:1:4:1:3:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/274f42e10323',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}],"upper":{"a":{"kind":"dir","children":{"x":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // listdir a
    {"op":{"op":"listdir","path":"a"}},
  ],
};
