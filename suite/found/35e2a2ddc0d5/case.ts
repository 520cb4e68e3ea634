// reference / overlayfs: step 2: renameat2 b a RENAME_WHITEOUT = EINVAL | renameat2 b a RENAME_WHITEOUT = 0
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=783:1:0:0:0:4:3:7:7:7:11:10:5:5
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/35e2a2ddc0d5',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"b":{"kind":"file","data":"lower0\n","meta":{}}}]},
  steps: [
    // link b a
    {"op":{"op":"link","from":"b","to":"a"}},
    // renameat2 b a RENAME_WHITEOUT
    {"op":{"op":"renameat2","from":"b","to":"a","flags":["RENAME_WHITEOUT"]}},
  ],
};
