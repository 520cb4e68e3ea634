// The layer root fds of one mount: opened by the main thread before mounting
// (union/layers.ts), closed by it if the server thread never got them, else
// by the server thread.
import { closeFd } from './sys/at.ts';
import type { LayerFds } from './union/layers.ts';

export function closeLayerFds(l: LayerFds): void {
  for (const fd of [l.upper, ...l.lowers, l.work]) if (fd !== null) closeFd(fd); // fs.closeSync warns in the server thread: the main thread opened them
}
