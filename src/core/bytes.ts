/**
 * Big-endian reads and writes on Uint8Array. 32-bit reads stay unsigned
 * (`>>> 0`), so ids and lengths never turn negative.
 */

export function readUint32(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}

/** A 31-bit field: the reserved top bit is masked off, as the drafts require. */
export function readUint31(buf: Uint8Array, offset: number): number {
  return readUint32(buf, offset) & 0x7fffffff;
}

export function writeUint32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = value >>> 16;
  buf[offset + 2] = value >>> 8;
  buf[offset + 3] = value;
}

/** Joins chunks into one new buffer (the only place bytes are concatenated). */
export function concatBytes(chunks: readonly Uint8Array[], totalLength?: number): Uint8Array {
  let length = totalLength ?? 0;
  if (totalLength === undefined) for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
