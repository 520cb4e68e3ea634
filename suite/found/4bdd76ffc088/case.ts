// overlayfs / unionfs-fuse: step 1: lsetxattr d user.a "w" = 0 | lsetxattr d user.a "w" = EOPNOTSUPP
// Reproduce: make fuzz TARGETS="overlayfs unionfs-fuse" SEED=103 REPLAY=10:0:0:1:0:0:0:0:1:6:5:5:5:3:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/4bdd76ffc088',
  spec: 'What happens when I...',
  claim: "overlayfs and unionfs-fuse differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"d":{"kind":"dir","children":{},"meta":{}}}]},
  steps: [
    // lsetxattr d user.a "w"
    {"op":{"op":"lsetxattr","path":"d","name":"user.a","value":{"b64":"dw=="},"flags":[]}},
  ],
};
