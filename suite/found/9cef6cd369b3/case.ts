// overlayfs / unionfs-fuse: step 1: setxattr b user.a "w" = 0 | setxattr b user.a "w" = EOPNOTSUPP
// Reproduce: make fuzz TARGETS="overlayfs unionfs-fuse" SEED=103 REPLAY=8:0:0:2:0:0:0:0:0:0:3:3:3:3:3:2
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/9cef6cd369b3',
  spec: 'What happens when I...',
  claim: "overlayfs and unionfs-fuse differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{},{"b":{"kind":"dir","children":{},"meta":{}}}]},
  steps: [
    // setxattr b user.a "w"
    {"op":{"op":"setxattr","path":"b","name":"user.a","value":{"b64":"dw=="},"flags":[]}},
  ],
};
