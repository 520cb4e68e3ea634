// File names are bytes, not text: a lower layer may hold names that are not
// UTF-8. The server carries every name (and every path it builds from one)
// as a string of one character per byte (latin1), so any name survives the
// round trip; these are the two edges where such strings meet bytes.

/** The name in buf[start, end) as a string of one character per byte. */
export function nameOf(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end);
}

/** A name (or path) for a `const char *` argument: its bytes, NUL-terminated; ASCII as it is (koffi passes it as is). */
export function cName(name: string): string | Buffer {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return Buffer.from(`${name}\0`, 'latin1');
  return name;
}

/** A name's bytes, as the kernel is to see them (READDIR, LISTXATTR replies). */
export function nameBytes(name: string): Buffer {
  return Buffer.from(name, 'latin1');
}
