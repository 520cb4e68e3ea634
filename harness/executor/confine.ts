// Which directories requests may name: absolute paths (the root, scan,
// mount and umount targets) must lie inside the workspace given
// at start, lexically and after resolving symlinks. Paths inside the root are
// confined by resolving them in it (case-root.ts).

import fs from 'node:fs';
import path from 'node:path';
import { CaseRoot } from './case-root.ts';
import { Refused } from './errors.ts';

function within(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(dir + '/');
}

function realpath(p: string): string | null {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return null;
  }
}

export class Confinement {
  readonly workspace: string;
  private readonly workspaceReal: string;
  private current: CaseRoot | null = null;

  constructor(workspace: string) {
    this.workspace = path.resolve(workspace);
    const real = realpath(this.workspace);
    if (real === null) throw new Error(`workspace ${workspace} does not exist`);
    this.workspaceReal = real;
  }

  get root(): CaseRoot | null {
    return this.current;
  }

  /** Checks an absolute path lies in the workspace, lexically and after resolving symlinks. */
  inWorkspace(p: string, what: string): string {
    if (p.includes('\0')) throw new Refused(`${what} contains a NUL byte`);
    if (!path.isAbsolute(p)) throw new Refused(`${what} must be absolute: ${p}`);
    const norm = path.resolve(p);
    if (!within(norm, this.workspace)) throw new Refused(`${what} outside workspace ${this.workspace}: ${p}`);
    const real = realpath(norm);
    if (real !== null && !within(real, this.workspaceReal)) {
      throw new Refused(`${what} resolves outside workspace ${this.workspace}: ${p} -> ${real}`);
    }
    return norm;
  }

  /** A new root; when it cannot be opened, the old one still holds. */
  setRoot(p: string): void {
    const next = new CaseRoot(this.inWorkspace(p, 'root'));
    this.current?.close();
    this.current = next;
  }

  close(): void {
    this.current?.close();
    this.current = null;
  }
}
