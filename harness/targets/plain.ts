// The oracle: a plain directory holding what the union should show. No layers.
import { localHost } from '../host.ts';
import type { Target } from './target.ts';

export function plainTarget(name: string): Target {
  return {
    name,
    oracle: true,
    host: localHost,
    check: async () => null,
    layout: (caseDir) => ({ caseDir, mnt: `${caseDir}/mnt`, lowers: [] }),
    mount: () => [],
    unmount: () => [],
    abort: async () => {},
  };
}
