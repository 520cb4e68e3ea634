// A target: a union filesystem (or the plain-directory oracle) the suite drives.
import type { Host } from '../host.ts';
import type { FormatReader } from '../formats/vocabulary.ts';
import type { FormatWriter } from '../layer-writer.ts';
import type { Action } from '../plan/plan.ts';
import type { Case } from '../../suite/dsl.ts';

/** Where one case's layers and mount live. */
export interface Layout {
  caseDir: string;
  mnt: string;
  lowers: string[];
  upper?: string;
  work?: string;
  /** Where a size-limited tmpfs holding upper and work is mounted, when the case asks for one. */
  upperFs?: { path: string; bytes: number };
}

export interface Target {
  /** The TARGET string as given, e.g. overlayfs:redirect_dir=on */
  name: string;
  /** True for the plain directory: no layers, the POSIX oracle. */
  oracle: boolean;
  host: Host;
  reader?: FormatReader;
  writer?: FormatWriter;
  /** Null when the target can run here, else what is missing, said plainly. */
  check(): Promise<string | null>;
  /** When set and non-null, every case is reported as skip:<tag> (the filesystem is not here), and `why` is said once. */
  skipReason?(): { tag: string; why: string } | null;
  /** A skip tag for a case this target cannot run (a user namespace has no other uid), or null. */
  skipCase?(c: Case): string | null;
  layout(caseDir: string, lowerCount: number): Layout;
  /**
   * What mounts the union at l.mnt: requests to the case's executor (mount(2) on the target's
   * machine; a case of such a target goes out in one piece), or barriers the harness runs
   * itself (a FUSE daemon). Building the actions does nothing yet.
   */
  mount(l: Layout): Action[];
  unmount(l: Layout): Action[];
  /** Frees a hung mount (FUSE: abort the connection) and detaches it. */
  abort(l: Layout): Promise<void>;
  /** Ends what the target keeps running across cases (a mount server); the run calls it once at its end. */
  close?(): Promise<void>;
}

export class TargetError extends Error {}

/** Splits `name:opt=v,opt2` into the name and its options. */
export function parseTarget(spec: string): { name: string; options: string[] } {
  const i = spec.indexOf(':');
  if (i < 0) return { name: spec, options: [] };
  return { name: spec.slice(0, i), options: spec.slice(i + 1).split(',').filter(Boolean) };
}

export function standardLayout(caseDir: string, lowerCount: number): Layout {
  return {
    caseDir,
    mnt: `${caseDir}/mnt`,
    lowers: Array.from({ length: lowerCount }, (_, i) => `${caseDir}/lower${i}`),
    upper: `${caseDir}/upper`,
    work: `${caseDir}/work`,
  };
}
