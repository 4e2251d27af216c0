/**
 * Unpacking the uncompressed name/value block (wire-format.md §4):
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
 * into consecutive pairs of the same name, in wire order.
 */
import { ERR_INVALID_FRAME, ERR_INVALID_HEADER_BLOCK } from '../constants.js';
import type { NameValue } from '../frame/types.js';
import type { HeaderBlockResult } from './codec.js';
import type { StringDecoder } from './text.js';

function readLength(buf: Uint8Array, pos: number, wide: boolean): number {
  return wide
    ? ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0
    : (buf[pos]! << 8) | buf[pos + 1]!;
}

// Error results carry no per-block data, so one frozen object each will do.
const INVALID_FRAME: HeaderBlockResult = Object.freeze({ ok: false, error: ERR_INVALID_FRAME });
const INVALID_HEADER_BLOCK: HeaderBlockResult = Object.freeze({ ok: false, error: ERR_INVALID_HEADER_BLOCK });

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

/**
 * Unpacks and validates block[0, length) (see the module comment for the
 * rules and their order). Never throws.
 */
export function unpackNv(block: Uint8Array, length: number, lengthSize: 2 | 4, strings: StringDecoder): HeaderBlockResult {
  if (length < lengthSize) return INVALID_FRAME;
  const wide = lengthSize === 4;
  const n = readLength(block, 0, wide);
  let pos = lengthSize;
  // Every entry needs two length fields: reject an absurd count at once
  // (spdylay would reach the same verdict after walking the block).
  if (n > (length - pos) / (2 * lengthSize)) return INVALID_FRAME;
  const out: NameValue[] = [];
  let bad = false;
  let sorted = true;
  let prevName = '';
  for (let i = 0; i < n; i++) {
    // Structure first: every check below it is skipped once the content is bad.
    if (length - pos < lengthSize) return INVALID_FRAME;
    const nameLength = readLength(block, pos, wide);
    pos += lengthSize;
    if (length - pos < nameLength) return INVALID_FRAME;
    const nameStart = pos;
    const nameEnd = (pos += nameLength);
    if (length - pos < lengthSize) return INVALID_FRAME;
    const valueLength = readLength(block, pos, wide);
    pos += lengthSize;
    if (length - pos < valueLength) return INVALID_FRAME;
    const valueStart = pos;
    pos += valueLength;
    if (bad) continue;

    if (nameLength === 0) {
      bad = true;
      continue;
    }
    for (let j = nameStart; j < nameEnd; j++) {
      const c = block[j]!;
      if (c < 0x20 || c > 0x7e || (c >= 0x41 && c <= 0x5a)) {
        bad = true;
        break;
      }
    }
    if (bad) continue;
    const name = strings.decode(block, nameStart, nameEnd, true);
    if (i > 0) {
      // Names are ASCII here, so string order is spdylay's byte order.
      if (name === prevName) {
        bad = true; // Duplicate entry (spdylay: strcmp on neighbours after qsort).
        continue;
      }
      if (name < prevName) sorted = false;
    }
    prevName = name;

    let pieceStart = valueStart;
    let ascii = true;
    let multi = false;
    const valueEnd = valueStart + valueLength;
    for (let j = valueStart; j < valueEnd; j++) {
      const k = VALUE_CLASS[block[j]!]!;
      if (k === 1) continue;
      if (k === 2) {
        ascii = false;
      } else if (k === 3) {
        if (j === pieceStart) {
          bad = true; // Empty piece: leading NUL or two NULs in a row.
          break;
        }
        out.push([name, strings.decode(block, pieceStart, j, ascii)]);
        pieceStart = j + 1;
        ascii = true;
        multi = true;
      } else {
        bad = true;
        break;
      }
    }
    if (bad) continue;
    if (multi && pieceStart === valueEnd) {
      bad = true; // Trailing NUL.
      continue;
    }
    out.push([name, strings.decode(block, pieceStart, valueEnd, ascii)]);
  }
  if (pos !== length) return INVALID_FRAME;
  if (bad) return INVALID_HEADER_BLOCK;
  if (!sorted && !sortUnique(out)) return INVALID_HEADER_BLOCK;
  return { ok: true, nv: out };
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
