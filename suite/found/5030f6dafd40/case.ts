// reference / overlayfs: merged c: c: file 0644 0:0 size=0 nlink=1 ino#1 mtime=now ctime=changed data="" | c: file 0644 0:0 size=0 nlink=1 ino#1 mtime=T0 ctime=changed data=""
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=91:0:0:3:1:1:1:2:6:5:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/5030f6dafd40',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{},{"c":{"kind":"file","data":"","meta":{}}}]},
  steps: [
    // truncate c 0
    {"op":{"op":"truncate","path":"c","len":0}},
  ],
};
