/**
 * The in-thread HeaderCodec: packing plus deflate for what a session sends,
 * inflate plus unpacking for what it receives (header-codec.ts has the
 * contract).
 *
 *   prepare(nv) -> prepareNv: checked, sorted, joined, and laid out as one string (PreparedNv)
 *   encode(block) -> NvPacker (shared scratch) -> HeaderDeflater (shared output) -> one copy
 *   out, into a buffer of the frame's own; at level 0 with the block's text,
 *   packed straight into that buffer (encodeInPlace)
 *   push(slice) -> HeaderInflater (output shared by the thread's inflaters, capped) ; end() -> unpackNv -> nv
 *
 * A block refused for size is refused before deflate sees it, from the
 * deflateBound-style bound, so the peer's inflater never misses a block.
 */
import { CLIENT, ERR_FRAME_TOO_LARGE, ERR_ZLIB, SERVER } from '../constants.js';
import { InvalidArgumentError, UnsupportedVersionError } from '../errors.js';
import type {
  HeaderBlockDecoder,
  HeaderBlockEncoder,
  HeaderBlockInput,
  HeaderBlockResult,
  HeaderCodec,
  HeaderEncoding,
  NameValue,
  PreparedHeaderBlock,
} from '../header-codec.js';
import { versionFacts, type VersionFacts } from '../version.js';
import { NvPacker } from './nv-pack.js';
import { unpackNv } from './nv-unpack.js';
import { prepareNv, type PreparedNv } from './prepare.js';
import { StringDecoder } from './text.js';
import {
  DEFAULT_MAX_INFLATED_SIZE,
  HeaderDeflater,
  HeaderInflater,
  MAX_STORED_IN_PLACE,
  STORED_FLUSH_LENGTH,
  defaultCompressionLevel,
  headerDictionary,
} from './zlib.js';

export interface HeaderCodecOptions {
  /** PROTO_SPDY2, PROTO_SPDY3 or PROTO_SPDY3_1. */
  version: number;
  /** CLIENT or SERVER: picks the default compression level. */
  side: number;
  /** How characters map to bytes; 'utf8' (python-spdylay's) by default. */
  encoding?: HeaderEncoding;
  /** Largest inflated block accepted; default 2^24-1, spdylay's limit. */
  maxInflatedSize?: number;
  /** 0..9; default 9 on a server and 0 on a client, as spdylay. */
  compressionLevel?: number;
}

// Error results carry nothing per block: one frozen object each.
const ZLIB_RESULT: HeaderBlockResult = Object.freeze({ ok: false, error: ERR_ZLIB });
const TOO_LARGE_RESULT: HeaderBlockResult = Object.freeze({ ok: false, error: ERR_FRAME_TOO_LARGE });

class SpdyHeaderEncoder implements HeaderBlockEncoder {
  private readonly packer = new NvPacker();
  private readonly deflater: HeaderDeflater;
  private readonly facts: VersionFacts;
  private readonly lengthSize: 2 | 4;
  private readonly latin1: boolean;

  constructor(deflater: HeaderDeflater, facts: VersionFacts, latin1: boolean) {
    this.deflater = deflater;
    this.facts = facts;
    this.lengthSize = facts.nvLengthSize;
    this.latin1 = latin1;
  }

  prepare(nv: readonly (readonly [string, string])[], encoding: HeaderEncoding): PreparedHeaderBlock {
    return prepareNv(nv, this.facts, encoding);
  }

  /** `block` is a list, or a PreparedNv from prepare(): its wire list, and its text when it has one. */
  encode(block: HeaderBlockInput, headroom: number, maxBlockLength: number): Uint8Array | null {
    if (isList(block)) return this.encodeList(block, headroom, maxBlockLength, null);
    const prepared = block as PreparedNv;
    return this.encodeList(prepared.wireNv, headroom, maxBlockLength, prepared.wireText);
  }

  /** `text`: packText of `nv` (nv-pack.ts), or null. */
  private encodeList(nv: readonly NameValue[], headroom: number, maxBlockLength: number, text: string | null): Uint8Array | null {
    if (text !== null && !this.latin1 && this.deflater.storesOnly && text.length <= MAX_STORED_IN_PLACE) {
      const out = this.encodeInPlace(nv, headroom, maxBlockLength, text);
      if (out !== undefined) return out;
    }
    const packed = this.packer.pack(nv, this.lengthSize, this.latin1, text);
    // A SPDY/2 count or length over 16 bits cannot be represented: refuse
    // it like an oversized block (spdylay would truncate it on the wire).
    if (packed === -1) return null;
    if (packed === -2) {
      throw new InvalidArgumentError('a header holds a character above U+00FF, which latin1 cannot send');
    }
    if (this.deflater.bound(packed) > maxBlockLength) return null;
    const length = this.deflater.compress(this.packer.buffer, packed);
    const out = frameBuffer(headroom + length);
    out.set(this.deflater.output.subarray(0, length), headroom);
    return out;
  }

  /**
   * Level 0 with the block's text (a client's usual case): the block is
   * packed straight into the frame's buffer, where a stored block keeps it
   * unchanged, and the deflater writes its few bytes around it. The same
   * bytes as the general path, without packing into the scratch and copying
   * twice. undefined when the text is not all ASCII (or a SPDY/2 length
   * does not fit): the general path then decides.
   */
  private encodeInPlace(nv: readonly NameValue[], headroom: number, maxBlockLength: number, text: string): Uint8Array | null | undefined {
    const chars = text.length;
    // An ASCII block is `chars` bytes; any other is longer, so a block
    // refused here would be refused by the general path too.
    if (this.deflater.bound(chars) > maxBlockLength) return null;
    const at = headroom + this.deflater.storedPrefixLength;
    const out = frameBuffer(at + chars + STORED_FLUSH_LENGTH);
    if (this.packer.packInto(nv, this.lengthSize, text, out, at) < 0) return undefined;
    this.deflater.storeInPlace(out, headroom, chars);
    return out;
  }
}

/**
 * The buffer an encoded header frame is built in: an ArrayBuffer of its own,
 * exactly as long as the frame. The session hands it to its caller, who may
 * keep it, read its `.buffer` whole, or transfer that to a worker; a view
 * into a slab shared with other frames (Node's pooled Buffers) would expose
 * their bytes and be detached with them.
 */
function frameBuffer(length: number): Uint8Array {
  return new Uint8Array(length);
}

function isList(block: HeaderBlockInput): block is readonly NameValue[] {
  return Array.isArray(block);
}

class SpdyHeaderDecoder implements HeaderBlockDecoder {
  private readonly inflater: HeaderInflater;
  private readonly strings: StringDecoder;
  private readonly lengthSize: 2 | 4;

  constructor(inflater: HeaderInflater, lengthSize: 2 | 4, latin1: boolean) {
    this.inflater = inflater;
    this.lengthSize = lengthSize;
    this.strings = new StringDecoder(latin1);
  }

  begin(): void {
    this.inflater.begin();
  }

  push(compressed: Uint8Array): void {
    this.inflater.push(compressed);
  }

  end(frameVersion?: number): HeaderBlockResult {
    const status = this.inflater.end();
    if (status === ERR_ZLIB) return ZLIB_RESULT;
    if (status === ERR_FRAME_TOO_LARGE) return TOO_LARGE_RESULT;
    // A frame of the other version is unpacked by its own layout, as spdylay does.
    const lengthSize = frameVersion === 2 ? 2 : frameVersion === 3 ? 4 : this.lengthSize;
    // Unpacked at once: the inflated bytes are in the buffer the thread's
    // inflaters share, valid until the next begin() of any of them.
    return unpackNv(this.inflater.output, this.inflater.length, lengthSize, this.strings);
  }
}

/**
 * A session's header codec. Throws UnsupportedVersionError for an unknown
 * version and InvalidArgumentError for a bad side, encoding, level or cap.
 */
export function createHeaderCodec(options: HeaderCodecOptions): HeaderCodec {
  const facts = versionFacts(options.version);
  if (facts === undefined) throw new UnsupportedVersionError(`unsupported SPDY version ${options.version}`);
  const { side } = options;
  if (side !== CLIENT && side !== SERVER) throw new InvalidArgumentError(`side must be CLIENT or SERVER, got ${side}`);
  const encoding = options.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'latin1') {
    throw new InvalidArgumentError(`headerEncoding must be 'utf8' or 'latin1', got ${String(encoding)}`);
  }
  const level = options.compressionLevel ?? defaultCompressionLevel(side);
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(`compressionLevel must be an integer 0..9, got ${level}`);
  }
  const maxInflatedSize = options.maxInflatedSize ?? DEFAULT_MAX_INFLATED_SIZE;
  if (!Number.isSafeInteger(maxInflatedSize) || maxInflatedSize < 0) {
    throw new InvalidArgumentError(`maxInflatedSize must be a non-negative integer, got ${maxInflatedSize}`);
  }
  const dictionary = headerDictionary(options.version);
  const latin1 = encoding === 'latin1';
  return {
    encoder: new SpdyHeaderEncoder(new HeaderDeflater(dictionary, level), facts, latin1),
    decoder: new SpdyHeaderDecoder(new HeaderInflater(dictionary, maxInflatedSize), facts.nvLengthSize, latin1),
  };
}
