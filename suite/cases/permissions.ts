// "Permission checks": a call the caller may not make fails before anything is copied up.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir } from '../fixture.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';

const spec = 'Permission checks' as const;
const rootFile = { lowers: [{ f: lowerFile({ mode: 0o644 }) }] };

export const permissionCases: Case[] = [
  kase('permission', 'open-wronly-other-user', {
    spec, claim: 'open(O_WRONLY) of a root-owned 0644 lower file as another user fails with EACCES and copies nothing up',
    layers: rootFile, steps: s.as(s.USER, s.open('f', 'O_WRONLY', 'fd1')),
  }),
  kase('permission', 'chmod-other-user', {
    spec, claim: 'chmod() of a lower file by a user who does not own it fails with EPERM and copies nothing up',
    layers: rootFile, steps: s.as(s.USER, s.chmod('f', 0o666)),
  }),
  kase('permission', 'truncate-other-user', {
    spec, claim: 'truncate() of a lower file without write permission fails with EACCES and copies nothing up',
    layers: rootFile, steps: s.as(s.USER, s.truncate('f', 0)),
  }),
  kase('permission', 'setxattr-other-user', {
    spec, claim: 'setxattr() of a user xattr on a file the caller cannot write fails with EACCES and copies nothing up',
    layers: rootFile, steps: s.as(s.USER, s.setxattr('f', 'user.x', 'v')),
  }),
  kase('permission', 'unlink-in-unwritable-dir', {
    spec, claim: 'unlink() in a lower directory the caller cannot write fails with EACCES and leaves no whiteout',
    layers: { lowers: [{ d: dir({ f: lowerFile() }, { mode: 0o755 }) }] }, steps: s.as(s.USER, s.unlink('d/f')),
  }),
  kase('permission', 'owner-writes', {
    spec, claim: 'the owner of a lower file may open it for writing: it is copied up with its owner kept',
    layers: { lowers: [{ f: lowerFile({ uid: 1000, gid: 1000 }) }] },
    steps: s.as(s.USER, s.open('f', 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'mine\n'), s.close('fd1')),
  }),
  kase('permission', 'create-as-user', {
    spec, claim: 'a file created by another user in a world-writable lower directory is owned by that user on top',
    layers: { lowers: [{ d: dir({}, { mode: 0o777 }) }] },
    steps: s.as(s.USER, s.open('d/new', 'O_WRONLY|O_CREAT|O_EXCL', 'fd1', 0o644), s.close('fd1')),
  }),
];
