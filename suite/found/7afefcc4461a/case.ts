// overlayfs / unionfs-fuse: step 1: renameat2 d a RENAME_EXCHANGE = EXDEV | renameat2 d a RENAME_EXCHANGE = EINVAL
// Reproduce: make fuzz TARGETS="overlayfs unionfs-fuse" SEED=103 REPLAY=11:0:0:0:0:2:0:1:0:0:0:0:0:0:7:5:3:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/7afefcc4461a',
  spec: 'What happens when I...',
  claim: "overlayfs and unionfs-fuse differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{},{"a":{"kind":"file","data":"unlinked\n","meta":{}},"d":{"kind":"dir","children":{},"meta":{}}}]},
  steps: [
    // renameat2 d a RENAME_EXCHANGE
    {"op":{"op":"renameat2","from":"d","to":"a","flags":["RENAME_EXCHANGE"]}},
  ],
};
