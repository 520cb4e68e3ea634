// Path confinement: every path a request names must stay inside the root set
// with `root`, which itself must lie inside the workspace given at start.
//
// A path is refused when it escapes lexically ("../x", "a/../../x"), or when
// the real path of the deepest existing ancestor of its parent lies outside
// the root (a symlinked directory pointing out). The final component is never
// resolved: following a symlink there is the filesystem's business, and
// lstat/readlink/unlink of a symlink pointing outside must work.
//
// The path handed to the kernel is the caller's text appended to the root,
// unnormalized, so that trailing slashes and "." components keep their
// kernel semantics.

import fs from 'node:fs';
import path from 'node:path';
import { Refused, SysError, nodeCall } from './errors.ts';

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
  private rootPath: string | null = null;
  private rootReal: string | null = null;

  constructor(workspace: string) {
    this.workspace = path.resolve(workspace);
    const real = realpath(this.workspace);
    if (real === null) throw new Error(`workspace ${workspace} does not exist`);
    this.workspaceReal = real;
  }

  get root(): string | null {
    return this.rootPath;
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

  setRoot(p: string): void {
    const norm = this.inWorkspace(p, 'root');
    const st = nodeCall(() => fs.statSync(norm));
    if (!st.isDirectory()) throw new SysError('ENOTDIR', 'root');
    const real = realpath(norm);
    if (real === null) throw new SysError('ENOENT', 'root');
    this.rootPath = norm;
    this.rootReal = real;
  }

  /** The absolute path to hand to the kernel for a root-relative request path. */
  resolve(rel: string): string {
    const root = this.rootPath;
    const rootReal = this.rootReal;
    if (root === null || rootReal === null) throw new Refused('no root set (send a root op first)');
    if (rel.includes('\0')) throw new Refused(`path contains a NUL byte: ${JSON.stringify(rel)}`);
    const stripped = rel.replace(/^\/+/, '');
    if (stripped === '' || stripped === '.') return root;
    const norm = path.posix.normalize(stripped);
    if (norm === '..' || norm.startsWith('../')) throw new Refused(`path escapes root: ${rel}`);

    // Deepest existing ancestor of the parent, as the kernel would walk it.
    const parts = stripped.replace(/\/+$/, '').split('/');
    parts.pop();
    for (;;) {
      const candidate = parts.length === 0 ? root : `${root}/${parts.join('/')}`;
      const real = realpath(candidate);
      if (real !== null) {
        if (!within(real, rootReal)) throw new Refused(`path escapes root: ${rel} (${candidate} -> ${real})`);
        break;
      }
      if (parts.length === 0) break;
      parts.pop();
    }
    return `${root}/${stripped}`;
  }
}
