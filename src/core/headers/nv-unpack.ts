/**
 * Unpacking the uncompressed name/value block (draft 3 §2.6.10):
 *
 *   count N | N x ( name length | name bytes | value length | value bytes )
 *
 * with 16-bit count and lengths in SPDY/2 and 32-bit in SPDY/3 and 3.1. A
 * value may hold several values separated by single NULs.
 *
 * Receipt follows spdylay_frame_count_unpack_nv_space and
 * spdylay_frame_unpack_nv exactly, in two tiers:
 *
 * 1. Structure -> ERR_INVALID_FRAME: the block is shorter than the count
 *    field, a length field or the bytes it announces run past the block's
 *    end, or bytes are left over after the last pair. spdylay answers this
 *    tier as a parse error (on_ctrl_recv_parse_error_cb, GOAWAY
 *    PROTOCOL_ERROR), not a stream error; it dominates the second tier.
 * 2. Content -> ERR_INVALID_HEADER_BLOCK (RST_STREAM PROTOCOL_ERROR):
 *    - a name is empty, or holds a byte outside 0x20..0x7E, or 'A'..'Z';
 *    - a value holds a control byte (0x01..0x08, 0x0A..0x1F) or DEL (0x7F);
 *      HT, 0x20..0x7E and 0x80..0xFF are allowed (spdylay's
 *      VALID_HD_VALUE_CHARS). The SPDY/3 draft puts no limit on value
 *      bytes: this check is spdylay's own;
 *    - a NUL-separated piece is empty: a value that starts or ends with
 *      NUL, or holds two NULs in a row (an entirely empty value is fine);
 *    - two entries have the same name (checked only when nothing else is
 *      wrong, after sorting, as spdylay does).
 *
 * A valid block is returned sorted by name (spdylay sorts after unpacking,
 * so the application sees pairs in name order), each NUL-joined value split
 * into consecutive pairs of the same name, in wire order. A block refused
 * in the second tier comes back with its pairs as received (see refused()),
 * for the frame the session reports as invalid.
 *
 * Routes (docs/performance.md, "The header routes", has why and what each
 * is worth). The structure is walked first, on its own, as spdylay does.
 * Then a block of ordinary size is decoded by one TextDecoder call, over a
 * copy whose count and length fields are overwritten with spaces, and
 * every value is a substring of that text. A word-at-a-time scan first
 * says whether every byte is printable ASCII (0x20..0x7E): then values need
 * no byte-by-byte check, only names not in the name cache do. Other blocks
 * (HT, NUL separators, non-ASCII text, invalid bytes) take the same route
 * with a per-value scan, falling back to decoding each piece on its own
 * where the whole-block text cannot stand for it (see blockText), as
 * larger blocks do throughout.
 */
import { ERR_INVALID_FRAME, ERR_INVALID_HEADER_BLOCK } from '../constants.js';
import type { HeaderBlockResult, NameValue } from '../header-codec.js';
import { decodeUtf8, type StringDecoder } from './text.js';

function readLength(buf: Uint8Array, pos: number, wide: boolean): number {
  return wide
    ? ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0
    : (buf[pos]! << 8) | buf[pos + 1]!;
}

// A structural error carries no per-block data, so one frozen object will do.
const INVALID_FRAME: HeaderBlockResult = Object.freeze({ ok: false, error: ERR_INVALID_FRAME });

/**
 * Value byte classes: 0 = not allowed, 1 = allowed ASCII, 2 = allowed
 * non-ASCII, 3 = NUL (a separator). spdylay's VALID_HD_VALUE_CHARS.
 */
const VALUE_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[0] = 3;
  t[0x09] = 1;
  for (let c = 0x20; c < 0x7f; c++) t[c] = 1;
  for (let c = 0x80; c < 0x100; c++) t[c] = 2;
  return t;
})();

/** 1 for a byte a name may hold: 0x20..0x7E except 'A'..'Z'. */
const NAME_BYTE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x20; c < 0x7f; c++) t[c] = c >= 0x41 && c <= 0x5a ? 0 : 1;
  return t;
})();

/**
 * Blocks up to this many bytes are decoded as one string. It bounds what a
 * kept value can hold on to, and the shared copy below; larger blocks (rare:
 * ordinary header blocks are a few hundred bytes to a few KiB) decode each
 * piece on its own.
 */
const WHOLE_BLOCK_MAX = 16 * 1024;
/** What the count and length fields become in the copy: printable ASCII. */
const FILLER = 0x20;

/**
 * The copy of the block being unpacked, shared by every session: unpackNv
 * runs start to end without calling out, so no two unpacks ever overlap,
 * and nothing of the copy is read after it returns (the strings made from
 * it are the TextDecoder's own). Sized in whole 32-bit words for the scan.
 */
let copy = new Uint8Array(1024);
let copyWords = new Int32Array(copy.buffer);

/** Makes room for a copy of `length` bytes (at most WHOLE_BLOCK_MAX). */
function reserveCopy(length: number): Uint8Array {
  if (copy.length < length) {
    copy = new Uint8Array(Math.min(WHOLE_BLOCK_MAX, Math.max(length, 2 * copy.length) + 3) & ~3);
    copyWords = new Int32Array(copy.buffer);
  }
  return copy;
}

/**
 * The lengths the structure walk reads (entry i's name length at 2i, its
 * value length at 2i + 1), so neither the copy's filling nor the content
 * pass reads them again. Shared like the copy.
 */
let fieldLengths = new Int32Array(64);

/** Overwrites the count or length field at `pos` of the copy. */
function fill(c: Uint8Array, pos: number, wide: boolean): void {
  c[pos] = FILLER;
  c[pos + 1] = FILLER;
  if (wide) {
    c[pos + 2] = FILLER;
    c[pos + 3] = FILLER;
  }
}

/**
 * The whole-block text of the copy's first `length` bytes, whose count and
 * length fields are already spaces, and sets `plainAscii` to whether every
 * byte is in 0x20..0x7E.
 *
 * The returned string is aligned with the block (character i stands for
 * byte i) exactly when its length equals `length`: every byte sequence
 * decodes to at most as many UTF-16 units as it has bytes, and to as many
 * only when it is one ASCII byte or one invalid byte (U+FFFD). And because
 * each piece is preceded and followed by an ASCII byte (a filler, a NUL, or
 * the end), where UTF-8 decoding starts afresh, an aligned text's substring
 * for a piece is exactly that piece decoded on its own, invalid bytes and
 * all.
 */
let plainAscii = false;
function blockText(c: Uint8Array, length: number): string {
  // Four bytes at a time: with low = b & 0x7F per byte (no sum below
  // carries into the next byte, all stay under 0x100), b is outside
  // 0x20..0x7E iff b >= 0x80 (top bit of x), or low == 0x7F (top bit of
  // low + 0x01), or low < 0x20 (top bit of low + 0x60 clear).
  let bad = 0;
  const words = length >>> 2;
  const w = copyWords;
  for (let i = 0; i < words; i++) {
    const x = w[i]!;
    const low = x & 0x7f7f7f7f;
    bad |= x | (low + 0x01010101) | ~(low + 0x60606060);
  }
  bad &= 0x80808080;
  for (let i = words << 2; i < length; i++) {
    const b = c[i]!;
    if (b < 0x20 || b > 0x7e) bad = 1;
  }
  plainAscii = bad === 0;
  return decodeUtf8(c.subarray(0, length));
}

/**
 * Unpacks and validates block[0, length) (see the module comment for the
 * rules and their order). Never throws, and never writes to `block`.
 */
export function unpackNv(block: Uint8Array, length: number, lengthSize: 2 | 4, strings: StringDecoder): HeaderBlockResult {
  if (length < lengthSize) return INVALID_FRAME;
  const wide = lengthSize === 4;
  const n = readLength(block, 0, wide);
  // Every entry needs two length fields: reject an absurd count at once
  // (spdylay would reach the same verdict after walking the block).
  if (n > (length - lengthSize) / (2 * lengthSize)) return INVALID_FRAME;

  if (2 * n > fieldLengths.length) fieldLengths = new Int32Array(Math.max(2 * n, 2 * fieldLengths.length));
  const lengths = fieldLengths;

  // Tier 1, structure, over the whole block before any content is looked at.
  let pos: number = lengthSize;
  for (let k = 0; k < 2 * n; k++) {
    if (length - pos < lengthSize) return INVALID_FRAME;
    const len = readLength(block, pos, wide);
    lengths[k] = len;
    pos += lengthSize;
    if (length - pos < len) return INVALID_FRAME;
    pos += len;
  }
  if (pos !== length) return INVALID_FRAME;
  // For the whole-block text, a copy of the block whose count and length
  // fields become spaces.
  let c: Uint8Array | null = null;
  if (length <= WHOLE_BLOCK_MAX) {
    c = reserveCopy(length);
    c.set(block.subarray(0, length));
    fill(c, 0, wide);
    pos = lengthSize;
    for (let k = 0; k < 2 * n; k++) {
      fill(c, pos, wide);
      pos += lengthSize + lengths[k]!;
    }
  }

  // Tier 2, content. Any failure now is INVALID_HEADER_BLOCK, with the pairs as received.
  let text = c !== null ? blockText(c, length) : null;
  const fast = text !== null && plainAscii;
  if (text !== null && text.length !== length) text = null; // not aligned: real UTF-8 text
  const latin1 = strings.latin1;
  // Without NULs (the plain-ASCII case) every entry is one pair: size the result once.
  const out: NameValue[] = fast ? new Array<NameValue>(n) : [];
  let sorted = true;
  let prevName = '';
  pos = lengthSize;
  for (let i = 0; i < n; i++) {
    const nameLength = lengths[2 * i]!;
    const nameStart = pos + lengthSize;
    const nameEnd = nameStart + nameLength;
    const valueStart = nameEnd + lengthSize;
    const valueEnd = valueStart + lengths[2 * i + 1]!;
    pos = valueEnd;

    if (nameLength === 0) return refused(block, lengthSize, n, strings);
    let name = strings.knownName(block, nameStart, nameEnd, i);
    if (name === undefined) {
      for (let j = nameStart; j < nameEnd; j++) if (NAME_BYTE[block[j]!] === 0) return refused(block, lengthSize, n, strings);
      name = strings.addName(block, nameStart, nameEnd, i);
    }
    if (i > 0) {
      // Names are ASCII here, so string order is spdylay's byte order.
      if (name === prevName) return refused(block, lengthSize, n, strings); // Duplicate (spdylay: strcmp on neighbours after qsort).
      if (name < prevName) sorted = false;
    }
    prevName = name;

    if (fast) {
      out[i] = [name, valueStart === valueEnd ? '' : text!.substring(valueStart, valueEnd)];
    } else if (valueStart === valueEnd) {
      out.push([name, '']);
    } else if (!splitValue(block, valueStart, valueEnd, name, text, latin1, strings, out)) {
      return refused(block, lengthSize, n, strings);
    }
  }
  if (!sorted && !sortUnique(out)) return refused(block, lengthSize, n, strings);
  return { ok: true, nv: out };
}

/**
 * A block whose structure holds (tier 1, whose lengths are in
 * fieldLengths) but whose content breaks a rule: INVALID_HEADER_BLOCK with
 * the `n` pairs as received, as spdylay's frame still holds them for
 * on_invalid_ctrl_recv_callback. Wire order; names as they came (upper
 * case, duplicates, and under UTF-8 bytes that are not text as U+FFFD);
 * each value split at every NUL, empty pieces kept. Not the SPDY/2 names
 * mapped either: spdylay maps only blocks it accepts.
 */
function refused(block: Uint8Array, lengthSize: 2 | 4, n: number, strings: StringDecoder): HeaderBlockResult {
  const lengths = fieldLengths;
  const nv: NameValue[] = [];
  let pos: number = lengthSize;
  for (let i = 0; i < n; i++) {
    const nameStart = pos + lengthSize;
    const nameEnd = nameStart + lengths[2 * i]!;
    const valueStart = nameEnd + lengthSize;
    const valueEnd = valueStart + lengths[2 * i + 1]!;
    pos = valueEnd;
    const name = strings.decode(block, nameStart, nameEnd, false);
    let pieceStart = valueStart;
    for (let j = valueStart; j < valueEnd; j++) {
      if (block[j] !== 0) continue;
      nv.push([name, strings.decode(block, pieceStart, j, false)]);
      pieceStart = j + 1;
    }
    nv.push([name, strings.decode(block, pieceStart, valueEnd, false)]);
  }
  return { ok: false, error: ERR_INVALID_HEADER_BLOCK, nv };
}

/**
 * Checks a value byte by byte, splits it at NULs, and appends its pieces
 * to `out`; false when it breaks a rule. A piece comes from the aligned
 * whole-block `text` when that stands for it (always under UTF-8; under
 * latin1 only for ASCII, since the text holds U+FFFD for other bytes), else
 * it is decoded on its own.
 */
function splitValue(
  block: Uint8Array,
  start: number,
  end: number,
  name: string,
  text: string | null,
  latin1: boolean,
  strings: StringDecoder,
  out: NameValue[],
): boolean {
  let pieceStart = start;
  let ascii = true;
  for (let j = start; j < end; j++) {
    const k = VALUE_CLASS[block[j]!]!;
    if (k === 1) continue;
    if (k === 2) {
      ascii = false;
    } else if (k === 3 && j !== pieceStart && j !== end - 1) {
      out.push([name, piece(block, pieceStart, j, ascii, text, latin1, strings)]);
      pieceStart = j + 1;
      ascii = true;
    } else {
      // A control byte, or an empty piece: a leading, trailing or doubled NUL.
      return false;
    }
  }
  out.push([name, piece(block, pieceStart, end, ascii, text, latin1, strings)]);
  return true;
}

function piece(
  block: Uint8Array,
  start: number,
  end: number,
  ascii: boolean,
  text: string | null,
  latin1: boolean,
  strings: StringDecoder,
): string {
  if (text !== null && (ascii || !latin1)) return text.substring(start, end);
  return strings.decode(block, start, end, ascii);
}

/**
 * Sorts the pairs of an out-of-order block by name (stable, so the pieces of
 * one value stay in wire order) and reports whether the names were unique.
 * Pieces of one entry share a name, so uniqueness is checked by counting
 * name changes: within one entry the name never changes, and the entries
 * were consecutive in `out`.
 */
function sortUnique(out: NameValue[]): boolean {
  let entries = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i]![0] !== out[i - 1]![0]) entries++;
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let distinct = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i]![0] !== out[i - 1]![0]) distinct++;
  return distinct === entries;
}
