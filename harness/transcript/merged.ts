// The merged view: every path the case touched, as seen through the mount after the steps.
import type { SnapshotItem } from '../protocol.ts';
import { contentText, pathText, xattrText } from './format.ts';
import { statLine, type Ids } from './steps.ts';

/** `before` is taken before the first step; it only feeds the ctime relation and the aliases. */
export function mergedLines(before: SnapshotItem[], after: SnapshotItem[], ids: Ids): string[] {
  const prior = new Map(before.map((i) => [i.path, i]));
  return after.map(({ path, view, errno }) => {
    if (!view) return `${pathText(path)}: ${errno}`;
    const old = prior.get(path)?.view;
    const ctime = !old ? 'new' : old.stat.ctime === view.stat.ctime ? 'same' : 'changed';
    const parts = [statLine(view.stat, ids), `ctime=${ctime}`];
    if (view.target !== undefined) parts.push(`-> ${JSON.stringify(view.target)}`);
    const content = contentText(view);
    if (content) parts.push(content);
    parts.push(...xattrText(view.xattrs));
    return `${pathText(path)}: ${parts.join(' ')}`;
  });
}
