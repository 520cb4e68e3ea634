// reference / overlayfs: merged a: a: file 0644 0:0 size=0 nlink=1 ino#1 mtime=now ctime=changed data="" | a: file 0644 0:0 size=0 nlink=1 ino#1 mtime=T0 ctime=changed data=""
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=390:2:1:1:1:1:3:1:3:4:2
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/473bae4d68d0',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"a":{"kind":"file","data":"","meta":{}}}]},
  steps: [
    // truncate a 0
    {"op":{"op":"truncate","path":"a","len":0}},
  ],
};
