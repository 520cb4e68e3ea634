// overlayfs / fuse-overlayfs: upper c: (absent) | c: file 0644 0:0 size=7 mtime=T0 data="lower1\n"
// Reproduce: make fuzz TARGETS="overlayfs fuse-overlayfs" SEED=303 REPLAY=31:0:1:1:0:0:0:3:2
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/a256271b202c',
  spec: 'What happens when I...',
  claim: "overlayfs and fuse-overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{},{"c":{"kind":"file","data":"lower1\n","meta":{}}}]},
  steps: [
    // removexattr c user.a
    {"op":{"op":"removexattr","path":"c","name":"user.a"}},
  ],
};
