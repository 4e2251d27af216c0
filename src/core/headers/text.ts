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
 * ASCII path that avoids the native encoder's per-call cost. On receipt,
 * names repeat on every block of a session and come from a per-session
 * cache (StringDecoder); values normally come from one whole-block decode
 * (nv-unpack.ts), and the decoder's value cache serves the per-piece route
 * that blocks with real UTF-8 text or of unusual size take.
 */

const utf8Encoder = new TextEncoder();
// ignoreBOM: keep a leading U+FEFF; by default TextDecoder strips it, which
// would silently change a received value.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Below this many characters a JS loop beats TextEncoder.encodeInto's call cost. */
const NATIVE_ENCODE_MIN = 48;
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

/** Built by `+=` up to this length, a string stays flat (docs/performance.md, "Short strings are built flat"). */
const FLAT_CONCAT_MAX = 12;

/**
 * Bytes as characters 0..255, one each: latin1, and ASCII under either
 * mapping. Always a flat string: by `+=` while that stays flat, else
 * natively.
 */
function bytesToChars(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= FLAT_CONCAT_MAX) {
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
/** Names get their own cache: a session sees few distinct names. */
const NAME_SLOTS = 64;
/**
 * Blocks of one session mostly carry the same names in the same (sorted)
 * order, so the name last seen at each entry index is tried first, for the
 * first this many entries. It also covers names that collide in the hashed
 * cache, which is direct-mapped.
 */
const NAME_POSITIONS = 64;
/**
 * After this many blocks the position cache also keeps each name's bytes:
 * comparing bytes with bytes is several times faster than with charCodeAt,
 * but a copy per name costs more memory than a short-lived session should
 * pay for.
 */
const BUSY_BLOCKS = 8;

/**
 * The slot of buf[start, end) (not empty) in a cache of `slots` entries: a
 * hash of the length and five sampled bytes, O(1) whatever the length; the
 * full comparison decides.
 */
function slotOf(buf: Uint8Array, start: number, end: number, slots: number): number {
  const n = end - start;
  let h = Math.imul(n ^ buf[start]!, 0x01000193);
  h = Math.imul(h ^ buf[end - 1]!, 0x01000193);
  h = Math.imul(h ^ buf[start + (n >>> 1)]!, 0x01000193);
  h = Math.imul(h ^ buf[start + (n >>> 2)]!, 0x01000193);
  h = Math.imul(h ^ buf[end - 1 - (n >>> 2)]!, 0x01000193);
  return (h ^ (h >>> 16)) & (slots - 1);
}

/** True when the one-byte-per-character string `s` spells buf[start, end). */
function spells(s: string | undefined, buf: Uint8Array, start: number, end: number): s is string {
  const n = end - start;
  if (s === undefined || s.length !== n) return false;
  let i = 0;
  while (i < n && s.charCodeAt(i) === buf[start + i]) i++;
  return i === n;
}

/** UTF-8 bytes to a string with the module's decoder (non-fatal, BOM kept). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/**
 * Decodes byte ranges to strings for one receive context, caching recent
 * one-byte-per-character strings (ASCII, and everything in latin1). For
 * those the string's character codes are its bytes, so the cached string is
 * its own key: a hit compares it with the bytes, a miss stores nothing but
 * the string it had to make anyway. The caches are per instance (per
 * session), so no module state is mutable.
 *
 * Names have a cache of their own holding only names that passed the
 * receive checks, so a hit there also stands for the validation.
 */
export class StringDecoder {
  readonly latin1: boolean;
  /** Allocated on first use: a session whose blocks all take the whole-block path never needs it. */
  private slots: (string | undefined)[] | null = null;
  private readonly names: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS);
  /** The name last seen at each entry index (grows to the longest block's count, at most NAME_POSITIONS). */
  private readonly positions: (string | undefined)[] = [];
  /** Their bytes, once the session is busy (BUSY_BLOCKS); null before. */
  private positionBytes: (Uint8Array | undefined)[] | null = null;
  private blocks = 0;

  constructor(latin1: boolean) {
    this.latin1 = latin1;
  }

  /**
   * A cached valid name spelling buf[start, end) (not empty), the name of
   * entry `index` of its block, or undefined. Entries are asked for in
   * order, index 0 starting each block.
   */
  knownName(buf: Uint8Array, start: number, end: number, index: number): string | undefined {
    if (index < NAME_POSITIONS) {
      const bytes = this.positionBytes;
      if (bytes !== null) {
        const p = bytes[index];
        const n = end - start;
        if (p !== undefined && p.length === n) {
          let i = 0;
          while (i < n && p[i] === buf[start + i]) i++;
          if (i === n) return this.positions[index];
        }
      } else {
        if (index === 0 && ++this.blocks === BUSY_BLOCKS) this.positionBytes = [];
        const p = this.positions[index];
        if (spells(p, buf, start, end)) return p;
      }
    }
    const s = this.names[slotOf(buf, start, end, NAME_SLOTS)];
    if (!spells(s, buf, start, end)) return undefined;
    this.remember(s, buf, start, end, index);
    return s;
  }

  /**
   * The string of buf[start, end), the name of entry `index`, which the
   * caller has validated (ASCII, not empty), remembered for knownName().
   * Built flat from the bytes, so a cached name never holds on to a larger
   * string.
   */
  addName(buf: Uint8Array, start: number, end: number, index: number): string {
    const s = bytesToChars(buf, start, end);
    this.names[slotOf(buf, start, end, NAME_SLOTS)] = s;
    this.remember(s, buf, start, end, index);
    return s;
  }

  private remember(s: string, buf: Uint8Array, start: number, end: number, index: number): void {
    if (index >= NAME_POSITIONS) return;
    this.positions[index] = s;
    if (this.positionBytes !== null) this.positionBytes[index] = buf.slice(start, end);
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
    const slots = (this.slots ??= new Array<string | undefined>(CACHE_SLOTS));
    const slot = slotOf(buf, start, end, CACHE_SLOTS);
    const cached = slots[slot];
    if (spells(cached, buf, start, end)) return cached;
    const s = this.decodeUncached(buf, start, end, true);
    slots[slot] = s;
    return s;
  }

  private decodeUncached(buf: Uint8Array, start: number, end: number, ascii: boolean): string {
    if (this.latin1 || (ascii && end - start <= FLAT_CONCAT_MAX)) return bytesToChars(buf, start, end);
    return utf8Decoder.decode(buf.subarray(start, end));
  }
}
