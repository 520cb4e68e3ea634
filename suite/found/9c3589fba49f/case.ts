// overlayfs / plain: step 3: fstat f2 = fifo 0644 0:0 size=0 nlink=1 ino#1 mtime=T0 | fstat f2 = fifo 0644 0:0 size=0 nlink=1 ino#1 mtime=now
// Reproduce: make fuzz TARGETS="overlayfs plain" SEED=105 REPLAY=4993:1:0:0:0:4:4:7:7:7:10:10:9:8:9:9
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/9c3589fba49f',
  spec: 'What happens when I...',
  claim: "overlayfs and plain differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"a":{"kind":"fifo","meta":{}}}]},
  steps: [
    // open a O_RDWR|O_NONBLOCK f2
    {"op":{"op":"open","path":"a","flags":["O_RDWR","O_NONBLOCK"],"fd":"f2"}},
    // write f2 "w"
    {"op":{"op":"write","fd":"f2","data":{"b64":"dw=="}}},
    // fstat f2
    {"op":{"op":"fstat","fd":"f2"}},
  ],
};
