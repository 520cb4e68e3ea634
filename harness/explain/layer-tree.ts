// A case's layers as trees, one per layer, the way `tree` draws a directory.
import { octal } from '../transcript/format.ts';
import type { FixtureNode, Layers, Tree } from '../../suite/fixture.ts';

function nodeText(node: FixtureNode): string {
  const meta = 'meta' in node ? node.meta : {};
  const mode = node.kind === 'symlink' ? '' : ` ${octal(meta.mode ?? (node.kind === 'dir' ? 0o755 : 0o644))}`;
  const owner = 'meta' in node ? `${mode} ${meta.uid ?? 0}:${meta.gid ?? 0}` : '';
  const xattrs = Object.entries(meta.xattrs ?? {}).map(([n, v]) => ` ${n}=${JSON.stringify(v)}`).join('');
  switch (node.kind) {
    case 'file': return `file${owner} ${typeof node.data === 'string' ? JSON.stringify(node.data) : `<${node.data.size} bytes>`}${xattrs}`;
    case 'dir': return `dir${owner}${node.opaque ? ' opaque' : ''}${xattrs}`;
    case 'symlink': return `symlink -> ${JSON.stringify(node.target)}${owner}${xattrs}`;
    case 'hardlink': return `hard link to ${node.to}`;
    case 'fifo': return `fifo${owner}${xattrs}`;
    case 'chr': return `chr ${node.major}:${node.minor}${owner}${xattrs}`;
    case 'whiteout': return 'whiteout';
    case 'fallthru': return 'fallthru';
  }
}

function treeLines(tree: Tree, indent: string): string[] {
  const names = Object.keys(tree).sort();
  return names.flatMap((name, i) => {
    const last = i === names.length - 1;
    const node = tree[name]!;
    const line = `${indent}${last ? '└── ' : '├── '}${name}${node.kind === 'dir' ? '/' : ''}  ${nodeText(node)}`;
    return [line, ...(node.kind === 'dir' ? treeLines(node.children, indent + (last ? '    ' : '│   ')) : [])];
  });
}

export function layersText(layers: Layers): string {
  const parts: [string, Tree][] = [
    ...(layers.upper || layers.upperBytes ? [[`upper${layers.upperBytes ? ` (on a filesystem of ${layers.upperBytes} bytes)` : ''}`, layers.upper ?? {}] as [string, Tree]] : []),
    ...layers.lowers.map((t, i): [string, Tree] => [`lower${i}${i === 0 ? ' (topmost lower)' : ''}`, t]),
  ];
  return parts.map(([name, tree]) => [`${name}/`, ...(Object.keys(tree).length ? treeLines(tree, '') : ['(empty)'])].join('\n')).join('\n');
}
