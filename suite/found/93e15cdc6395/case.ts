// overlayfs / unionfs-fuse: merged b: b: file 0644 0:0 size=7 nlink=1 ino#2 mtime=T0 ctime=same data="lower0\n" user.a="1" | b: file 0644 0:0 size=7 nlink=1 ino#2 mtime=T0 ctime=same data="lower0\n"
// Reproduce: make fuzz TARGETS="overlayfs unionfs-fuse" SEED=103 REPLAY=7:0:1:0:1:1:1:1:1
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/93e15cdc6395',
  spec: 'What happens when I...',
  claim: "overlayfs and unionfs-fuse differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"b":{"kind":"file","data":"lower0\n","meta":{"xattrs":{"user.a":"1"}}}}]},
  steps: [
    // listdir /
    {"op":{"op":"listdir","path":"/"}},
  ],
};
