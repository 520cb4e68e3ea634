// overlayfs / overlayfs:redirect_dir=on,index=on: upper d: (absent) | d: dir 0755 0:0 redirect="d"
// Reproduce: make fuzz TARGETS="overlayfs overlayfs:redirect_dir=on,index=on" SEED=104 REPLAY=965:0:1:0:1:0:0:0:1:1:1:0:2:4:4:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/3e8860a328d6',
  spec: 'What happens when I...',
  claim: "overlayfs and overlayfs:redirect_dir=on,index=on differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{},{"d":{"kind":"dir","children":{},"meta":{}}}],"upper":{"b":{"kind":"dir","children":{"y":{"kind":"fifo","meta":{}}},"meta":{}}}},
  steps: [
    // rename d b
    {"op":{"op":"rename","from":"d","to":"b"}},
  ],
};
