/**
 * A tiny NON-compressing header codec for framing tests: it packs a
 * name/value list with 16-bit (SPDY/2) or 32-bit (SPDY/3) lengths and no
 * zlib at all, so framing tests can write header blocks by hand. The real
 * codec (src/core/headers/) is exercised by integration tests.
 *
 * The decoder copies each slice it is pushed (it must not retain views),
 * unpacks at end() and gives spdylay's verdicts for the uncompressed
 * layout: lengths that do not add up are ERR_INVALID_FRAME
 * (spdylay_frame_count_unpack_nv_space), bad names or duplicates
 * ERR_INVALID_HEADER_BLOCK, more than `maxInflated` bytes ERR_FRAME_TOO_LARGE.
 * Values are not NUL-split: that is the real codec's business.
 */
import { ERR_FRAME_TOO_LARGE, ERR_INVALID_FRAME, ERR_INVALID_HEADER_BLOCK } from '../../src/core/constants.js';
import type { NameValue } from '../../src/core/frame/types.js';
import type {
  HeaderBlockDecoder,
  HeaderBlockEncoder,
  HeaderBlockInput,
  HeaderBlockResult,
  HeaderCodec,
  HeaderEncoding,
  PreparedHeaderBlock,
} from '../../src/core/header-codec.js';
import { joinNv, sortNv } from '../../src/core/headers/nv.js';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export interface PlainCodecOptions {
  /** Width of count and length fields: 2 (SPDY/2) or 4 (SPDY/3). */
  lengthSize: 2 | 4;
  /** Largest block accepted by the decoder (spdylay's inflate cap), default unlimited. */
  maxInflated?: number;
}

/** Packs `nv` into the uncompressed name/value layout. */
export function packNv(nv: readonly NameValue[], lengthSize: 2 | 4): Uint8Array {
  const parts = nv.map(([n, v]) => [utf8.encode(n), utf8.encode(v)] as const);
  let size = lengthSize;
  for (const [n, v] of parts) size += 2 * lengthSize + n.length + v.length;
  const out = new Uint8Array(size);
  let off = putLength(out, 0, parts.length, lengthSize);
  for (const [n, v] of parts) {
    off = putLength(out, off, n.length, lengthSize);
    out.set(n, off);
    off += n.length;
    off = putLength(out, off, v.length, lengthSize);
    out.set(v, off);
    off += v.length;
  }
  return out;
}

function putLength(buf: Uint8Array, off: number, value: number, size: 2 | 4): number {
  if (size === 4) {
    buf[off++] = value >>> 24;
    buf[off++] = value >>> 16;
  }
  buf[off++] = value >>> 8;
  buf[off++] = value;
  return off;
}

interface PlainBlock extends PreparedHeaderBlock {
  readonly wireNv: NameValue[];
}

export class PlainEncoder implements HeaderBlockEncoder {
  /** Every buffer returned, so tests can check the frame is written into it (no copy). */
  readonly outputs: Uint8Array[] = [];
  /** The arguments of every call. */
  readonly calls: Array<{ headroom: number; maxBlockLength: number }> = [];

  constructor(private readonly lengthSize: 2 | 4) {}

  /** Sorted and joined as the session's codec would; the block packs the joined list. */
  prepare(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding): PlainBlock {
    const sorted = sortNv(nv, encoding);
    return { nv: sorted, wireNv: joinNv(sorted) };
  }

  /** Packs a list as given, or a PlainBlock's joined list. */
  encode(input: HeaderBlockInput, headroom: number, maxBlockLength: number): Uint8Array | null {
    this.calls.push({ headroom, maxBlockLength });
    const nv = Array.isArray(input) ? (input as readonly NameValue[]) : (input as PlainBlock).wireNv;
    const block = packNv(nv, this.lengthSize);
    if (block.length > maxBlockLength) return null;
    const out = new Uint8Array(headroom + block.length);
    out.set(block, headroom);
    this.outputs.push(out);
    return out;
  }
}

export class PlainDecoder implements HeaderBlockDecoder {
  private parts: Uint8Array[] = [];
  private size = 0;
  private open = false;
  /** Every slice pushed, as given (views), for tests that check no buffering or copying happens. */
  readonly pushed: Uint8Array[] = [];
  begins = 0;
  ends = 0;

  constructor(private readonly options: PlainCodecOptions) {}

  begin(): void {
    if (this.open) throw new Error('begin() while a block is open');
    this.open = true;
    this.begins++;
    this.parts = [];
    this.size = 0;
  }

  push(compressed: Uint8Array): void {
    if (!this.open) throw new Error('push() outside a block');
    this.pushed.push(compressed);
    this.parts.push(compressed.slice());
    this.size += compressed.length;
  }

  end(): HeaderBlockResult {
    if (!this.open) throw new Error('end() outside a block');
    this.open = false;
    this.ends++;
    if (this.options.maxInflated !== undefined && this.size > this.options.maxInflated) {
      return { ok: false, error: ERR_FRAME_TOO_LARGE };
    }
    const block = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      block.set(p, at);
      at += p.length;
    }
    return unpackNv(block, this.options.lengthSize);
  }
}

/** Unpacks the uncompressed layout with spdylay's verdicts (see the file comment). */
export function unpackNv(block: Uint8Array, lengthSize: 2 | 4): HeaderBlockResult {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const read = (off: number) => (lengthSize === 2 ? view.getUint16(off) : view.getUint32(off));
  if (block.length < lengthSize) return { ok: false, error: ERR_INVALID_FRAME };
  const count = read(0);
  let off = lengthSize;
  const raw: Array<[Uint8Array, Uint8Array]> = [];
  for (let i = 0; i < count; i++) {
    const pair: Uint8Array[] = [];
    for (let j = 0; j < 2; j++) {
      if (block.length - off < lengthSize) return { ok: false, error: ERR_INVALID_FRAME };
      const len = read(off);
      off += lengthSize;
      if (block.length - off < len) return { ok: false, error: ERR_INVALID_FRAME };
      pair.push(block.subarray(off, off + len));
      off += len;
    }
    raw.push([pair[0]!, pair[1]!]);
  }
  if (off !== block.length) return { ok: false, error: ERR_INVALID_FRAME };
  const nv: NameValue[] = [];
  const seen = new Set<string>();
  let invalid = false;
  for (const [n, v] of raw) {
    if (n.length === 0) invalid = true;
    for (const c of n) if (c < 0x20 || c > 0x7e || (c >= 0x41 && c <= 0x5a)) invalid = true;
    const name = utf8Decoder.decode(n);
    if (seen.has(name)) invalid = true;
    seen.add(name);
    nv.push([name, utf8Decoder.decode(v)]);
  }
  return invalid ? { ok: false, error: ERR_INVALID_HEADER_BLOCK } : { ok: true, nv };
}

export interface PlainCodec extends HeaderCodec {
  readonly encoder: PlainEncoder;
  readonly decoder: PlainDecoder;
}

export function createPlainCodec(options: PlainCodecOptions): PlainCodec {
  return { encoder: new PlainEncoder(options.lengthSize), decoder: new PlainDecoder(options) };
}
