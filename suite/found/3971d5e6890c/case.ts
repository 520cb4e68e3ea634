// overlayfs / fuse-overlayfs: merged d: d: dir 0755 0:0 ino#1 mtime=T0 ctime=changed user.a="w" | d: dir 0755 0:0 ino#4 mtime=T0 ctime=changed user.a="w"
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=102 REPLAY=37:1:0:0:0:1:0:0:2:0:0:0:0:0:0:1:1:3:3:3:4:5:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/3971d5e6890c',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"a":{"kind":"file","data":"lower0\n","meta":{}}},{"d":{"kind":"dir","children":{"y":{"kind":"dir","children":{},"meta":{}}},"meta":{}}}]},
  steps: [
    // setxattr d user.a "w"
    {"op":{"op":"setxattr","path":"d","name":"user.a","value":{"b64":"dw=="},"flags":[]}},
    // remount
    {"op":{"op":"remount"}},
  ],
};
