/**
 * The two zlib streams of a session's header compression, on pako's
 * low-level API: one deflate stream for every block sent, one inflate stream
 * for every block received, each continuing for the session's lifetime with
 * the version's preset dictionary (draft 3 §2.6.10.1).
 *
 * Settings are spdylay's (spdylay_zlib.c): window bits 11, memLevel 1,
 * default strategy, compression level 9 on a server and 0 (stored blocks)
 * on a client, a sync flush after every block so each ends `00 00 ff ff`.
 * pako runs with `legacyHash`, zlib's own hash: its output is then
 * byte-identical to canonical zlib, and at memLevel 1 faster than pako's
 * default hash (which needs a 32 Ki-entry table per stream).
 *
 * Raw streams, the zlib wrapper by hand. A SPDY header stream is a zlib
 * stream that never ends: the 2-byte header and the dictionary's adler32
 * open the first block, and the adler32 trailer is never sent, since every
 * block ends with a sync flush. A zlib-wrapped pako stream would still
 * compute adler32 over every byte in and out, for a checksum nobody sees
 * (on stored blocks it costs more than the copying). So both streams run
 * raw (negative windowBits): the deflater writes the six header bytes in
 * front of its first block, exactly as zlib's deflate would (so the bytes
 * on the wire are unchanged), and the inflater reads and checks them
 * itself, as zlib's inflate would: the header check bits, method 8, a
 * window of at most 2^15, and the dictionary id against the adler32 of
 * our dictionary (any other dictionary is ERR_ZLIB, like zlib's
 * Z_DATA_ERROR from inflateSetDictionary). zlib allows preset dictionaries
 * on raw streams in both directions.
 *
 * The inflater's window is the one the peer's header declares, where
 * zlib's inflateInit (spdylay's) always allocates 2^15 bytes: 2 KiB for
 * spdylay, spdy-transport and our own sessions (window bits 11), 32 KiB for
 * a peer that says it uses 32 KiB. A stream that refers further back than
 * its declared window is corrupt, and is ERR_ZLIB (a departure: spdylay
 * would read it).
 *
 * Level 0 costs no compressor on either side. The deflater writes stored
 * blocks itself (storeBlock), the bytes zlib's deflate_stored writes; the
 * inflater reads stored blocks itself for as long as the peer sends only
 * those (a client at level 0 does), keeping the last window of output, and
 * hands over to pako at the first other block with that window as pako's
 * dictionary (HeaderInflater.pushStored). A client session then holds no
 * pako deflate state and a server none for inflating.
 *
 * Output buffers are shared by every stream in the thread (see sharedOut
 * and the inflater's buffer handover), since each is only filled and read
 * within one block: a block costs no allocation here beyond what pako does
 * internally, and an idle session holds none.
 */
import {
  ZStream,
  Z_BUF_ERROR,
  Z_DEFAULT_STRATEGY,
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
/** zlib's largest window, 2^15: the most a peer's header may declare. */
const MAX_WINDOW_BITS = 15;
/** FDICT in the zlib header's FLG byte: a dictionary id follows. */
const PRESET_DICT = 0x20;

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

/** zlib's adler32 (RFC 1950 §8.2), for the dictionary id. */
function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // Reduced every 5552 bytes, zlib's NMAX, as zlib does (the sums stay exact in doubles either way).
  for (let i = 0; i < data.length; ) {
    const stop = Math.min(data.length, i + 5552);
    for (; i < stop; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Dictionary ids by dictionary: each is computed once per thread. */
const dictionaryIds = new WeakMap<Uint8Array, number>();
function dictionaryId(dictionary: Uint8Array): number {
  let id = dictionaryIds.get(dictionary);
  if (id === undefined) {
    id = adler32(dictionary);
    dictionaryIds.set(dictionary, id);
  }
  return id;
}

/**
 * The six bytes zlib's deflate writes before a stream with a preset
 * dictionary (RFC 1950 §2.2, deflate.c): CMF (method 8, window 2^11), FLG
 * (FLEVEL from the level as zlib derives it, FDICT, check bits making
 * CMF·256+FLG a multiple of 31), then the dictionary's adler32.
 */
function zlibHeader(level: number, dictionary: Uint8Array): Uint8Array {
  const levelFlags = level < 2 ? 0 : level < 6 ? 1 : level === 6 ? 2 : 3;
  let header = ((Z_DEFLATED + ((DEFLATE_WINDOW_BITS - 8) << 4)) << 8) | (levelFlags << 6) | PRESET_DICT;
  header += 31 - (header % 31);
  const id = dictionaryId(dictionary);
  return Uint8Array.of(header >>> 8, header & 0xff, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

/**
 * The compressed-output buffer every HeaderDeflater in the thread writes
 * into. compress() fills it and returns, and its caller copies the bytes
 * out before anything else can compress (the encoder does it on the next
 * line), so one buffer serves every session: no re-entrancy is possible,
 * as pako calls nothing back.
 */
let deflateOut: Uint8Array = new Uint8Array(INITIAL_OUTPUT);

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

/** zlib's largest stored block (LEN is 16 bits). */
const MAX_STORED = 65535;
/** The largest block storeInPlace takes: one that fits one stored block. */
export const MAX_STORED_IN_PLACE = MAX_STORED;
/** A stored block's head: 3 bits (not final, type 00) padded to the byte, then LEN and NLEN little-endian. */
const STORED_HEAD_LENGTH = 5;
/** What a sync flush adds after a stored block's data: an empty stored block, a bare head. */
export const STORED_FLUSH_LENGTH = STORED_HEAD_LENGTH;

/**
 * Level 0 without pako: writes input[0, length) at out[pos] as zlib's
 * deflate_stored does with room to spare and a sync flush, and returns the
 * new end. Stored blocks of at most 65535 bytes (3 header bits, padding to
 * the byte, LEN and NLEN little-endian, the bytes), then the sync flush's
 * empty stored block. Empty input writes nothing, except as the stream's
 * first call: zlib's deflate refuses a second flush with nothing new in
 * between (Z_BUF_ERROR), but the first call always flushes. A level-0
 * stream never refers back, so it needs neither the dictionary nor a
 * window: the client side of a session (level 0 by default) carries no
 * compressor state at all.
 */
function storeBlock(input: Uint8Array, length: number, out: Uint8Array, pos: number, first: boolean): number {
  if (length === 0 && !first) return pos;
  for (let i = 0; i < length; ) {
    const n = Math.min(MAX_STORED, length - i);
    writeStoredHead(out, pos, n);
    out.set(input.subarray(i, i + n), pos + STORED_HEAD_LENGTH);
    pos += STORED_HEAD_LENGTH + n;
    i += n;
  }
  writeStoredHead(out, pos, 0); // the sync flush: 00 00 00 ff ff
  return pos + STORED_HEAD_LENGTH;
}

function writeStoredHead(out: Uint8Array, pos: number, n: number): void {
  out[pos] = 0;
  out[pos + 1] = n & 0xff;
  out[pos + 2] = n >>> 8;
  out[pos + 3] = ~n & 0xff;
  out[pos + 4] = (~n >>> 8) & 0xff;
}

/** The sending stream. One compress() call per header block. */
export class HeaderDeflater {
  /** pako's stream; null at level 0, whose stored blocks are written here (see storeBlock). */
  private readonly strm: ZStream | null = null;
  /** The zlib header, written in front of the first block, then null. */
  private header: Uint8Array | null;
  private failed = false;

  /** Throws ZlibError when pako rejects the parameters (a level outside 0..9). */
  constructor(dictionary: Uint8Array, level: number) {
    if (level !== 0) {
      const strm = new ZStream();
      let r = zlibDeflateInit2(strm, level, Z_DEFLATED, -DEFLATE_WINDOW_BITS, DEFLATE_MEM_LEVEL, Z_DEFAULT_STRATEGY, true);
      if (r === Z_OK) r = zlibDeflateSetDictionary(strm, dictionary);
      if (r !== Z_OK) throw new ZlibError(`cannot initialise the header compressor (zlib ${r})`);
      this.strm = strm;
    }
    this.header = zlibHeader(level, dictionary);
  }

  /** deflateBound() for the next block. */
  bound(n: number): number {
    return deflateBound(n, this.header !== null);
  }

  /**
   * Whether the stream writes stored blocks only (level 0), so that a
   * block can be stored in place (storeInPlace).
   */
  get storesOnly(): boolean {
    return this.strm === null && !this.failed;
  }

  /**
   * Level 0: the bytes compress() writes in front of the data of a block
   * of 1..MAX_STORED_IN_PLACE bytes (the zlib header on the stream's first
   * block, then the stored block's head); the sync flush after the data
   * adds STORED_FLUSH_LENGTH more.
   */
  get storedPrefixLength(): number {
    return (this.header === null ? 0 : this.header.length) + STORED_HEAD_LENGTH;
  }

  /**
   * Level 0, for a block whose n bytes (1..MAX_STORED_IN_PLACE) the caller
   * has already put at out[pos + storedPrefixLength]: writes around them
   * what compress() would write, so out[pos, returned end) holds the same
   * bytes compress() returns, with no copy of the data.
   */
  storeInPlace(out: Uint8Array, pos: number, n: number): number {
    const header = this.header;
    if (header !== null) {
      out.set(header, pos);
      pos += header.length;
      this.header = null;
    }
    writeStoredHead(out, pos, n);
    pos += STORED_HEAD_LENGTH + n;
    writeStoredHead(out, pos, 0);
    return pos + STORED_HEAD_LENGTH;
  }

  /**
   * The compressed bytes of the last compress() call are output[0, returned
   * length). Shared by every HeaderDeflater: valid until the next
   * compress() on any of them.
   */
  get output(): Uint8Array {
    return deflateOut;
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
    let out = deflateOut;
    if (out.length < need || (out.length > RETAIN && need <= RETAIN)) {
      out = deflateOut = new Uint8Array(Math.max(need, INITIAL_OUTPUT));
    }
    let written = 0;
    const header = this.header;
    if (header !== null) {
      out.set(header);
      written = header.length;
    }
    const strm = this.strm;
    if (strm === null) {
      written = storeBlock(input, length, out, written, header !== null);
      this.header = null;
      return written;
    }
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = length;
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
      out = deflateOut = bigger;
    }
    strm.input = EMPTY;
    this.header = null;
    return written;
  }
}

/**
 * The inflated-output buffer the HeaderInflaters of the thread share, and
 * the one using it. A block's output must survive from begin() until the
 * caller has read it after end(), and a block can arrive over several
 * memRecv calls, with other sessions' blocks in between. So an inflater
 * claims the buffer at begin(); claiming it from another inflater still in
 * the middle of a block first moves that one's partial output into a
 * buffer of its own (rare: it takes a block split across reads and another
 * session's block in the gap). Nothing here calls out, so a claim never
 * happens during an inflater's own push() or end().
 */
const sharedOut: { buf: Uint8Array; owner: HeaderInflater | null } = { buf: new Uint8Array(INITIAL_OUTPUT), owner: null };

/** Header bytes read so far, in HeaderInflater.headerRead, once the header is complete. */
const HEADER_DONE = -1;

/**
 * The receiving stream. Per block: begin(), push() for each compressed slice
 * as it arrives (any split, down to single bytes), end() for the verdict;
 * the inflated bytes are then output[0, length).
 */
export class HeaderInflater {
  /** pako's stream, created at the peer's first block that is not a stored one (see pushStored). */
  private strm: ZStream | null = null;
  private readonly dictionary: Uint8Array;
  private readonly maxSize: number;
  /** The zlib header as read so far: bytes seen (0..6, or HEADER_DONE), CMF, FLG and the dictionary id. */
  private headerRead = 0;
  private cmf = 0;
  private windowBits = 0;
  private dictId = 0;
  /** Whether the header named our dictionary (so the window starts with it). */
  private withDictionary = false;
  /**
   * Before pako takes over: the last 2^windowBits bytes of output, with the
   * dictionary in front, as a ring; null until a stored block has data.
   */
  private history: Uint8Array | null = null;
  private historyEnd = 0;
  private historyLength = 0;
  /** The stored block being read: bytes of its 5-byte head seen (0..4), LEN and NLEN so far, data bytes to come. */
  private storedHead = 0;
  private storedLengths = 0;
  private storedLeft = 0;
  /** The shared buffer while this inflater holds it, else its own (after releaseSharedOutput) or EMPTY. */
  private buf: Uint8Array = EMPTY;
  /** Inflated bytes of the current block kept in buf. */
  private pos = 0;
  /** Inflated bytes of the current block, kept or discarded. */
  private total = 0;
  private inBlock = false;
  private failed = false;

  /** `maxSize`: the largest inflated block accepted (a zlib-bomb guard). */
  constructor(dictionary: Uint8Array, maxSize: number) {
    this.dictionary = dictionary;
    this.maxSize = maxSize;
  }

  /**
   * The inflated block after end(): output[0, length). Valid until the next
   * begin() on any HeaderInflater (they share one buffer).
   */
  get output(): Uint8Array {
    return this.buf;
  }

  get length(): number {
    return this.pos;
  }

  begin(): void {
    this.pos = 0;
    this.total = 0;
    this.inBlock = true;
    const owner = sharedOut.owner;
    if (owner !== this) {
      if (owner !== null) owner.releaseSharedOutput();
      sharedOut.owner = this;
    }
    if (sharedOut.buf.length > RETAIN) sharedOut.buf = new Uint8Array(INITIAL_OUTPUT);
    this.buf = sharedOut.buf;
  }

  /** Inflates the next compressed bytes of the block. `chunk` is not retained. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    let off = 0;
    if (this.headerRead !== HEADER_DONE) {
      off = this.readHeader(chunk);
      if (this.headerRead !== HEADER_DONE || off === chunk.length) return;
    }
    if (this.strm === null) {
      off = this.pushStored(chunk, off);
      if (this.strm === null || off === chunk.length) return;
    }
    const strm = this.strm;
    strm.input = chunk;
    strm.next_in = off;
    strm.avail_in = chunk.length - off;
    for (;;) {
      if (this.pos === this.buf.length) this.grow();
      const start = this.pos;
      strm.output = this.buf as Uint8Array<ArrayBuffer>;
      strm.next_out = start;
      strm.avail_out = this.buf.length - start;
      const r = zlibInflate(strm, Z_NO_FLUSH);
      this.total += strm.next_out - start;
      // Past the cap the output is dropped (the buffer is reused from 0),
      // but inflating goes on so the context stays in step with the peer.
      this.pos = this.total > this.maxSize ? 0 : strm.next_out;
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
    this.inBlock = false;
    if (this.failed) {
      this.pos = 0;
      return ERR_ZLIB;
    }
    return this.total > this.maxSize ? ERR_FRAME_TOO_LARGE : 0;
  }

  /**
   * Reads zlib header bytes from the front of `chunk` and returns how many
   * it took; on the last one, checks the header as zlib's inflate does and
   * opens the raw stream (or marks the stream broken).
   */
  private readHeader(chunk: Uint8Array): number {
    let i = 0;
    while (i < chunk.length) {
      const b = chunk[i++]!;
      const n = this.headerRead++;
      if (n === 0) {
        this.cmf = b;
        continue;
      }
      if (n === 1) {
        const cmf = this.cmf;
        const bits = (cmf >>> 4) + 8;
        // zlib's order: check bits ("incorrect header check"), method,
        // window ("invalid window size"); each is Z_DATA_ERROR.
        if (((cmf << 8) | b) % 31 !== 0 || (cmf & 0x0f) !== Z_DEFLATED || bits > MAX_WINDOW_BITS) {
          this.failed = true;
          return i;
        }
        this.windowBits = bits;
        if ((b & PRESET_DICT) === 0) {
          this.open(false);
          return i;
        }
        continue;
      }
      this.dictId = ((this.dictId << 8) | b) >>> 0;
      if (n === 5) {
        if (this.dictId !== dictionaryId(this.dictionary)) {
          this.failed = true; // the peer compresses with another dictionary
          return i;
        }
        this.open(true);
        return i;
      }
    }
    return i;
  }

  private open(withDictionary: boolean): void {
    this.withDictionary = withDictionary;
    this.headerRead = HEADER_DONE;
  }

  /**
   * Stored blocks, read here rather than by pako for as long as the peer
   * sends nothing else (a client's level 0, spdylay's default, sends
   * nothing else ever): their bytes are copied out, and the last window's
   * worth kept, as zlib keeps its window. The stream stays byte-aligned
   * between stored blocks, so at the first block of another type pako's
   * raw stream takes over from that byte, with the kept bytes as its
   * dictionary, which is exactly the window it would have had (switchToPako).
   * Returns how far into `chunk` it read; the stream is then either in the
   * middle of stored data, switched to pako, or broken.
   */
  private pushStored(chunk: Uint8Array, off: number): number {
    const end = chunk.length;
    while (off < end) {
      if (this.storedLeft > 0) {
        const n = Math.min(this.storedLeft, end - off);
        this.copyStored(chunk, off, n);
        this.storedLeft -= n;
        off += n;
        continue;
      }
      const b = chunk[off]!;
      const k = this.storedHead;
      if (k === 0) {
        // A block starts: BFINAL, then BTYPE (00: stored) in the low 3 bits;
        // a stored block pads the rest of the byte, which zlib ignores.
        if ((b & 0x06) !== 0) {
          this.switchToPako();
          return off;
        }
        if ((b & 0x01) !== 0) {
          // A final block ends the stream: broken, as Z_STREAM_END is in push().
          this.failed = true;
          return end;
        }
        this.storedLengths = 0;
      } else {
        this.storedLengths |= b << (8 * (k - 1)); // LEN, then NLEN, little-endian
      }
      off++;
      if (k < 4) {
        this.storedHead = k + 1;
        continue;
      }
      this.storedHead = 0;
      const lengths = this.storedLengths >>> 0;
      const len = lengths & 0xffff;
      if (lengths >>> 16 !== (~len & 0xffff)) {
        this.failed = true; // zlib: "invalid stored block lengths"
        return end;
      }
      this.storedLeft = len;
    }
    return off;
  }

  /** Stored data chunk[off, off + n): to the output (under the cap) and to the kept window. */
  private copyStored(chunk: Uint8Array, off: number, n: number): void {
    this.total += n;
    if (this.total > this.maxSize) {
      this.pos = 0; // past the cap: dropped, as in push()
    } else {
      while (this.pos + n > this.buf.length) this.grow();
      this.buf.set(chunk.subarray(off, off + n), this.pos);
      this.pos += n;
    }
    let ring = this.history;
    if (ring === null) {
      ring = this.history = new Uint8Array(1 << this.windowBits);
      if (this.withDictionary) {
        const d = this.dictionary;
        const m = Math.min(d.length, ring.length);
        ring.set(d.subarray(d.length - m));
        this.historyLength = m;
        this.historyEnd = m % ring.length;
      }
    }
    const size = ring.length;
    if (n >= size) {
      ring.set(chunk.subarray(off + n - size, off + n));
      this.historyEnd = 0;
      this.historyLength = size;
      return;
    }
    const first = Math.min(n, size - this.historyEnd);
    ring.set(chunk.subarray(off, off + first), this.historyEnd);
    if (first < n) ring.set(chunk.subarray(off + first, off + n), 0);
    this.historyEnd = (this.historyEnd + n) % size;
    this.historyLength = Math.min(size, this.historyLength + n);
  }

  /** pako's raw stream from here on, its window preset to what the stored blocks left. */
  private switchToPako(): void {
    const strm = new ZStream();
    let r = zlibInflateInit2(strm, -this.windowBits);
    const ring = this.history;
    if (r === Z_OK && ring !== null) {
      const size = ring.length;
      let window: Uint8Array;
      if (this.historyLength < size) {
        window = ring.subarray(0, this.historyLength);
      } else {
        window = new Uint8Array(size);
        window.set(ring.subarray(this.historyEnd));
        window.set(ring.subarray(0, this.historyEnd), size - this.historyEnd);
      }
      r = zlibInflateSetDictionary(strm, window);
    } else if (r === Z_OK && this.withDictionary) {
      r = zlibInflateSetDictionary(strm, this.dictionary);
    }
    this.history = null;
    if (r !== Z_OK) {
      this.failed = true;
      return;
    }
    this.strm = strm;
  }

  /**
   * Another inflater is taking the shared buffer. In the middle of a block,
   * keep the partial output in a buffer of our own; otherwise the output
   * is no longer needed (see `output`).
   */
  private releaseSharedOutput(): void {
    if (this.inBlock) {
      const mine = new Uint8Array(this.buf.length);
      mine.set(this.buf.subarray(0, this.pos));
      this.buf = mine;
    } else {
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /** Only called while under the cap, so pos <= maxSize and the new size exceeds pos. */
  private grow(): void {
    const size = Math.min(Math.max(this.buf.length * 2, INITIAL_OUTPUT), this.maxSize + 1);
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    if (sharedOut.owner === this) sharedOut.buf = bigger;
  }
}
