// overlayfs / fuse-overlayfs: step 3: stat b = dir 0644 0:0 ino#2 mtime=T0 | stat b = dir 0644 0:0 ino#2 mtime=now
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=102 REPLAY=50:0:1:1:0:0:0:0:0:0:0:3:0:3:5:7:7:7:10:9:10:9:12:8:8
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/3458079836bb',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"b":{"kind":"dir","children":{"y":{"kind":"dir","children":{},"meta":{}}},"meta":{}}}]},
  steps: [
    // lchown b/y 0 0
    {"op":{"op":"lchown","path":"b/y","uid":0,"gid":0}},
    // chmod b 0644
    {"op":{"op":"chmod","path":"b","mode":420}},
    // stat b
    {"op":{"op":"stat","path":"b"}},
  ],
};
