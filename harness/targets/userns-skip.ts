// What a case needs that a user namespace with only root mapped cannot give: the suite then
// skips it there, saying which.
import type { Case } from '../../suite/dsl.ts';
import { walk, type FixtureNode } from '../../suite/fixture.ts';
import type { Step } from '../../suite/steps.ts';

/** An id the namespace maps: its root, or -1 (leave unchanged). */
const mapped = (id: number | undefined) => id === undefined || id === 0 || id === -1;

/** A device other than the whiteout (0:0) needs CAP_MKNOD outside the namespace. */
const device = (kind: string, major = 0, minor = 0) => (kind === 'chr' || kind === 'blk') && (major !== 0 || minor !== 0);

function stepNeeds(st: Step): string | null {
  const op = st.op;
  // execfile runs the program as nobody, which the namespace does not map.
  if ((st.cred !== undefined && st.cred !== null) || op.op === 'execfile') return 'userns-one-uid';
  if ('uid' in op && (!mapped(op.uid) || !mapped(op.gid))) return 'userns-one-uid';
  if (op.op === 'mknod' && device(op.kind, op.major, op.minor)) return 'userns-no-mknod';
  return null;
}

function nodeNeeds(node: FixtureNode): string | null {
  if (!('meta' in node)) return null;
  if (!mapped(node.meta.uid) || !mapped(node.meta.gid)) return 'userns-one-uid';
  if (node.kind === 'chr' && device('chr', node.major, node.minor)) return 'userns-no-mknod';
  if (Object.keys(node.meta.xattrs ?? {}).some((n) => n.startsWith('trusted.'))) return 'userns-no-trusted-xattrs';
  return null;
}

/** The skip tag for a case a one-uid user namespace cannot run, or null when it can. */
export function userNamespaceSkip(c: Case): string | null {
  for (const st of c.steps) {
    const why = stepNeeds(st);
    if (why !== null) return why;
  }
  for (const tree of [...c.layers.lowers, ...(c.layers.upper ? [c.layers.upper] : [])]) {
    for (const [, node] of walk(tree)) {
      const why = nodeNeeds(node);
      if (why !== null) return why;
    }
  }
  return null;
}
