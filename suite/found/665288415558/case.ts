// reference / overlayfs: step 3: fsetxattr f1 user.a "w" XATTR_REPLACE = ENOENT | fsetxattr f1 user.a "w" XATTR_REPLACE = ENODATA
// Reproduce: make fuzz TARGETS="reference overlayfs" SEED=101 REPLAY=4750:0:2:7:7:7:5:6:9:9:11:12:15:15:15:8
import type { Case } from '../../dsl.ts';

export const found: Case = {
  id: 'found/665288415558',
  spec: 'What happens when I...',
  claim: "reference and overlayfs differ where no deviation tag explains it",
  tags: ['found'],
  layers: {"lowers":[{}]},
  steps: [
    // open d O_RDONLY|O_CREAT|O_NONBLOCK f1 0644
    {"op":{"op":"open","path":"d","flags":["O_RDONLY","O_CREAT","O_NONBLOCK"],"fd":"f1","mode":420}},
    // unlink d
    {"op":{"op":"unlink","path":"d"}},
    // fsetxattr f1 user.a "w" XATTR_REPLACE
    {"op":{"op":"fsetxattr","fd":"f1","name":"user.a","value":{"b64":"dw=="},"flags":["XATTR_REPLACE"]}},
  ],
};
