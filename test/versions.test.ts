// The versions a run records are asked of the target's own machine while the run has it:
// a remote target's kernel is the remote's, never this machine's release.
import t from 'tap';
import { release } from 'node:os';
import type { CommandResult } from '../harness/command.ts';
import type { Host } from '../harness/host.ts';
import { makeTarget } from '../harness/targets/index.ts';
import type { Target } from '../harness/targets/target.ts';
import { targetFs, toolVersions } from '../harness/versions.ts';

t.test('the filesystem a target string names', async (t) => {
  t.equal(targetFs('overlayfs:redirect_dir=on'), 'overlayfs');
  t.equal(targetFs('uml:aufs:udba=none'), 'aufs');
  t.equal(targetFs('uml'), 'overlayfs');
  t.equal(targetFs('ssh://root@h:22/tmp?fs=fuse-overlayfs,allow_other'), 'fuse-overlayfs');
  t.equal(targetFs('ssh://h'), 'overlayfs');
});

/** A remote machine that answers as a UML guest with aufs would. */
function guest(asked: string[][]): Host {
  const answers: Record<string, string> = { uname: '6.1.0-uml-test\n', cat: '6.1-20230109\n' };
  return {
    name: 'ssh:guest',
    async run(argv: string[]): Promise<CommandResult> {
      asked.push(argv);
      return { code: 0, stdout: answers[argv[0]!] ?? '', stderr: '' };
    },
    workspace: () => Promise.reject(new Error('not used')),
  };
}

t.test('a remote target: the remote kernel and daemon', async (t) => {
  const asked: string[][] = [];
  const target = { name: 'uml:aufs', host: guest(asked) } as Target;
  const v = await toolVersions(target);
  t.same(v, { kernel: '6.1.0-uml-test', aufs: '6.1-20230109' });
  t.not(v.kernel, release());
  t.ok(asked.some((a) => a[0] === 'uname'), 'asked the remote');
});

t.test('a local target: this kernel', async (t) => {
  t.equal((await toolVersions(makeTarget('plain'))).kernel, release());
});

t.test('a tool that fails says nothing: no version from its error message', async (t) => {
  const host: Host = {
    name: 'ssh:noaufs',
    run: async (argv: string[]): Promise<CommandResult> => (argv[0] === 'uname'
      ? { code: 0, stdout: '6.1.0\n', stderr: '' }
      : { code: 1, stdout: '', stderr: `${argv[0]}: /sys/module/aufs/version: No such file or directory\n` }),
    workspace: () => Promise.reject(new Error('not used')),
  };
  t.same(await toolVersions({ name: 'uml:aufs', host } as Target), { kernel: '6.1.0' });
});
