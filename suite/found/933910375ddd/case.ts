// reference / overlayfs: upper d: d: file 0644 0:0 size=7 mtime=T0 data="lower2\n" | (absent)
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=1726:0:0:0:0:1:0:1:0:0:0:0:1:6:5:3
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/933910375ddd',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{},{"d":{"kind":"file","data":"lower2\n","meta":{}}}]},
  steps: [
    // open d O_RDONLY|O_APPEND|O_NONBLOCK f1
    {"op":{"op":"open","path":"d","flags":["O_RDONLY","O_APPEND","O_NONBLOCK"],"fd":"f1"}},
  ],
};
