// The zlib floor: the header compression a workload needs with our codec's
// settings, and nothing else. pako's low-level API with our dictionaries,
// window bits 11, memLevel 1, level 0 on the client and 9 on the server,
// legacyHash, a sync flush per block, output buffers reused. Blocks are
// packed before timing starts (packing is framing work, not zlib work), then
// each is compressed by its sender's stream and inflated by its receiver's,
// in the workload's order. No framing, no sessions: our design cannot beat this.
import {
  ZStream,
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
import { CLIENT, SERVER } from '../dist/index.js';
// Not public API: the codec's own settings, so the floor follows them if they change.
import {
  DEFLATE_MEM_LEVEL,
  DEFLATE_WINDOW_BITS,
  defaultCompressionLevel,
  headerDictionary,
} from '../dist/core/headers/zlib.js';

const Z_DEFLATED = 8;
/** Our inflater accepts any window, as spdylay's inflateInit does. */
const INFLATE_WINDOW_BITS = 15;
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

/**
 * One direction of header compression: the sender's deflate stream and the
 * receiver's inflate stream, as one session pair has them.
 */
export class FloorDirection {
  /** `side`: CLIENT or SERVER, whichever sends these blocks (it picks the level). */
  constructor(version, side) {
    const dictionary = headerDictionary(version);
    this.dictionary = dictionary;
    this.deflate = new ZStream();
    let r = zlibDeflateInit2(
      this.deflate,
      defaultCompressionLevel(side),
      Z_DEFLATED,
      DEFLATE_WINDOW_BITS,
      DEFLATE_MEM_LEVEL,
      Z_DEFAULT_STRATEGY,
      true,
    );
    if (r === Z_OK) r = zlibDeflateSetDictionary(this.deflate, dictionary);
    if (r !== Z_OK) throw new Error(`floor deflate init failed (${r})`);
    this.inflate = new ZStream();
    if (zlibInflateInit2(this.inflate, INFLATE_WINDOW_BITS) !== Z_OK) throw new Error('floor inflate init failed');
    this.compressed = new Uint8Array(64 * 1024);
    this.inflated = new Uint8Array(64 * 1024);
  }

  /** Compresses `block`, inflates the result, checks the length; returns the compressed size. */
  run(block) {
    const d = this.deflate;
    d.input = block;
    d.next_in = 0;
    d.avail_in = block.length;
    d.output = this.compressed;
    d.next_out = 0;
    d.avail_out = this.compressed.length;
    if (zlibDeflate(d, Z_SYNC_FLUSH) !== Z_OK || d.avail_in !== 0) throw new Error('floor deflate failed');
    const size = d.next_out;
    const f = this.inflate;
    f.input = this.compressed;
    f.next_in = 0;
    f.avail_in = size;
    f.output = this.inflated;
    f.next_out = 0;
    f.avail_out = this.inflated.length;
    let r = zlibInflate(f, Z_NO_FLUSH);
    if (r === Z_NEED_DICT) {
      r = zlibInflateSetDictionary(f, this.dictionary);
      if (r === Z_OK) r = zlibInflate(f, Z_NO_FLUSH);
    }
    if (r !== Z_OK || f.next_out !== block.length) throw new Error(`floor inflate failed (${r})`);
    return size;
  }
}

/** Both directions of a session pair. */
export function floorPair(version) {
  return { up: new FloorDirection(version, CLIENT), down: new FloorDirection(version, SERVER) };
}
