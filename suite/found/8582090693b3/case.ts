// reference / overlayfs: step 2: nlink b = 1 | nlink b = 2
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=976:1:0:0:4:1:1:1:19:11:3:8:5:4
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/8582090693b3',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{"a":{"kind":"dir","children":{},"meta":{}},"b":{"kind":"file","data":"lower0\n","meta":{}}}]},
  steps: [
    // link b a/x
    {"op":{"op":"link","from":"b","to":"a/x"}},
    // nlink b
    {"op":{"op":"nlink","path":"b"}},
    // lchown a 0 0
    {"op":{"op":"lchown","path":"a","uid":0,"gid":0}},
  ],
};
