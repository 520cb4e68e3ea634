// overlayfs / fuse-overlayfs: merged c: c: dir 0755 0:0 ino#2 mtime=T0 ctime=changed | c: dir 0755 0:0 ino#2 mtime=now ctime=changed
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=102 REPLAY=26:1:1:0:0:1:1:1:1:1:1:3:2:5:0:5:6:5:8:7:7:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/bc333bb4bfe4',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"c":{"kind":"dir","children":{"y":{"kind":"dir","children":{},"meta":{}}},"meta":{}}}]},
  steps: [
    // chown c/y 0 0
    {"op":{"op":"chown","path":"c/y","uid":0,"gid":0}},
    // chown c 0 0
    {"op":{"op":"chown","path":"c","uid":0,"gid":0}},
  ],
};
