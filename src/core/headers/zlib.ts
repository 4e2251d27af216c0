/**
 * The two zlib streams of a session's header compression, on pako's
 * low-level API: one deflate stream for every block sent, one inflate stream
 * for every block received, each continuing for the session's lifetime with
 * the version's preset dictionary (wire-format.md §4).
 *
 * Settings are spdylay's (spdylay_zlib.c): window bits 11, memLevel 1,
 * default strategy, compression level 9 on a server and 0 (stored blocks)
 * on a client, a sync flush after every block so each ends `00 00 ff ff`.
 * pako runs with `legacyHash`, zlib's own hash: its output is then
 * byte-identical to canonical zlib, and at memLevel 1 faster than pako's
 * default hash (which needs a 32 Ki-entry table per stream).
 *
 * Output buffers are reused: a block costs no allocation here beyond what
 * pako does internally (pako's high-level Inflate would take 64 KiB a push).
 */
import {
  ZStream,
  Z_BUF_ERROR,
  Z_DEFAULT_STRATEGY,
  Z_NEED_DICT,
  Z_NO_FLUSH,
  Z_OK,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateInit2,
  zlibDeflateSetDictionary,
  zlibInflate,
  zlibInflateInit2,
  zlibInflateSetDictionary,
} from 'pako';
import { CLIENT, ERR_FRAME_TOO_LARGE, ERR_ZLIB, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../constants.js';
import { UnsupportedVersionError, ZlibError } from '../errors.js';
import { SPDY2_DICTIONARY, SPDY3_DICTIONARY } from './dictionaries.js';

/** zlib's Z_DEFLATED (pako does not export it). */
const Z_DEFLATED = 8;
/** spdylay's deflater window: 2^11 bytes. */
export const DEFLATE_WINDOW_BITS = 11;
/** spdylay's deflater memLevel: the smallest state zlib allows. */
export const DEFLATE_MEM_LEVEL = 1;
/**
 * The inflater takes any window up to zlib's largest, as spdylay's plain
 * inflateInit does, so a peer compressing with a bigger window is still read.
 */
const INFLATE_WINDOW_BITS = 15;

/**
 * spdylay's cap on a received control frame's buffered bytes, which for a
 * header frame is its inflated block (session->max_recv_ctrl_frame_buf,
 * 2^24-1, not settable through python-spdylay). A block strictly larger is
 * refused with ERR_FRAME_TOO_LARGE.
 */
export const DEFAULT_MAX_INFLATED_SIZE = 0xffffff;

/**
 * spdylay compresses only on the server side: "For client side session,
 * header compression is disabled" (spdylay_session_client_new), so a
 * client's secrets (cookies) are not exposed to CRIME-style attacks.
 */
export function defaultCompressionLevel(side: number): number {
  return side === CLIENT ? 0 : 9;
}

/** The preset dictionary of a version constant (SPDY/3.1 uses SPDY/3's). */
export function headerDictionary(version: number): Uint8Array {
  switch (version) {
    case PROTO_SPDY2:
      return SPDY2_DICTIONARY;
    case PROTO_SPDY3:
    case PROTO_SPDY3_1:
      return SPDY3_DICTIONARY;
    default:
      throw new UnsupportedVersionError(`unsupported SPDY version ${version}`);
  }
}

const EMPTY = new Uint8Array(0);
/** Output buffers start here and, once grown past RETAIN, are dropped after their block. */
const INITIAL_OUTPUT = 4096;
const RETAIN = 256 * 1024;

/**
 * The most bytes compress() can write for `n` input bytes; `first` when it
 * is the stream's first block. Derived from zlib's deflateBound():
 *
 * - Body: zlib's stored-block bound, n + n/32 + n/128 + n/2048 + 7, which
 *   deflateBound returns for these parameters at every level: at level 0
 *   deflate writes only stored blocks, and at level 9 it uses that bound
 *   whenever windowBits > memLevel + 7 (11 > 8). With memLevel 1 the symbol
 *   buffer holds 127 symbols, so a block ends before its data can slide out
 *   of the window and deflate can always fall back to storing it: at worst
 *   5 header bytes per 127 input bytes, about 4%.
 * - Wrapper: zlib counts 10 bytes for a zlib stream with a dictionary (2
 *   header bytes, 4 of dictionary id, a 4-byte trailer we never write);
 *   only the first block carries any of it.
 * - Sync flush: deflateBound covers a Z_FINISH stream, not a sync flush,
 *   whose empty stored block adds 3 bits, the pad to a byte boundary and
 *   LEN/NLEN: at most 5 bytes.
 *
 * Checked by a seeded randomized test on incompressible and repetitive
 * input at both levels, up to 80 000 bytes a block (zlib.test.ts).
 */
export function deflateBound(n: number, first: boolean): number {
  return n + Math.floor(n / 32) + Math.floor(n / 128) + Math.floor(n / 2048) + 7 + (first ? 10 : 0) + 5;
}

/** The sending stream. One compress() call per header block. */
export class HeaderDeflater {
  private readonly strm = new ZStream();
  private out: Uint8Array = new Uint8Array(INITIAL_OUTPUT);
  private started = false;
  private failed = false;

  /** Throws ZlibError when pako rejects the parameters (a level outside 0..9). */
  constructor(dictionary: Uint8Array, level: number) {
    let r = zlibDeflateInit2(
      this.strm,
      level,
      Z_DEFLATED,
      DEFLATE_WINDOW_BITS,
      DEFLATE_MEM_LEVEL,
      Z_DEFAULT_STRATEGY,
      true,
    );
    if (r === Z_OK) r = zlibDeflateSetDictionary(this.strm, dictionary);
    if (r !== Z_OK) throw new ZlibError(`cannot initialise the header compressor (zlib ${r})`);
  }

  /** deflateBound() for the next block. */
  bound(n: number): number {
    return deflateBound(n, !this.started);
  }

  /** The compressed bytes of the last compress() call are output[0, returned length). */
  get output(): Uint8Array {
    return this.out;
  }

  /**
   * Compresses input[0, length) as the stream's next block, ending with a
   * sync flush, and returns the compressed length (at most bound(length)).
   * Throws ZlibError if pako fails, which leaves the stream unusable: every
   * later call throws too.
   */
  compress(input: Uint8Array, length: number): number {
    if (this.failed) throw new ZlibError('the header compressor failed earlier');
    // A few bytes beyond the bound, so a block that meets it still leaves
    // avail_out > 0, which is how deflate says the flush is complete.
    const need = this.bound(length) + 8;
    let out = this.out;
    if (out.length < need || (out.length > RETAIN && need <= RETAIN)) {
      out = this.out = new Uint8Array(Math.max(need, INITIAL_OUTPUT));
    }
    const strm = this.strm;
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = length;
    let written = 0;
    for (;;) {
      strm.output = out as Uint8Array<ArrayBuffer>;
      strm.next_out = written;
      strm.avail_out = out.length - written;
      const r = zlibDeflate(strm, Z_SYNC_FLUSH);
      written = strm.next_out;
      // Z_BUF_ERROR only means "nothing to do", possible for empty input alone.
      if (r !== Z_OK && !(r === Z_BUF_ERROR && length === 0)) {
        this.failed = true;
        strm.input = EMPTY;
        throw new ZlibError(`header compression failed (zlib ${r}${strm.msg ? `: ${strm.msg}` : ''})`);
      }
      if (strm.avail_out > 0) break;
      // Out of room: impossible while deflateBound holds. Growing keeps the
      // stream (and so the peer) correct even if it did not.
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out.subarray(0, written));
      out = this.out = bigger;
    }
    strm.input = EMPTY;
    this.started = true;
    return written;
  }
}

/**
 * The receiving stream. Per block: begin(), push() for each compressed slice
 * as it arrives (any split, down to single bytes), end() for the verdict;
 * the inflated bytes are then output[0, length).
 */
export class HeaderInflater {
  private readonly strm = new ZStream();
  private readonly dictionary: Uint8Array;
  private readonly maxSize: number;
  private buf: Uint8Array = new Uint8Array(INITIAL_OUTPUT);
  /** Inflated bytes of the current block kept in buf. */
  private pos = 0;
  /** Inflated bytes of the current block, kept or discarded. */
  private total = 0;
  private failed = false;

  /** `maxSize`: the largest inflated block accepted (a zlib-bomb guard). */
  constructor(dictionary: Uint8Array, maxSize: number) {
    this.dictionary = dictionary;
    this.maxSize = maxSize;
    if (zlibInflateInit2(this.strm, INFLATE_WINDOW_BITS) !== Z_OK) {
      throw new ZlibError('cannot initialise the header decompressor');
    }
  }

  /** The inflated block after end(): output[0, length). Valid until the next begin(). */
  get output(): Uint8Array {
    return this.buf;
  }

  get length(): number {
    return this.pos;
  }

  /** True once the stream is broken; every block from then on is ERR_ZLIB. */
  get broken(): boolean {
    return this.failed;
  }

  begin(): void {
    this.pos = 0;
    this.total = 0;
    if (this.buf.length > RETAIN) this.buf = new Uint8Array(INITIAL_OUTPUT);
  }

  /** Inflates the next compressed bytes of the block. `chunk` is not retained. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    const strm = this.strm;
    strm.input = chunk;
    strm.next_in = 0;
    strm.avail_in = chunk.length;
    for (;;) {
      if (this.pos === this.buf.length) this.grow();
      const start = this.pos;
      strm.output = this.buf as Uint8Array<ArrayBuffer>;
      strm.next_out = start;
      strm.avail_out = this.buf.length - start;
      let r = zlibInflate(strm, Z_NO_FLUSH);
      this.total += strm.next_out - start;
      // Past the cap the output is dropped (the buffer is reused from 0),
      // but inflating goes on so the context stays in step with the peer.
      this.pos = this.total > this.maxSize ? 0 : strm.next_out;
      // The first block names its dictionary by adler32; the wrong one is
      // Z_DATA_ERROR, as in zlib.
      if (r === Z_NEED_DICT) r = zlibInflateSetDictionary(strm, this.dictionary);
      // Z_STREAM_END counts as broken too: spdylay_zlib_inflate_hd refuses a
      // peer that ends its stream, since no later block could follow it.
      if (r !== Z_OK && r !== Z_BUF_ERROR) {
        this.failed = true;
        break;
      }
      if (strm.avail_in === 0 && strm.avail_out > 0) break;
      if (r === Z_BUF_ERROR && strm.avail_out > 0) break; // no progress possible
    }
    strm.input = EMPTY;
    strm.next_in = 0;
    strm.avail_in = 0;
  }

  /**
   * The block's verdict: 0; ERR_FRAME_TOO_LARGE when it inflated past the
   * cap (the stream is still in step); ERR_ZLIB when the stream is broken,
   * which overrides "too large" as in spdylay.
   */
  end(): number {
    if (this.failed) {
      this.pos = 0;
      return ERR_ZLIB;
    }
    return this.total > this.maxSize ? ERR_FRAME_TOO_LARGE : 0;
  }

  /** Only called while under the cap, so pos <= maxSize and the new size exceeds pos. */
  private grow(): void {
    const size = Math.min(this.buf.length * 2, this.maxSize + 1);
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }
}
