/**
 * Packing the uncompressed name/value block (draft 3 §2.6.10):
 *
 *   count N | N x ( name length | name bytes | value length | value bytes )
 *
 * with 16-bit count and lengths in SPDY/2 and 32-bit in SPDY/3 and 3.1,
 * from a normalised list (nv.ts: lower-case unique names, repeated values
 * NUL-joined). Unpacking and receive validation live in nv-unpack.ts.
 *
 * Header blocks are nearly always ASCII, and for ASCII the block's bytes are
 * its characters. So a UTF-8 block is first written as one string, the
 * count and lengths as placeholder characters, and encoded by a single
 * TextEncoder.encodeInto straight into the scratch; the placeholders are
 * then overwritten with the real count and lengths. One native call per
 * block instead of a JS loop per character or a call (and a subarray) per
 * string. When any character is not ASCII the encoder writes more bytes than
 * there are characters, which shows in its result, and the block is packed
 * again string by string.
 */
import type { NameValue } from '../header-codec.js';
import { encodeString, maxEncodedLength } from './text.js';

/** Kept between blocks; a larger scratch buffer is dropped after its block. */
const PACK_RETAIN = 256 * 1024;
const PACK_INITIAL = 4096;
/**
 * Blocks of at most this many characters take the one-string path. Far
 * below the engine's string length limit, so building the string cannot
 * throw; larger blocks are packed string by string.
 */
export const TEXT_MAX_CHARS = PACK_RETAIN;

const utf8Encoder = new TextEncoder();
/**
 * What stands for a count or length field in the block's text until the
 * real bytes are written over it: any ASCII character would do, and one
 * other than NUL lets prepareNv search the text for NUL in values.
 */
export const PLACEHOLDER_4 = '\x01\x01\x01\x01';
export const PLACEHOLDER_2 = '\x01\x01';

/**
 * The scratch every NvPacker in the thread packs into. A block is packed and
 * then read (compressed by the caller's HeaderDeflater) within one
 * synchronous encode call, and nothing in between can call out to user code
 * or pack another block, so one buffer serves every session: an idle session
 * holds no packing memory. Grown to the largest block seen, and replaced by
 * a smaller one after a block above PACK_RETAIN.
 */
let scratch = new Uint8Array(PACK_INITIAL);

/** The scratch, at least `need` bytes long (its contents are not kept when it grows). */
function scratchFor(need: number): Uint8Array {
  const buf = scratch;
  if (buf.length >= need && (buf.length <= PACK_RETAIN || need > PACK_RETAIN)) return buf;
  return (scratch = new Uint8Array(Math.max(need, Math.min(buf.length * 2, PACK_RETAIN), PACK_INITIAL)));
}

/**
 * Packs name/value lists into the thread's shared scratch buffer, so sending
 * a block allocates nothing here once the buffer has grown to the usual
 * block size. Holds no state of its own.
 */
export class NvPacker {
  /**
   * The packed bytes of the last pack() call are buffer[0, returned length).
   * Shared by every NvPacker: valid until the next pack() on any of them.
   */
  get buffer(): Uint8Array {
    return scratch;
  }

  /**
   * Packs `nv` (normalised: unique lower-case names, repeated values
   * NUL-joined) with `lengthSize`-byte count and lengths. Returns the block's
   * length; -1 when a count or length does not fit 16 bits in SPDY/2
   * (spdylay would silently truncate it and corrupt the block); -2 when
   * `latin1` is set and a character is above U+00FF. `text`, when given,
   * is packText(nv, lengthSize), already built.
   */
  pack(nv: readonly NameValue[], lengthSize: 2 | 4, latin1: boolean, text?: string | null): number {
    const n = nv.length;
    const wide = lengthSize === 4;
    if (!wide && n > 0xffff) return -1;
    // The block's size if every character is one byte.
    let chars = lengthSize * (1 + 2 * n);
    for (let i = 0; i < n; i++) {
      const pair = nv[i]!;
      const nameLength = pair[0].length;
      const valueLength = pair[1].length;
      // Every character is at least one byte: too long for 16 bits already.
      if (!wide && (nameLength > 0xffff || valueLength > 0xffff)) return -1;
      chars += nameLength + valueLength;
    }
    if (!latin1 && chars <= TEXT_MAX_CHARS) {
      const buf = scratchFor(chars);
      const packed = packAscii(nv, wide, text ?? textOf(nv, wide), buf, 0);
      if (packed >= 0) return packed;
    }
    return packEach(nv, wide, latin1, chars);
  }

  /**
   * The one-string path straight into out[pos, pos + text.length), for a
   * caller that has the block's final place ready: `text` is packText(nv,
   * lengthSize). Returns the block's length (text.length), or -1 when the
   * text is not all ASCII or a SPDY/2 length does not fit 16 bits (the
   * range then holds garbage; pack() gives the verdict).
   */
  packInto(nv: readonly NameValue[], lengthSize: 2 | 4, text: string, out: Uint8Array, pos: number): number {
    return packAscii(nv, lengthSize === 4, text, out, pos);
  }
}

/**
 * The block as one string for the one-string path: every count and length
 * field a placeholder, names and values as they are. null when the block
 * is too long for that path. Building it reads no string's characters, so
 * no value is flattened (docs/performance.md, "Flattening").
 */
export function packText(nv: readonly NameValue[], lengthSize: 2 | 4): string | null {
  let chars = lengthSize * (1 + 2 * nv.length);
  for (let i = 0; i < nv.length; i++) chars += nv[i]![0].length + nv[i]![1].length;
  return chars <= TEXT_MAX_CHARS ? textOf(nv, lengthSize === 4) : null;
}

function textOf(nv: readonly NameValue[], wide: boolean): string {
  const placeholder = wide ? PLACEHOLDER_4 : PLACEHOLDER_2;
  let block = placeholder;
  for (let i = 0; i < nv.length; i++) {
    const pair = nv[i]!;
    block = block + placeholder + pair[0] + placeholder + pair[1];
  }
  return block;
}

/** What stands in the text before a value: its name's length placeholder, the name, the value's placeholder. */
export function namePart(name: string, wide: boolean): string {
  const placeholder = wide ? PLACEHOLDER_4 : PLACEHOLDER_2;
  return placeholder + name + placeholder;
}

/**
 * The one-string path: writes the block at buf[at, at + block.length) and
 * returns its length when every character is ASCII (and, in SPDY/2, every
 * length fits 16 bits), else -1 (nothing usable written). `buf` has room.
 */
function packAscii(nv: readonly NameValue[], wide: boolean, block: string, buf: Uint8Array, at: number): number {
  const n = nv.length;
  const chars = block.length;
  // All ASCII exactly when every character was read and each made one
  // byte: any other character makes at least two bytes per UTF-16 unit.
  const result = utf8Encoder.encodeInto(block, at === 0 ? buf : buf.subarray(at, at + chars));
  if (result.read !== chars || result.written !== chars) return -1;
  if (!wide && n > 0xffff) return -1;
  writeLength(buf, at, n, wide);
  const lengthSize = wide ? 4 : 2;
  let pos = at + lengthSize;
  for (let i = 0; i < n; i++) {
    const pair = nv[i]!;
    const nameLength = pair[0].length;
    const valueLength = pair[1].length;
    if (!wide && (nameLength > 0xffff || valueLength > 0xffff)) return -1;
    writeLength(buf, pos, nameLength, wide);
    pos += lengthSize + nameLength;
    writeLength(buf, pos, valueLength, wide);
    pos += lengthSize + valueLength;
  }
  return pos - at;
}

/** String by string: any characters, latin1 or UTF-8. `chars` as pack() computed it. */
function packEach(nv: readonly NameValue[], wide: boolean, latin1: boolean, chars: number): number {
  const n = nv.length;
  const lengthSize = wide ? 4 : 2;
  // One capacity check for the whole block, from the worst-case byte count.
  const strings = chars - lengthSize * (1 + 2 * n);
  const buf = scratchFor(chars - strings + maxEncodedLength(strings, latin1));
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
