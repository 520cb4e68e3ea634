// overlayfs / unionfs-fuse: merged d/y: d/y: dir 0755 0:0 ino#3 mtime=T0 ctime=same user.a="1" | d/y: dir 0755 0:0 ino#3 mtime=T0 ctime=same
// Reproduce: make fuzz TARGETS="overlayfs unionfs-fuse" SEED=103 REPLAY=4:0:0:1:1:0:1:1:1:1:1:1
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/e2c846612419',
  spec: 'What happens when I...',
  claim: "overlayfs and unionfs-fuse differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"d":{"kind":"dir","children":{"y":{"kind":"dir","children":{},"meta":{"xattrs":{"user.a":"1"}}}},"meta":{}}}]},
  steps: [
    // listdir /
    {"op":{"op":"listdir","path":"/"}},
  ],
};
