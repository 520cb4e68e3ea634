// One request line in, one Response out: parse, confine paths (as root),
// switch credentials, run the op, turn failures into errno or refusal.

import type { Cred, Op, Response, Value } from '../protocol.ts';
import { Confinement } from './confine.ts';
import { withCred } from './cred.ts';
import { Refused, SysError, fromNodeError } from './errors.ts';
import { runExec } from './exec.ts';
import { ctimeProbe } from './ctime-probe.ts';
import { mountFs, umountFs } from './mount.ts';
import { Handles } from './handles.ts';
import { runOp } from './ops.ts';
import { parseRequest } from './validate.ts';

export class Executor {
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
      case 'reset':
        this.handles.closeAll();
        return null;
      case 'exec':
        if (cred) throw new Refused('exec runs as the executor itself (root), never with a cred');
        return runExec(op.argv, op.timeoutMs ?? 30_000);
      // mount(2)/umount2(2) directly: a mount point must lie in the workspace; root only.
      case 'mount':
      case 'umount': {
        if (cred) throw new Refused(`${op.op} runs as the executor itself (root), never with a cred`);
        const target = this.conf.inWorkspace(op.target, `${op.op} target`);
        return op.op === 'mount' ? mountFs(op.source, target, op.fstype, op.data) : umountFs(target, op.lazy ?? false);
      }
      case 'ctimeprobe':
        if (cred) throw new Refused('ctimeprobe runs as the executor itself');
        return ctimeProbe(this.conf.inWorkspace(op.path, 'ctimeprobe path'));
      case 'scan': {
        const abs = { ...op, path: this.conf.inWorkspace(op.path, 'scan path') };
        return withCred(cred, () => runOp(abs, op, this.handles));
      }
      default: {
        if (this.conf.root === null) throw new Refused(`${op.op} before root (send a root op first)`);
        const abs = this.absolutize(op);
        return withCred(cred, () => runOp(abs, op, this.handles));
      }
    }
  }

  /** The op with every root-relative path made absolute and checked. */
  private absolutize(op: Op): Op {
    const r = (p: string): string => this.conf.resolve(p);
    switch (op.op) {
      case 'snapshot':
        return { ...op, paths: op.paths.map(r) };
      case 'link':
      case 'rename':
      case 'renameat2':
        return { ...op, from: r(op.from), to: r(op.to) };
      default:
        return 'path' in op ? { ...op, path: r(op.path) } : op;
    }
  }

  /** Closes every open fd and directory stream. */
  shutdown(): void {
    this.handles.closeAll();
  }
}
