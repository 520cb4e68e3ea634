// What a union writes to its top layer stays after an unmount and a new mount on the same layers.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { dir, file } from '../fixture.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';
import type { Step } from '../steps.ts';
import type { Tag } from '../tags.ts';

const layers = { lowers: [{ f: lowerFile(), d: dir({ x: file('x\n') }) }] };

const CHANGES: { name: string; claim: string; steps: Step[]; look: Step[]; accepts?: Tag[] }[] = [
  { name: 'whiteout', claim: 'a whiteout made by unlink() keeps the lower file hidden', steps: [s.unlink('f')], look: [s.stat('f')] },
  { name: 'opaque', claim: 'an opaque directory made by mkdir() over a whiteout keeps the lower entries hidden', steps: [s.open('d/x', 'O_RDONLY', 'fd0'), s.opendir('d', 'D'), s.unlink('d/x'), s.rmdir('d'), s.mkdir('d', 0o755)], look: [s.listdir('d'), s.stat('d/x')] },
  { name: 'copyup-chmod', claim: 'a copy made by chmod() keeps the new mode, data and xattrs', steps: [s.chmod('f', 0o600)], look: [s.stat('f'), s.getxattr('f', 'user.origin')], accepts: ['userns-no-origin'] },
  { name: 'copyup-write', claim: 'data written after a copyup is what the file holds', steps: [s.open('f', 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'more\n'), s.close('fd1')], look: [s.open('f', 'O_RDONLY', 'fd2'), s.read('fd2'), s.close('fd2')], accepts: ['userns-no-origin'] },
  { name: 'rename', claim: 'a renamed lower file stays at its new name and gone from the old', steps: [s.rename('f', 'g')], look: [s.stat('f'), s.stat('g')], accepts: ['userns-no-origin'] },
];

export const persistCases: Case[] = CHANGES.map((c) =>
  kase('persist', c.name, {
    spec: 'Terminology',
    claim: `${c.claim}, also after the union is unmounted and mounted again`,
    layers,
    steps: [...c.steps, s.remount(), ...c.look],
    ...(c.accepts ? { accepts: c.accepts } : {}),
  }),
);
