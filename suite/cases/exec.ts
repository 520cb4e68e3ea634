// Running a lower executable (a shell script: execfile runs it as nobody, or
// as the case's user). A program runs from the file the name shows: the lower
// one, or the copy once a change has copied it up ("File copyup"). A file
// open for writing cannot be run: execve() is ETXTBSY, as on any filesystem.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { VISIBLE_POSITIONS, companionPaths, copiesUp, objectPath, place, placeName, type Kind } from '../positions.ts';
import { file, hardlink } from '../fixture.ts';
import { s, type Step } from '../steps.ts';
import { copyupNotes } from './copyup-notes.ts';

const script = () => file('#!/bin/sh\necho ran\n', { mode: 0o755, xattrs: { 'user.origin': 'lower' } });
const join = (d: string, n: string) => (d ? `${d}/${n}` : n);

const KINDS: Kind[] = [
  { name: 'script', entries: () => ({ f: script() }), companions: [] },
  { name: 'hardlinked-script', entries: (d: string) => ({ f: script(), g: hardlink(join(d, 'f')) }), companions: ['g'] },
];

const SCENARIOS: { name: string; claim: string; copies: boolean; steps(p: string): Step[] }[] = [
  { name: 'run', claim: 'runs', copies: false, steps: (p) => [s.execfile(p)] },
  { name: 'after-chmod', claim: 'runs after chmod() copied it up (metadata only)', copies: true, steps: (p) => [s.chmod(p, 0o775), s.execfile(p)] },
  { name: 'after-append', claim: 'runs the copy, with the lines appended to it', copies: true, steps: (p) => [s.open(p, 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'echo more\n'), s.close('fd1'), s.execfile(p)] },
  { name: 'after-rewrite', claim: 'runs the new program written over it', copies: true, steps: (p) => [s.open(p, 'O_WRONLY|O_TRUNC', 'fd1'), s.write('fd1', '#!/bin/sh\necho new\n'), s.close('fd1'), s.execfile(p)] },
  { name: 'while-open-write', claim: 'is ETXTBSY while an fd has it open for writing, and runs once that fd is closed', copies: true, steps: (p) => [s.open(p, 'O_WRONLY', 'fd1'), s.execfile(p), s.close('fd1'), s.execfile(p)] },
  { name: 'as-user', claim: 'runs as another user, who may read and execute it', copies: false, steps: (p) => s.as(s.USER, s.execfile(p)) },
];

export const execCases: Case[] = SCENARIOS.flatMap((sc) =>
  KINDS.flatMap((kind) =>
    VISIBLE_POSITIONS.map((pos) =>
      kase(`exec/${sc.name}`, placeName(pos, kind), {
        spec: 'File copyup',
        claim: `a ${kind.name} ${copiesUp(pos) ? `at ${pos.name}` : 'already on top'} ${sc.claim}`,
        layers: place(pos, kind),
        steps: [...sc.steps(objectPath(pos)), s.lstat(objectPath(pos))],
        show: companionPaths(pos, kind),
        ...copyupNotes(pos, kind.name, sc.copies),
      }))));
