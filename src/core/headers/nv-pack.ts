/**
 * Packing the uncompressed name/value block (wire-format.md §4):
 *
 *   count N | N x ( name length | name bytes | value length | value bytes )
 *
 * with 16-bit count and lengths in SPDY/2 and 32-bit in SPDY/3 and 3.1,
 * from a normalised list (nv.ts: lower-case unique names, repeated values
 * NUL-joined). Unpacking and receive validation live in nv-unpack.ts.
 */
import type { NameValue } from '../frame/types.js';
import { encodeString, maxEncodedLength } from './text.js';

/** Kept between blocks; a larger scratch buffer is dropped after its block. */
const PACK_RETAIN = 256 * 1024;
const PACK_INITIAL = 4096;

/**
 * Packs name/value lists into one reusable scratch buffer, so sending a block
 * allocates nothing here once the buffer has grown to the session's usual
 * block size.
 */
export class NvPacker {
  private buf = new Uint8Array(PACK_INITIAL);

  /** The packed bytes of the last pack() call are buffer[0, returned length). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /**
   * Packs `nv` (normalised: unique lower-case names, repeated values
   * NUL-joined) with `lengthSize`-byte count and lengths. Returns the block's
   * length; -1 when a count or length does not fit 16 bits in SPDY/2
   * (spdylay would silently truncate it and corrupt the block); -2 when
   * `latin1` is set and a character is above U+00FF.
   */
  pack(nv: readonly NameValue[], lengthSize: 2 | 4, latin1: boolean): number {
    const n = nv.length;
    if (lengthSize === 2 && n > 0xffff) return -1;
    // One capacity check for the whole block, from the worst-case byte count.
    let need = lengthSize;
    for (let i = 0; i < n; i++) {
      const pair = nv[i]!;
      need += 2 * lengthSize + maxEncodedLength(pair[0].length + pair[1].length, latin1);
    }
    let buf = this.buf;
    if (buf.length < need || (buf.length > PACK_RETAIN && need <= PACK_RETAIN)) {
      buf = this.buf = new Uint8Array(Math.max(need, Math.min(buf.length * 2, PACK_RETAIN), PACK_INITIAL));
    }
    const wide = lengthSize === 4;
    writeLength(buf, 0, n, wide);
    let pos = lengthSize;
    for (let i = 0; i < n; i++) {
      const pair = nv[i]!;
      for (let k = 0; k < 2; k++) {
        const written = encodeString(pair[k]!, buf, pos + lengthSize, latin1);
        if (written < 0) return -2;
        if (!wide && written > 0xffff) return -1;
        writeLength(buf, pos, written, wide);
        pos += lengthSize + written;
      }
    }
    return pos;
  }
}

function writeLength(buf: Uint8Array, pos: number, value: number, wide: boolean): void {
  if (wide) {
    buf[pos] = value >>> 24;
    buf[pos + 1] = value >>> 16;
    buf[pos + 2] = value >>> 8;
    buf[pos + 3] = value;
  } else {
    buf[pos] = value >>> 8;
    buf[pos + 1] = value;
  }
}

