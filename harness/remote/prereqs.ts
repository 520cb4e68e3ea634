// What the remote host must have for the executor, asked in one round trip,
// with one plain sentence for each thing that is missing.

export interface RemoteFacts {
  uid: number;
  /** `node --version`, or '' when there is none. */
  node: string;
  arch: string;
  /** `uname -sr` */
  kernel: string;
  tar: boolean;
}

/** `sh -c PROBE sh NODE`: key=value lines. */
export const PROBE = `
echo "uid=$(id -u)"
echo "node=$("$1" --version 2>/dev/null)"
echo "arch=$(uname -m)"
echo "kernel=$(uname -sr)"
command -v tar >/dev/null && command -v gzip >/dev/null && echo tar=yes
`;

export function parseFacts(stdout: string): RemoteFacts {
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return {
    uid: Number(kv.get('uid') ?? NaN),
    node: kv.get('node') ?? '',
    arch: kv.get('arch') ?? '',
    kernel: kv.get('kernel') ?? '',
    tar: kv.get('tar') === 'yes',
  };
}

/** Every missing prerequisite, one sentence each; null when there is nothing missing. */
export function missing(f: RemoteFacts, where: string, node: string): string | null {
  const out: string[] = [];
  if (f.uid !== 0) out.push(`${where}: the remote user must be root (the suite mounts and switches users), but it is uid ${Number.isNaN(f.uid) ? '?' : f.uid}`);
  const major = /^v(\d+)\./.exec(f.node)?.[1];
  if (major === undefined) out.push(`${where}: '${node}' is not a Node.js on the remote (Node.js 18 or later runs the executor; set node=PATH in the target to name another)`);
  else if (Number(major) < 18) out.push(`${where}: the remote Node.js is ${f.node}; the executor needs Node.js 18 or later`);
  if (f.arch !== 'x86_64') out.push(`${where}: the remote is ${f.arch || 'of unknown architecture'}; the executor bundle ships koffi for linux x86_64 only`);
  if (!f.tar) out.push(`${where}: tar and gzip are needed on the remote to unpack the executor bundle`);
  return out.length ? out.join('\n') : null;
}
