// The FUSE control filesystem: aborting a connection ends all its requests
// with ENOTCONN and makes its server's read() fail with ENODEV, without
// touching the mount.
import * as fs from 'node:fs';
import { mount } from './libc.ts';

const CONNECTIONS = '/sys/fs/fuse/connections';

/** Aborts FUSE connection `minor` (the st_dev minor of its mount); false if it is gone. */
export function abortConnection(minor: number): boolean {
  try {
    if (fs.readdirSync(CONNECTIONS).length === 0) mount('fusectl', CONNECTIONS, 'fusectl', 0, '');
    fs.writeFileSync(`${CONNECTIONS}/${minor}/abort`, '1');
    return true;
  } catch {
    return false;
  }
}
