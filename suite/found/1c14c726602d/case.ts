// overlayfs / fuse-overlayfs: step 1: chmod a 0644 = 0 | chmod a 0644 = ENOMEM
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=303 REPLAY=38:1:1:1:3:2:1:1:1:1:1:1:1:1:1:2:1
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/1c14c726602d',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"a":{"kind":"symlink","target":"a","meta":{}}}],"upper":{"a":{"kind":"dir","children":{"y":{"kind":"dir","children":{},"meta":{}}},"meta":{}}}},
  steps: [
    // chmod a 0644
    {"op":{"op":"chmod","path":"a","mode":420}},
  ],
};
