// mount(2) and umount2(2) for the harness's own mounts: a syscall costs far less than a mount(8) process.
import koffi from 'koffi';
import { sys } from './libc.ts';

const libc = koffi.load('libc.so.6');
const mount = libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)') as unknown as (
  source: string, target: string, fstype: string, flags: number, data: string,
) => number;
const umount2 = libc.func('int umount2(const char *target, int flags)') as unknown as (target: string, flags: number) => number;
const MNT_DETACH = 2;

export function mountFs(source: string, target: string, fstype: string, data: string): null {
  sys('mount', () => mount(source, target, fstype, 0, data));
  return null;
}

export function umountFs(target: string, lazy: boolean): null {
  sys('umount2', () => umount2(target, lazy ? MNT_DETACH : 0));
  return null;
}
