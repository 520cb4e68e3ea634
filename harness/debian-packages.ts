// Installs the Debian packages a setup step needs, or says plainly why it cannot.
import { $, which } from 'zx';

/** A setup step that cannot go on: its message is the whole report, one line. */
export class SetupError extends Error {}

/** The packages of `names` that dpkg does not have installed. */
export async function missingPackages(names: readonly string[]): Promise<string[]> {
  // One query for all: dpkg-query prints the packages it knows and exits 1 for the others.
  const r = await $`dpkg-query -W -f=${'${Package} ${Status}\n'} ${names}`.quiet().nothrow();
  const installed = new Set(r.stdout.split('\n').filter((l) => l.endsWith(' install ok installed')).map((l) => l.split(' ')[0]));
  return names.filter((n) => !installed.has(n));
}

/** apt-get installs `names` (none when empty), its output on stderr; `who` prefixes the messages. */
export async function installPackages(names: readonly string[], who: string): Promise<void> {
  if (!names.length) return;
  if (!(await which('apt-get', { nothrow: true }))) throw new SetupError(`missing packages ${names.join(' ')} and no apt-get to install them`);
  process.stderr.write(`${who}: installing Debian packages: ${names.join(' ')}\n`);
  const apt = $({ stdio: ['ignore', process.stderr, process.stderr], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, nothrow: true });
  if ((await apt`apt-get update -qq`).exitCode !== 0) throw new SetupError('apt-get update failed');
  if ((await apt`apt-get install -y -qq ${names}`).exitCode !== 0) throw new SetupError(`could not install ${names.join(' ')}`);
}
