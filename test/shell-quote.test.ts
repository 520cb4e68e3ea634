// The ssh command line survives any POSIX login shell: dash (Debian's sh) as well as bash.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { script, shellLine } from '../harness/remote/shell.ts';

const WORDS = ['', 'plain', 'two words', "it's", 'a\nb', '$HOME', '`id`', 'back\\slash', '*', '-n', 'tab\there', '"q"', 'ünï'];

for (const shell of ['dash', 'bash']) {
  t.test(`${shell} reads back every word as it was`, async (t) => {
    const out = execFileSync(shell, ['-c', shellLine(['printf', '%s\\0', ...WORDS])], { encoding: 'utf8' });
    t.same(out.split('\0').slice(0, -1), WORDS);
  });

  t.test(`${shell} runs a multi-line script with its arguments`, async (t) => {
    const body = 'for a in "$@"; do\n  printf "<%s>" "$a"\ndone';
    const out = execFileSync(shell, ['-c', shellLine(script(body, 'x y', "'"))], { encoding: 'utf8' });
    t.equal(out, "<x y><'>");
  });
}
