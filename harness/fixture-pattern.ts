// The byte pattern of big fixture files: printable and position-dependent, so
// misplaced blocks show. Byte i depends on i alone, so every size is a prefix
// of one cached buffer; the executor writes it itself (the `fill` op) rather
// than receiving megabytes of base64.

let cache = Buffer.alloc(0);

export function patternBytes(size: number): Buffer {
  if (cache.length < size) {
    const b = Buffer.alloc(size);
    for (let i = 0; i < size; i++) b[i] = 0x41 + ((i * 7 + (i >> 12)) % 26);
    cache = b;
  }
  return cache.subarray(0, size);
}
