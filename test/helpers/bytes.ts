/** Test helpers for writing byte vectors by hand. */

/** "80 02 00 07" -> bytes. Whitespace and line breaks are ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** ASCII text -> bytes. */
export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits `bytes` at the given sorted cut points, each piece copied into its own ArrayBuffer. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.slice(prev, cut));
    prev = cut;
  }
  return pieces;
}

/** One piece per byte, each in its own ArrayBuffer: input split at every byte boundary. */
export function everyByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b));
}

/** Byte-for-byte equality, fast for large buffers (toEqual compares element by element). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes as two-digit lower-case hex, `separator` between bytes: for assertions that print readably. */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(separator);
}
