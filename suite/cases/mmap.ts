// Memory mappings across a copyup: a mapping made before another fd or path
// copies the file up keeps the object it maps, as an fd does ("File copyup":
// copyup is a copy and a rename()); a writable shared mapping needs an fd open
// for writing, which copied the file up already; a private one writes nothing.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, KINDS, companionPaths, copiesUp, objectPath, place, placeName, type KindName, type Position } from '../positions.ts';
import { s, type Step } from '../steps.ts';
import type { MapKind } from '../../harness/ops/fields.ts';
import { copyupNotes, withNotes } from './copyup-notes.ts';

const MAPPABLE: KindName[] = ['file', 'big', 'hardlinked'];
const MAPS: { name: string; kind: MapKind }[] = [{ name: 'shared', kind: 'MAP_SHARED' }, { name: 'private', kind: 'MAP_PRIVATE' }];

/** Ways another fd or path copies the file up while it is mapped; `data`: the file's bytes change. */
const COPIERS: { name: string; data: boolean; steps(p: string): Step[] }[] = [
  { name: 'write', data: true, steps: (p) => [s.open(p, 'O_WRONLY', 'fd2'), s.pwrite('fd2', 'HE', 0), s.close('fd2')] },
  { name: 'truncate', data: true, steps: (p) => [s.truncate(p, 2)] },
  { name: 'chmod', data: false, steps: (p) => [s.chmod(p, 0o600)] },
  { name: 'setxattr', data: false, steps: (p) => [s.setxattr(p, 'user.new', 'v')] },
];

const stalePosix =
  'on a plain file a mapping shows the file\'s new bytes (one inode); the spec makes copyup a copy + rename(), so a mapping made before it keeps the lower object, as an open fd does ("File copyup", "Known non-POSIX behaviors")';

const acrossCopyup: Case[] = COPIERS.flatMap((c) =>
  MAPS.flatMap((m) =>
    MAPPABLE.flatMap((k) =>
      VISIBLE_POSITIONS.map((pos) => {
        const kind = KINDS[k];
        const p = objectPath(pos);
        const stale = c.data && copiesUp(pos);
        return kase(`mmap/${c.name}`, `${m.name}-${placeName(pos, kind)}`, {
          spec: 'File copyup',
          claim: copiesUp(pos)
            ? `a ${m.kind} read mapping of a lower ${kind.name} made before ${c.name} through another ${c.name === 'write' ? 'fd' : 'path'} copies it up keeps mapping the lower object`
            : `a ${m.kind} read mapping of a ${kind.name} already on top sees ${c.name} through another ${c.name === 'write' ? 'fd' : 'path'}, as on any filesystem`,
          layers: place(pos, kind),
          steps: [s.open(p, 'O_RDONLY', 'fd1'), s.mmap('fd1', 'M', m.kind), s.mmapread('M'), ...c.steps(p), s.mmapread('M'), s.munmap('M'), s.close('fd1')],
          show: companionPaths(pos, kind),
          ...withNotes(copyupNotes(pos, k), stale ? { accepts: ['fresh-fd-after-copyup'], posix: stalePosix } : {}),
        });
      }),
    ),
  ),
);

const written = (pos: Position, k: KindName, name: string, steps: (p: string) => Step[], claim: string, copies = false): Case => {
  const kind = KINDS[k];
  const p = objectPath(pos);
  return kase(`mmap/${name}`, placeName(pos, kind), {
    spec: 'File copyup',
    claim,
    layers: place(pos, kind),
    steps: [...steps(p), s.open(p, 'O_RDONLY', 'fd2'), s.pread('fd2', 8, 0), s.close('fd2')],
    show: companionPaths(pos, kind),
    ...copyupNotes(pos, k, copies),
  });
};

const writable: Case[] = MAPPABLE.flatMap((k) =>
  VISIBLE_POSITIONS.flatMap((pos) => [
    written(pos, k, 'shared-write', (p) => [
      s.open(p, 'O_RDWR', 'fd1'), s.mmap('fd1', 'M', 'MAP_SHARED', 'PROT_READ|PROT_WRITE'), s.mmapstore('M', 'HE'), s.msync('M'), s.munmap('M'), s.close('fd1'),
    ], 'a writable MAP_SHARED mapping needs an fd open for writing, which copied the file up: msync() writes the copy, the lower layer keeps its data', true),
    written(pos, k, 'shared-write-after-close', (p) => [
      s.open(p, 'O_RDWR', 'fd1'), s.mmap('fd1', 'M', 'MAP_SHARED', 'PROT_READ|PROT_WRITE'), s.close('fd1'), s.mmapstore('M', 'HE'), s.msync('M'), s.munmap('M'),
    ], 'a writable MAP_SHARED mapping outlives its fd: stores after close() reach the copy made at open(O_RDWR), and its new mtime shows', true),
    written(pos, k, 'shared-write-rdonly', (p) => [
      s.open(p, 'O_RDONLY', 'fd1'), s.mmap('fd1', 'M', 'MAP_SHARED', 'PROT_READ|PROT_WRITE'), s.close('fd1'),
    ], 'a writable MAP_SHARED mapping of an fd open O_RDONLY is EACCES, and copies nothing up'),
    written(pos, k, 'private-write', (p) => [
      s.open(p, 'O_RDONLY', 'fd1'), s.mmap('fd1', 'M', 'MAP_PRIVATE', 'PROT_READ|PROT_WRITE'), s.mmapstore('M', 'HE'), s.mmapread('M'), s.msync('M'), s.munmap('M'), s.close('fd1'),
    ], 'a MAP_PRIVATE mapping of an fd open O_RDONLY may be written: the bytes stay in the process, the file is not written and nothing is copied up'),
  ]),
);

export const mmapCases: Case[] = [...acrossCopyup, ...writable];
