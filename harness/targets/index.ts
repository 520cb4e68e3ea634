// TARGET string -> adapter.
import { aufsTarget } from './aufs.ts';
import { customTarget } from './custom.ts';
import { fuseOverlayfsTarget } from './fuse-overlayfs.ts';
import { overlayfsTarget } from './overlayfs.ts';
import { plainTarget } from './plain.ts';
import { referenceTarget } from './reference.ts';
import { sshTarget } from './ssh.ts';
import { umlTarget } from './uml.ts';
import { unionfsFuseTarget } from './unionfs-fuse.ts';
import { parseTarget, TargetError, type Target } from './target.ts';

const TARGETS: Record<string, (spec: string, options: string[]) => Target> = {
  reference: referenceTarget,
  plain: (spec, options) => {
    if (options.length) throw new TargetError(`plain takes no options (got ${options.join(',')})`);
    return plainTarget(spec);
  },
  overlayfs: overlayfsTarget,
  'fuse-overlayfs': fuseOverlayfsTarget,
  'unionfs-fuse': unionfsFuseTarget,
  aufs: aufsTarget,
  custom: customTarget,
};

export const targetNames = () => Object.keys(TARGETS);

export function makeTarget(spec: string): Target {
  if (spec.startsWith('ssh://')) return sshTarget(spec);
  if (spec === 'uml' || spec.startsWith('uml:')) return umlTarget(spec);
  const { name, options } = parseTarget(spec);
  const make = TARGETS[name];
  if (!make) throw new TargetError(`unknown target '${spec}': known targets are ${targetNames().join(', ')}`);
  return make(spec, options);
}
