/**
 * Characters <-> bytes for header names and values.
 *
 * Two mappings (API.md, "Bytes, names and values"):
 * - UTF-8, python-spdylay's choice. Decoding never throws: an invalid
 *   sequence becomes U+FFFD, as TextDecoder's non-fatal mode does.
 * - latin1: one byte per character both ways, so a proxy relays any header
 *   bytes unchanged. (Not TextDecoder('latin1'): the Encoding Standard maps
 *   that label to windows-1252, which changes 0x80..0x9F.)
 *
 * Header names and most values are short ASCII, so both directions have an
 * ASCII path that avoids the native encoder's per-call cost, and decoding
 * caches recent strings of up to 128 bytes: names and most values
 * (`:method GET`, `:version HTTP/1.1`, User-Agent, Cookie) repeat on every
 * block of a session.
 */

const utf8Encoder = new TextEncoder();
// ignoreBOM: keep a leading U+FEFF; by default TextDecoder strips it, which
// would silently change a received value.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Below this many characters a JS loop beats TextEncoder.encodeInto's call cost. */
const NATIVE_ENCODE_MIN = 48;
/** Below this many bytes a JS loop beats TextDecoder.decode's call cost. */
const NATIVE_DECODE_MIN = 24;
/** String.fromCharCode.apply takes at most this many bytes per call (argument limits). */
const APPLY_CHUNK = 8192;

/** The most bytes `length` UTF-16 code units can need: 3 for UTF-8 (a surrogate pair is 4 for 2). */
export function maxEncodedLength(length: number, latin1: boolean): number {
  return latin1 ? length : length * 3;
}

/**
 * Writes `str` into `buf` at `pos` and returns the bytes written, or -1 when
 * `latin1` is set and a character is above U+00FF. `buf` must have room for
 * maxEncodedLength(str.length). A lone surrogate is written as U+FFFD
 * (TextEncoder's rule), so UTF-8 encoding never fails.
 */
export function encodeString(str: string, buf: Uint8Array, pos: number, latin1: boolean): number {
  const n = str.length;
  if (latin1) {
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i);
      if (c > 0xff) return -1;
      buf[pos + i] = c;
    }
    return n;
  }
  if (n >= NATIVE_ENCODE_MIN) return utf8Encoder.encodeInto(str, buf.subarray(pos)).written;
  for (let i = 0; i < n; i++) {
    const c = str.charCodeAt(i);
    if (c >= 0x80) return i + utf8Encoder.encodeInto(str.substring(i), buf.subarray(pos + i)).written;
    buf[pos + i] = c;
  }
  return n;
}

/** Bytes as characters 0..255, one each: latin1, and ASCII under either mapping. */
function bytesToChars(buf: Uint8Array, start: number, end: number): string {
  if (end - start < NATIVE_DECODE_MIN) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  let s = '';
  for (let i = start; i < end; i += APPLY_CHUNK) {
    const stop = Math.min(end, i + APPLY_CHUNK);
    s += String.fromCharCode.apply(null, buf.subarray(i, stop) as unknown as number[]);
  }
  return s;
}

/** Strings at most this long are cached (User-Agent and Cookie values repeat within a session). */
const CACHE_MAX_LENGTH = 128;
/** Direct-mapped: a power of two; a miss simply replaces the slot. */
const CACHE_SLOTS = 256;

/**
 * Decodes byte ranges to strings for one receive context, caching recent
 * one-byte-per-character strings (ASCII, and everything in latin1). For
 * those the string's character codes are its bytes, so the cached string is
 * its own key: a hit compares it with the bytes, a miss stores nothing but
 * the string it had to make anyway. The cache is per instance (per session),
 * so no module state is mutable.
 */
export class StringDecoder {
  private readonly latin1: boolean;
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS);

  constructor(latin1: boolean) {
    this.latin1 = latin1;
  }

  /**
   * The string for buf[start, end). `ascii` says every byte is below 0x80
   * (the caller has scanned them while validating), which allows the
   * one-byte-per-character path under UTF-8 too.
   */
  decode(buf: Uint8Array, start: number, end: number, ascii: boolean): string {
    const n = end - start;
    if (n === 0) return '';
    if (n > CACHE_MAX_LENGTH || !(ascii || this.latin1)) return this.decodeUncached(buf, start, end, ascii);
    // A hash of the length and five sampled bytes picks the slot in O(1);
    // the full comparison below decides.
    let h = Math.imul(n ^ buf[start]!, 0x01000193);
    h = Math.imul(h ^ buf[end - 1]!, 0x01000193);
    h = Math.imul(h ^ buf[start + (n >>> 1)]!, 0x01000193);
    h = Math.imul(h ^ buf[start + (n >>> 2)]!, 0x01000193);
    h = Math.imul(h ^ buf[end - 1 - (n >>> 2)]!, 0x01000193);
    const slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
    const cached = this.slots[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === n) return cached;
    }
    const s = this.decodeUncached(buf, start, end, true);
    this.slots[slot] = s;
    return s;
  }

  private decodeUncached(buf: Uint8Array, start: number, end: number, ascii: boolean): string {
    if (this.latin1 || (ascii && end - start < NATIVE_DECODE_MIN)) return bytesToChars(buf, start, end);
    return utf8Decoder.decode(buf.subarray(start, end));
  }
}
