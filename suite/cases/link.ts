// link(): the source is copied up; the other names of a multiply-linked lower file are left alone.
import type { Case } from '../dsl.ts';
import { kase } from '../case.ts';
import { file, hardlink } from '../fixture.ts';
import { lowerFile } from '../positions.ts';
import { s } from '../steps.ts';

const linked = { lowers: [{ f: lowerFile(), g: hardlink('f') }] };
const nlinkPosix = 'on a plain file every name shares one inode, so all names show the new link count and data; the spec documents that names still on the bottom layer keep the old ones ("Known non-POSIX behaviors")';

export const linkCases: Case[] = [
  kase('link', 'lower-file', {
    spec: 'What happens when I...', claim: 'link() of a lower file copies it up; both names then share the top-layer inode (nlink 2)',
    layers: { lowers: [{ f: lowerFile() }] }, steps: [s.link('f', 'h'), s.stat('f'), s.stat('h')], accepts: ['userns-no-origin'],
  }),
  kase('link', 'lower-multiply-linked', {
    spec: 'Known non-POSIX behaviors', claim: 'link() of one name of a twice-linked lower file: the other lower name keeps link count 2',
    layers: linked, steps: [s.stat('g'), s.link('f', 'h'), s.stat('f'), s.stat('g'), s.stat('h')],
    accepts: ['index-keeps-links'], posix: nlinkPosix,
  }),
  kase('link', 'write-multiply-linked', {
    spec: 'Known non-POSIX behaviors', claim: 'writing one name of a twice-linked lower file copies that name up; the other name keeps the old data and link count 2',
    layers: linked, steps: [s.open('f', 'O_WRONLY|O_APPEND', 'fd1'), s.write('fd1', 'blah\n'), s.close('fd1'), s.stat('f'), s.stat('g')],
    accepts: ['index-keeps-links'], posix: nlinkPosix,
  }),
  kase('link', 'upper-file', {
    spec: 'What happens when I...', claim: 'link() of a file already on top is a plain link',
    layers: { lowers: [{ other: file() }], upper: { f: file('top\n') } }, steps: [s.link('f', 'h'), s.stat('f')],
  }),
  kase('link', 'onto-lower-name', {
    spec: 'What happens when I...', claim: 'link() onto a name a lower layer has fails with EEXIST; nothing is copied up',
    layers: { lowers: [{ f: lowerFile(), h: file('other\n') }] }, steps: [s.link('f', 'h')],
  }),
];
