// "Known non-POSIX behaviors": any writing call may return ENOSPC (or EIO) — on a
// union, copyup itself needs space. Nothing half-copied may be left in the top layer.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { big } from '../fixture.ts';
import { s } from '../steps.ts';

const spec = 'Known non-POSIX behaviors' as const;
const posix = 'a plain file needs no copy, so the call succeeds; on a union the copyup needs the space the top layer lacks ("Known non-POSIX behaviors": ENOSPC from any writing call)';
/** A 1.5 MiB lower file and a top layer with room for 256 KiB. */
const layers = { lowers: [{ f: big(1536 * 1024, { xattrs: { 'user.origin': 'lower' } }) }], upperBytes: 256 * 1024 };

export const enospcCases: Case[] = [
  kase('enospc', 'copyup-open-write', {
    spec, posix, layers,
    claim: 'open(O_WRONLY) of a lower file larger than the free space of the top layer fails with ENOSPC and leaves no partial copy',
    steps: [s.open('f', 'O_WRONLY', 'fd1'), s.close('fd1'), s.lstat('f')],
  }),
  kase('enospc', 'copyup-chmod', {
    spec, posix, layers,
    claim: 'chmod() of such a file fails with ENOSPC (the copy does not fit), the mode stays, nothing is left on top',
    steps: [s.chmod('f', 0o600), s.lstat('f')],
  }),
  kase('enospc', 'copyup-append', {
    spec, posix, layers,
    claim: 'open(O_APPEND) of such a file fails with ENOSPC before any byte is written',
    steps: [s.open('f', 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'more\n'), s.close('fd1')],
  }),
  kase('enospc', 'new-file', {
    spec, layers: { ...layers, lowers: [{}] },
    claim: 'a new file that outgrows the top layer gets ENOSPC from write(), as on any full filesystem',
    steps: [s.open('n', 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.write('fd1', 'x'.repeat(512 * 1024)), s.write('fd1', 'x'), s.close('fd1'), s.lstat('n')],
    posix: 'the plain directory is not on the small filesystem, so the write fits ("Known non-POSIX behaviors": ENOSPC)',
  }),
];
