// overlayfs / plain: merged b: b: dir 0755 0:0 ino#1 mtime=now ctime=same | b: dir 0755 0:0 ino#1 mtime=now ctime=changed
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=105 REPLAY=61:1:0:1:0:0:0:1:2:1:1:3:4:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/16a3128f2680',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"c":{"kind":"file","data":"lower0\n","meta":{}}}],"upper":{"b":{"kind":"dir","children":{"x":{"kind":"whiteout"}},"meta":{}}}},
  steps: [
    // mknod b/x fifo 0644
    {"op":{"op":"mknod","path":"b/x","kind":"fifo","mode":420}},
  ],
};
