// The zlib floor: the header compression a workload needs with our codec's
// settings, and nothing else. pako's low-level API with our dictionaries,
// window bits 11, memLevel 1, level 0 on the client and 9 on the server,
// legacyHash, a sync flush per block, output buffers reused.
//
// It does the zlib work our design does, no more and no less
// (src/core/headers/zlib.ts): raw streams with the zlib header written and
// checked by hand, since SPDY never sends the adler32 trailer and so
// neither side computes the checksum; the first block carries the 2-byte
// header and the dictionary id, and the inflater's window is the 2^11 the
// header declares. At level 0 (the client's) no compressor runs at all: the
// blocks are stored blocks, written by hand as our codec writes them (the
// bytes zlib's deflate_stored writes), and read by hand as our inflater
// reads them while a peer sends nothing else: the bytes copied out and the
// last 2^11 of them kept as the window.
//
// Blocks are packed before timing starts (packing is framing work, not
// zlib work), then each is compressed by its sender's stream and inflated
// by its receiver's, in the workload's order. No framing, no sessions: our
// design cannot beat this.
import {
  ZStream,
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
import { CLIENT, SERVER } from '../dist/index.js';
// Not public API: the codec's own settings, so the floor follows them if they change.
import {
  DEFLATE_MEM_LEVEL,
  DEFLATE_WINDOW_BITS,
  defaultCompressionLevel,
  headerDictionary,
} from '../dist/core/headers/zlib.js';

const Z_DEFLATED = 8;
const utf8 = new TextEncoder();

let scratch = new Uint8Array(64 * 1024);

/** Writes `text` as UTF-8 at `pos` of the scratch buffer; ASCII by hand (the usual case), the rest natively. */
function writeText(text, pos) {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return utf8.encodeInto(text, scratch.subarray(pos)).written;
    scratch[pos + i] = c;
  }
  return n;
}

/** The SPDY/3 name/value block of `nv`, sorted by name as our sessions send it. */
export function packBlock(nv) {
  const pairs = nv.map(([name, value]) => [name.toLowerCase(), value]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let need = 4;
  for (const [name, value] of pairs) need += 8 + 3 * (name.length + value.length);
  if (scratch.length < need) scratch = new Uint8Array(need);
  const view = new DataView(scratch.buffer);
  view.setUint32(0, pairs.length);
  let pos = 4;
  for (const pair of pairs) {
    for (const text of pair) {
      const written = writeText(text, pos + 4);
      view.setUint32(pos, written);
      pos += 4 + written;
    }
  }
  return scratch.slice(0, pos);
}

/** zlib's adler32, for the dictionary id (once per direction, before timing). */
function adler32(data) {
  let a = 1;
  let b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The zlib header zlib's deflate writes for `level` with a preset dictionary (our codec writes the same). */
function zlibHeader(level, dictionary) {
  const levelFlags = level < 2 ? 0 : level < 6 ? 1 : level === 6 ? 2 : 3;
  let header = ((Z_DEFLATED + ((DEFLATE_WINDOW_BITS - 8) << 4)) << 8) | (levelFlags << 6) | 0x20;
  header += 31 - (header % 31);
  const id = adler32(dictionary);
  return Uint8Array.of(header >>> 8, header & 0xff, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

/** Level 0: `block` as stored blocks of at most 65535 bytes and the sync flush's empty one, at `pos` of `out`. */
function storeBlock(block, out, pos) {
  for (let i = 0; i < block.length; ) {
    const n = Math.min(65535, block.length - i);
    out.set([0, n & 0xff, n >>> 8, ~n & 0xff, (~n >>> 8) & 0xff], pos);
    out.set(block.subarray(i, i + n), pos + 5);
    pos += 5 + n;
    i += n;
  }
  out.set([0, 0, 0, 0xff, 0xff], pos);
  return pos + 5;
}

/**
 * Reads the stored blocks of in[from, end) into out, keeping the last
 * window's worth in `ring` (its write position in ring.end), as our
 * inflater does before any compressed block; returns the bytes written.
 */
function readStored(input, from, end, out, ring) {
  let pos = 0;
  const size = ring.bytes.length;
  while (from < end) {
    const b = input[from];
    const len = input[from + 1] | (input[from + 2] << 8);
    const nlen = input[from + 3] | (input[from + 4] << 8);
    if ((b & 7) !== 0 || nlen !== (~len & 0xffff)) throw new Error('floor: not a stored block');
    from += 5;
    out.set(input.subarray(from, from + len), pos);
    pos += len;
    if (len >= size) {
      ring.bytes.set(input.subarray(from + len - size, from + len));
      ring.end = 0;
    } else {
      const first = Math.min(len, size - ring.end);
      ring.bytes.set(input.subarray(from, from + first), ring.end);
      if (first < len) ring.bytes.set(input.subarray(from + first, from + len), 0);
      ring.end = (ring.end + len) % size;
    }
    from += len;
  }
  return pos;
}

/**
 * One direction of header compression: the sender's deflate stream and the
 * receiver's inflate stream, as one session pair has them.
 */
export class FloorDirection {
  /** `side`: CLIENT or SERVER, whichever sends these blocks (it picks the level). */
  constructor(version, side) {
    const dictionary = headerDictionary(version);
    const level = defaultCompressionLevel(side);
    this.dictionary = dictionary;
    this.header = zlibHeader(level, dictionary);
    this.dictId = adler32(dictionary);
    this.first = true;
    this.deflate = null;
    if (level !== 0) {
      this.deflate = new ZStream();
      let r = zlibDeflateInit2(this.deflate, level, Z_DEFLATED, -DEFLATE_WINDOW_BITS, DEFLATE_MEM_LEVEL, Z_DEFAULT_STRATEGY, true);
      if (r === Z_OK) r = zlibDeflateSetDictionary(this.deflate, dictionary);
      if (r !== Z_OK) throw new Error(`floor deflate init failed (${r})`);
    }
    this.inflate = null; // opened by the first block's header, as ours is
    // The level-0 receiver's kept window, the dictionary first.
    this.ring = level === 0 ? { bytes: new Uint8Array(1 << DEFLATE_WINDOW_BITS), end: 0 } : null;
    if (this.ring !== null) {
      const keep = Math.min(dictionary.length, this.ring.bytes.length);
      this.ring.bytes.set(dictionary.subarray(dictionary.length - keep));
      this.ring.end = keep % this.ring.bytes.length;
    }
    this.compressed = new Uint8Array(64 * 1024);
    this.inflated = new Uint8Array(64 * 1024);
  }

  /** Compresses `block`, inflates the result, checks the length; returns the compressed size. */
  run(block) {
    const d = this.deflate;
    let start = 0;
    if (this.first) {
      this.compressed.set(this.header);
      start = this.header.length;
    }
    let size;
    if (d === null) {
      size = storeBlock(block, this.compressed, start);
    } else {
      d.input = block;
      d.next_in = 0;
      d.avail_in = block.length;
      d.output = this.compressed;
      d.next_out = start;
      d.avail_out = this.compressed.length - start;
      if (zlibDeflate(d, Z_SYNC_FLUSH) !== Z_OK || d.avail_in !== 0) throw new Error('floor deflate failed');
      size = d.next_out;
    }
    let from = 0;
    if (this.first) {
      // The receiver's header check: check bits, method, window, dictionary id.
      const c = this.compressed;
      const id = ((c[2] << 24) | (c[3] << 16) | (c[4] << 8) | c[5]) >>> 0;
      if (((c[0] << 8) | c[1]) % 31 !== 0 || (c[0] & 15) !== Z_DEFLATED || !(c[1] & 0x20) || id !== this.dictId) {
        throw new Error('floor: bad zlib header');
      }
      if (this.ring === null) {
        this.inflate = new ZStream();
        let r = zlibInflateInit2(this.inflate, -((c[0] >> 4) + 8));
        if (r === Z_OK) r = zlibInflateSetDictionary(this.inflate, this.dictionary);
        if (r !== Z_OK) throw new Error('floor inflate init failed');
      }
      from = 6;
      this.first = false;
    }
    if (this.ring !== null) {
      if (readStored(this.compressed, from, size, this.inflated, this.ring) !== block.length) throw new Error('floor: stored length');
      return size;
    }
    const f = this.inflate;
    f.input = this.compressed;
    f.next_in = from;
    f.avail_in = size - from;
    f.output = this.inflated;
    f.next_out = 0;
    f.avail_out = this.inflated.length;
    const r = zlibInflate(f, Z_NO_FLUSH);
    if (r !== Z_OK || f.next_out !== block.length) throw new Error(`floor inflate failed (${r})`);
    return size;
  }
}

/** Both directions of a session pair. */
export function floorPair(version) {
  return { up: new FloorDirection(version, CLIENT), down: new FloorDirection(version, SERVER) };
}
