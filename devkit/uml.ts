// make devkit-up / devkit-down: the devkit guest, kept up between runs.
//   node --import tsx devkit/uml.ts up | down | status | ssh [COMMAND...]
// A TARGET=uml run uses a guest that is up and leaves it up; otherwise it boots
// and halts its own.
import { spawnSync } from 'node:child_process';
import { GUEST_ALIAS, UmlGuest } from '../harness/remote/uml.ts';

const guest = new UmlGuest();
const [cmd = 'status', ...rest] = process.argv.slice(2);
const ssh = `ssh -F ${guest.sshConfig} ${GUEST_ALIAS}`;

switch (cmd) {
  case 'up': {
    if (guest.isUp()) {
      process.stdout.write(`devkit guest is up already: ${ssh}\n`);
      break;
    }
    const started = Date.now();
    await guest.boot(true);
    process.stdout.write(`devkit guest up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${ssh}  (console: ${guest.consoleLog})\n`);
    break;
  }
  case 'down': {
    const started = Date.now();
    const was = guest.isUp();
    await guest.halt();
    process.stdout.write(was ? `devkit guest halted in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : 'devkit guest was not up (namespace and leftovers removed)\n');
    break;
  }
  case 'status':
    process.stdout.write(guest.isUp() ? `up (pid ${guest.pid()}): ${ssh}\n` : `down${guest.problems() ? ` (${guest.problems()})` : ''}\n`);
    break;
  case 'ssh':
    if (!guest.isUp()) {
      process.stderr.write('devkit guest is not up (make devkit-up)\n');
      process.exitCode = 1;
      break;
    }
    process.exitCode = spawnSync('ssh', ['-F', guest.sshConfig, GUEST_ALIAS, ...rest], { stdio: 'inherit' }).status ?? 1;
    break;
  default:
    process.stderr.write('usage: devkit/uml.ts up | down | status | ssh [COMMAND...]\n');
    process.exitCode = 2;
}
