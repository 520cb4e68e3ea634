// One request line in, one Response out: parse, check the paths that must lie
// in the workspace, switch credentials, run the op (its paths resolved in the
// case root), turn failures into errno or refusal.

import type { Cred, Op, Response, Value } from '../protocol.ts';
import { Confinement } from './confine.ts';
import { withCred } from './cred.ts';
import { Refused, SysError, fromNodeError } from './errors.ts';
import { runExec } from './exec.ts';
import { checkMount, mountFs, umountFs } from './mount.ts';
import { Handles } from './handles.ts';
import { runOp } from './ops.ts';
import { parseRequest } from './validate.ts';
import { scan } from './view.ts';
import { on } from './case-root.ts';
import { upperCountsText } from './fsinfo.ts';

export class ExecutorServer {
  private readonly conf: Confinement;
  private readonly handles = new Handles();

  constructor(workspace: string) {
    this.conf = new Confinement(workspace);
  }

  get workspace(): string {
    return this.conf.workspace;
  }

  /** Answers one request line. Never throws. */
  handleLine(line: string): Response {
    const parsed = parseRequest(line);
    if (!parsed.ok) return { id: parsed.id, ok: false, refused: parsed.reason };
    const { id, cred, ...rest } = parsed.req;
    const op = rest as Op;
    try {
      return { id, ok: true, value: this.run(op, cred) };
    } catch (e) {
      if (e instanceof Refused) return { id, ok: false, refused: e.reason };
      if (e instanceof SysError) return { id, ok: false, errno: e.errno };
      const sysErr = fromNodeError(e);
      if (sysErr !== null) return { id, ok: false, errno: sysErr.errno };
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`executor: internal error on ${op.op}: ${e instanceof Error ? e.stack : msg}\n`);
      return { id, ok: false, refused: `internal error: ${msg}` };
    }
  }

  private run(op: Op, cred: Cred | null | undefined): Value {
    switch (op.op) {
      case 'root':
        this.conf.setRoot(op.path);
        return null;
      // The fd on the root goes too: it would keep the mount under it busy.
      case 'reset':
        process.chdir('/'); // a case's fchdir would keep its mount busy
        this.handles.closeAll();
        this.conf.root?.release();
        return null;
      case 'exec':
        if (cred) throw new Refused('exec runs as the executor itself (root), never with a cred');
        this.conf.root?.release();
        return runExec(op.argv, op.timeoutMs ?? 30_000);
      // mount(2)/umount2(2) directly: a mount point must lie in the workspace; root only.
      case 'mount': {
        if (cred) throw new Refused('mount runs as the executor itself (root), never with a cred');
        const target = this.conf.inWorkspace(op.target, 'mount target');
        checkMount(op, (p, what) => this.conf.inWorkspace(p, what));
        this.conf.root?.release();
        return mountFs(op.source, target, op.fstype, op.data);
      }
      case 'umount': {
        if (cred) throw new Refused('umount runs as the executor itself (root), never with a cred');
        const target = this.conf.inWorkspace(op.target, 'umount target');
        this.conf.root?.release();
        return umountFs(target, op.lazy ?? false);
      }
      case 'statfsupper': {
        const root = this.conf.root;
        if (root === null) throw new Refused('statfsupper before root (send a root op first)');
        const upper = this.conf.inWorkspace(op.upper, 'statfsupper upper');
        try {
          return withCred(cred, () => on(root.object(op.path), (at) => upperCountsText(at.dirfd, upper)));
        } finally {
          root.afterOp();
        }
      }
      case 'scan': {
        const dir = this.conf.inWorkspace(op.path, 'scan path');
        return withCred(cred, () => scan(dir));
      }
      default: {
        const root = this.conf.root;
        if (root === null) throw new Refused(`${op.op} before root (send a root op first)`);
        try {
          return withCred(cred, () => runOp(op, root, this.handles));
        } finally {
          root.afterOp();
        }
      }
    }
  }

  /** Closes every open fd and directory stream, and the root's. */
  shutdown(): void {
    this.handles.closeAll();
    this.conf.close();
  }
}
