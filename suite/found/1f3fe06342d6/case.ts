// overlayfs / fuse-overlayfs: merged a: a: symlink 0777 0:0 size=1 nlink=1 ino#1 mtime=T0 ctime=new -> "a" | a: symlink 0777 0:0 size=1 nlink=1 ino#1 mtime=now ctime=new -> "a"
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=102 REPLAY=31:0:0:1:0:0:0:2:0:0:3:4:4:2
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/1f3fe06342d6',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"d":{"kind":"symlink","target":"a","meta":{}}}]},
  steps: [
    // rename d a
    {"op":{"op":"rename","from":"d","to":"a"}},
  ],
};
