// Run by test/reference-interchange.test.ts inside `unshare -Urm`: mounts the layers
// unprivileged with userxattr, by kernel overlayfs or by the reference, optionally
// makes the test's changes, and prints the merged tree as JSON.
// usage: userns-side.ts kernel|reference mutate|read LAYERS_JSON
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mutate } from './interchange.ts';
import { BIN, type Layers, mountInfo, optionString, snapshot } from './harness.ts';

const [impl, action, json] = process.argv.slice(2);
const L = JSON.parse(json ?? '') as Layers;
const options = optionString(L, 'userxattr');

async function main(): Promise<void> {
  let stop: () => Promise<void>;
  if (impl === 'kernel') {
    const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', options, L.mnt], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount -t overlay: ${r.stderr.trim()}`);
    stop = async () => void spawnSync('umount', [L.mnt]);
  } else {
    const child = spawn(BIN, ['-f', '-o', options, L.mnt], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    for (let i = 0; mountInfo(L.mnt)?.fsType !== 'fuse.unionref'; i++) {
      if (i > 1000 || child.exitCode !== null) throw new Error('unionref did not mount');
      await new Promise((r) => setTimeout(r, 20));
    }
    await fs.promises.stat(L.mnt); // FUSE INIT answered
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
  }
  try {
    if (action === 'mutate') mutate(L.mnt, { chown: false });
    process.stdout.write(JSON.stringify(snapshot(L.mnt)));
  } finally {
    await stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`userns-side: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
