// make deps, the part after harness/bin/ensure-deps (root, Node.js, npm ci): the Debian
// packages the suite uses, and what TARGET needs of this machine (or the UML devkit).
//   node --import tsx harness/ensure-deps.ts [TARGET]
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { $ } from 'zx';
import { installPackages, missingPackages, SetupError } from './debian-packages.ts';

const PACKAGES = ['libfuse2', 'fuse3', 'fuse-overlayfs', 'unionfs-fuse', 'attr', 'openssh-client', 'openssh-server'];
/** The browser that test/html.test.ts drives through playwright-core: Debian's, never a download. */
const BROWSER = ['chromium'];

const hasOverlay = () => /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
const hasFuse = () => existsSync('/dev/fuse') && statSync('/dev/fuse').isCharacterDevice();
const modprobe = (module: string) => $`modprobe ${module}`.quiet().nothrow();

async function ensureDeps(target: string): Promise<void> {
  const missing = await missingPackages(PACKAGES);
  if (missing.includes('openssh-server')) {
    // openssh-server is for the tests' own sshd on 127.0.0.1: keep the system's ssh service off.
    mkdirSync('/etc/ssh', { recursive: true });
    writeFileSync('/etc/ssh/sshd_not_to_be_run', '');
  }
  await installPackages(missing, 'union-conformance');
  await installPackages(await missingPackages(BROWSER), 'union-conformance');

  // An ssh remote's prerequisites are checked over ssh, one message each.
  if (target === 'plain' || /^(aufs|custom|ssh)/.test(target)) return;
  if (target.startsWith('uml')) {
    const { buildDevkit } = await import('../devkit/build.ts');
    await buildDevkit();
  } else if (target.startsWith('overlayfs')) {
    if (!hasOverlay()) await modprobe('overlay');
    if (!hasOverlay()) throw new SetupError("this kernel has no overlay filesystem ('overlay' is not in /proc/filesystems and modprobe overlay failed)");
  } else {
    if (!hasFuse()) await modprobe('fuse');
    if (!hasFuse()) throw new SetupError('/dev/fuse is missing: FUSE targets (reference, fuse-overlayfs, unionfs-fuse) need it (modprobe fuse)');
  }
}

try {
  await ensureDeps(process.argv[2] || 'reference');
} catch (e) {
  if (!(e instanceof SetupError)) throw e;
  process.stderr.write(`union-conformance: ${e.message}\n`);
  process.exitCode = 3;
}
