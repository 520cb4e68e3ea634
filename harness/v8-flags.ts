// A run of a kernel target is a second or two of JavaScript on a machine with few cores:
// V8's optimizing compiler (TurboFan) works on background threads that take those cores
// from the executors and the harness, for code that is done before it pays back (the
// overlayfs suite on this 2-core VM: 1.61 s with it, 1.42 s without). A FUSE target's run
// is ten times longer and its server needs the cores: there the compiler stays on.
import { setFlagsFromString } from 'node:v8';

/** For the harness's process and, through the environment, its executors'. */
export const quickRunFlags = (quick: boolean): string => (quick ? '--no-opt' : '--opt');

export const V8_FLAGS_ENV = 'UNION_CONFORMANCE_V8_FLAGS';

/** Unknown flags (a later V8) only make V8 say so on stderr. */
export function applyV8Flags(flags: string | undefined): void {
  if (flags) setFlagsFromString(flags);
}
