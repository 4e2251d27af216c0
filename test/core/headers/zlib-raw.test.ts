/**
 * The raw streams behind HeaderDeflater and HeaderInflater: the zlib header
 * written and read by hand, the inflater's window taken from the peer's
 * header, level 0 written without a compressor, and the output buffers
 * shared by every stream in the thread.
 */
import zlib from 'node:zlib';
import {
  ZStream,
  Z_OK,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateInit2,
  zlibDeflateSetDictionary,
} from 'pako';
import { describe, expect, it } from 'vitest';
import { ERR_FRAME_TOO_LARGE, ERR_ZLIB } from '../../../src/core/constants.js';
import { SPDY2_DICTIONARY, SPDY3_DICTIONARY } from '../../../src/core/headers/dictionaries.js';
import { DEFAULT_MAX_INFLATED_SIZE, HeaderDeflater, HeaderInflater } from '../../../src/core/headers/zlib.js';
import { ascii, concat, everyByte, hex, toHex } from '../../helpers/bytes.js';
import { syncFlushed } from '../../helpers/node-zlib.js';
import { SYNC, V3_ID, compressOne, inflateBlock, prng, stored } from '../../helpers/zlib-blocks.js';

/** Index of the first byte where a and b differ (or the shorter length), -1 when equal: keeps failures short. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
/** A zlib header (RFC 1950 §2.2) with the check bits made right for the given CMF and FLG flags. */
function zlibHead(cmf: number, flagBits: number): Uint8Array {
  const flg = flagBits & 0xe0;
  const check = (31 - (((cmf << 8) | flg) % 31)) % 31;
  return Uint8Array.of(cmf, flg | check);
}

/** node:zlib's deflater, one sync-flushed block per input, with the given window. */
async function nodeBlocks(inputs: Uint8Array[], windowBits: number, dictionary: Uint8Array): Promise<Uint8Array[]> {
  const d = zlib.createDeflate({ level: 9, windowBits, memLevel: 8, dictionary });
  const out: Uint8Array[] = [];
  for (const input of inputs) out.push(await syncFlushed(d, input));
  d.close();
  return out;
}

describe('HeaderInflater: the zlib header, read by hand', () => {
  const body = ascii('first block');

  it('a header split over pushes and over blocks: a block ending inside it inflates to nothing, the next goes on', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    const head = concat(hex('3830'), V3_ID);
    expect(inflateBlock(inf, [head.subarray(0, 1), head.subarray(1, 3)])).toEqual({ status: 0, data: new Uint8Array(0) });
    expect(inflateBlock(inf, [head.subarray(3), stored(body), SYNC])).toEqual({ status: 0, data: body });
  });

  it('a method other than 8 is ERR_ZLIB (zlib: "unknown compression method")', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(zlibHead(0x37, 0x20), V3_ID, stored(body), SYNC)]).status).toBe(ERR_ZLIB);
    expect(inflateBlock(inf, [concat(stored(body), SYNC)]).status).toBe(ERR_ZLIB); // and stays so
  });

  it('a window above 2^15 is ERR_ZLIB (zlib: "invalid window size")', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(zlibHead(0x88, 0x20), V3_ID, stored(body), SYNC)]).status).toBe(ERR_ZLIB);
  });

  it('a dictionary id split across pushes is still checked: one wrong byte is ERR_ZLIB', () => {
    const wrong = Uint8Array.from(V3_ID);
    wrong[3]! ^= 1;
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    const wire = concat(hex('3830'), wrong, stored(body), SYNC);
    expect(inflateBlock(inf, everyByte(wire)).status).toBe(ERR_ZLIB);
  });

  it('the header check covers every window size zlib allows (2^8..2^15)', () => {
    for (let bits = 8; bits <= 15; bits++) {
      const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
      const head = zlibHead(((bits - 8) << 4) | 8, 0x20);
      expect(inflateBlock(inf, [concat(head, V3_ID, stored(body), SYNC)])).toEqual({ status: 0, data: body });
    }
  });

  it('reads a peer compressing with a 32 KiB window, whose blocks refer back further than 2 KiB', async () => {
    const rnd = prng(11);
    const text = ascii(Array.from({ length: 6000 }, () => String.fromCharCode(0x21 + Math.floor(rnd() * 90))).join(''));
    const inputs = [text, ascii('between'), text];
    const wire = await nodeBlocks(inputs, 15, SPDY3_DICTIONARY);
    expect(toHex(wire[0]!.subarray(0, 2), '')).toBe('78f9'); // the header says 2^15, level 9, FDICT
    expect(wire[2]!.length).toBeLessThan(100); // the repeat is a back-reference 6000 bytes away
    const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    for (let i = 0; i < inputs.length; i++) expect(inflateBlock(inf, [wire[i]!])).toEqual({ status: 0, data: inputs[i] });
  });

  it('departure: a stream that refers back past the window its header declares is ERR_ZLIB (spdylay inflates into 32 KiB anyway)', async () => {
    // The 32 KiB stream of the test above, relabelled as a 2 KiB one. zlib's
    // inflateInit (spdylay's) keeps a 32 KiB window whatever the header says;
    // ours is the declared size, so the 6000-byte reference is corrupt.
    const rnd = prng(11);
    const text = ascii(Array.from({ length: 6000 }, () => String.fromCharCode(0x21 + Math.floor(rnd() * 90))).join(''));
    const wire = await nodeBlocks([text, text], 15, SPDY3_DICTIONARY);
    const first = Uint8Array.from(wire[0]!);
    first.set(zlibHead(0x38, first[1]!));
    const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    expect(inflateBlock(inf, [first])).toEqual({ status: 0, data: text });
    expect(inflateBlock(inf, [wire[1]!]).status).toBe(ERR_ZLIB);
  });

  it('reads spdylay-style streams at every level split at every byte, SPDY/2 dictionary too', () => {
    for (const dictionary of [SPDY2_DICTIONARY, SPDY3_DICTIONARY]) {
      for (const level of [0, 1, 6, 9]) {
        const d = new HeaderDeflater(dictionary, level);
        const inf = new HeaderInflater(dictionary, DEFAULT_MAX_INFLATED_SIZE);
        for (const text of ['content-type text/html', 'content-type text/html; charset=utf-8', 'x'.repeat(3000)]) {
          const input = ascii(text);
          const wire = compressOne(d, input);
          expect(inflateBlock(inf, everyByte(wire))).toEqual({ status: 0, data: input });
        }
      }
    }
  });
});

describe('HeaderInflater: stored blocks read without pako, then pako from the first other block', () => {
  /** node:zlib at level 0 for `stored` blocks, then at level 9 (deflate.params) for `compressed` ones. */
  async function switchingPeer(stored: string[], compressed: string[], dictionary: Uint8Array | undefined, windowBits: number) {
    const d = zlib.createDeflate({ level: 0, windowBits, memLevel: 1, ...(dictionary ? { dictionary } : {}) });
    const chunks: Buffer[] = [];
    d.on('data', (c: Buffer) => chunks.push(c));
    const take = () => {
      const b = concat(...chunks);
      chunks.length = 0;
      return b;
    };
    const block = async (text: string) => {
      d.write(ascii(text));
      await new Promise<void>((resolve) => d.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      return take();
    };
    const wire: Uint8Array[] = [];
    for (const t of stored) wire.push(await block(t));
    await new Promise<void>((resolve) => d.params(9, zlib.constants.Z_DEFAULT_STRATEGY, () => resolve()));
    const between = take(); // whatever params() flushed belongs to the next block
    for (const t of compressed) wire.push(await block(t));
    wire[stored.length] = concat(between, wire[stored.length]!);
    d.close();
    return wire;
  }
  // More than 2 KiB stored before the switch, so the kept window has wrapped;
  // the compressed blocks repeat stored text, so they refer back into it.
  const STORED = ['accept-encoding gzip, deflate '.repeat(40), 'user-agent Mozilla/5.0 '.repeat(50), 'x-stored block three'];
  const COMPRESSED = ['user-agent Mozilla/5.0 user-agent Mozilla/5.0 x-stored block three', 'content-type text/html', 'x-stored block three, again'];

  for (const [label, dictionary, windowBits] of [
    ['with the SPDY/3 dictionary, window 2^11', SPDY3_DICTIONARY, 11],
    ['without a dictionary, window 2^15', undefined, 15],
  ] as const) {
    it(`a peer switching from level 0 to level 9 mid-stream, ${label}: every block, whole or split at every byte`, async () => {
      const wire = await switchingPeer(STORED, COMPRESSED, dictionary, windowBits);
      const texts = [...STORED, ...COMPRESSED].map(ascii);
      expect(wire[STORED.length]!.length).toBeLessThan(40); // a back-reference into the stored bytes
      for (const split of [false, true]) {
        const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
        wire.forEach((w, i) => {
          const chunks = split ? everyByte(w) : [w];
          expect(inflateBlock(inf, chunks)).toEqual({ status: 0, data: texts[i] });
        });
      }
    });
  }

  it('the padding bits of a stored block\'s first byte are ignored, as zlib ignores them', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    const body = ascii('padded');
    const block = stored(body);
    block[0] = 0xf8; // BFINAL 0, BTYPE 00, then five set padding bits
    expect(inflateBlock(inf, [concat(hex('3830'), V3_ID, block, SYNC)])).toEqual({ status: 0, data: body });
  });

  it('a final stored block breaks the stream even without its trailer', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    const block = stored(ascii('last'));
    block[0] = 0x01;
    expect(inflateBlock(inf, [concat(hex('3830'), V3_ID, block)]).status).toBe(ERR_ZLIB);
    expect(inflateBlock(inf, [concat(stored(ascii('more')), SYNC)]).status).toBe(ERR_ZLIB);
  });

  it('stored data past the cap is dropped but kept in the window: a later compressed block referring to it decodes', async () => {
    const big = 'cookie sid=0123456789abcdef; theme=dark; '.repeat(40); // 1,640 bytes, over the 1,000-byte cap
    const wire = await switchingPeer([big], [big.slice(0, 200)], SPDY3_DICTIONARY, 11);
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [wire[0]!]).status).toBe(ERR_FRAME_TOO_LARGE);
    expect(inflateBlock(inf, [wire[1]!])).toEqual({ status: 0, data: ascii(big.slice(0, 200)) });
  });
});

describe('HeaderDeflater: raw stream with the header by hand', () => {
  /** pako's own zlib-wrapped stream, as the reference: what zlib's deflate sends. */
  function wrapped(level: number, dictionary: Uint8Array): (input: Uint8Array) => Uint8Array {
    const strm = new ZStream();
    expect(zlibDeflateInit2(strm, level, 8, 11, 1, 0, true)).toBe(Z_OK);
    expect(zlibDeflateSetDictionary(strm, dictionary)).toBe(Z_OK);
    return (input) => {
      const out = new Uint8Array(input.length + input.length / 10 + 1024);
      strm.input = input;
      strm.next_in = 0;
      strm.avail_in = input.length;
      strm.output = out;
      strm.next_out = 0;
      strm.avail_out = out.length;
      zlibDeflate(strm, Z_SYNC_FLUSH);
      return out.slice(0, strm.next_out);
    };
  }

  it('is byte-identical to zlib-wrapped pako at every level, block after block, empty and 64 KiB-crossing blocks included', () => {
    const rnd = prng(5);
    const edges = [0, 1, 5, 507, 2048, 65534, 65535, 65536, 70000, 131071, 131072];
    for (const dictionary of [SPDY2_DICTIONARY, SPDY3_DICTIONARY]) {
      for (let level = 0; level <= 9; level++) {
        for (let trial = 0; trial < 2; trial++) {
          const ours = new HeaderDeflater(dictionary, level);
          const reference = wrapped(level, dictionary);
          for (let b = 0; b < 6; b++) {
            // An empty first block too: zlib flushes it; a later empty one writes nothing.
            const n = b === 0 && trial === 1 ? 0 : rnd() < 0.4 ? edges[Math.floor(rnd() * edges.length)]! : Math.floor(rnd() * 3000);
            const input = new Uint8Array(n).map((_, i) => (rnd() < 0.6 ? 0x61 + (i % 7) : Math.floor(rnd() * 256)));
            expect(firstDifference(compressOne(ours, input), reference(input))).toBe(-1);
          }
        }
      }
    }
  });

  it('level 0 over 64 KiB matches node:zlib given the same room: stored blocks of 65535 bytes, then the rest', () => {
    const input = new Uint8Array(150_000).map((_, i) => (i * 7) % 251);
    const ours = compressOne(new HeaderDeflater(SPDY3_DICTIONARY, 0), input);
    // zlib sizes stored blocks by the output room too, so node:zlib gets a
    // buffer as large as ours (by default it writes 16 KiB at a time).
    const node = zlib.deflateSync(input, {
      level: 0,
      windowBits: 11,
      memLevel: 1,
      dictionary: SPDY3_DICTIONARY,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      chunkSize: 256 * 1024,
    });
    expect(firstDifference(ours, node)).toBe(-1);
    expect(ours.length).toBe(6 + 3 * 5 + 150_000 + 5);
    expect(toHex(ours.subarray(6, 11), '')).toBe('00ffff0000');
  });
});

describe('shared output buffers', () => {
  it('two inflaters interleaved mid-block: each keeps its partial output and gets its own block', () => {
    const a = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    const b = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    const da = new HeaderDeflater(SPDY3_DICTIONARY, 9);
    const db = new HeaderDeflater(SPDY3_DICTIONARY, 0);
    const ta = ascii('a'.repeat(3000) + 'the block of stream A, inflated in two halves');
    const tb = ascii('the block of stream B, inflated whole, in between');
    const wa = compressOne(da, ta);
    const wb = compressOne(db, tb);
    // A takes the buffer and inflates part of its block ...
    a.begin();
    a.push(wa.subarray(0, wa.length >> 1));
    // ... B claims it for a whole block ...
    expect(inflateBlock(b, [wb])).toEqual({ status: 0, data: tb });
    // ... and A finishes on its own copy of what it had.
    a.push(wa.subarray(wa.length >> 1));
    expect(a.end()).toBe(0);
    expect(firstDifference(a.output.slice(0, a.length), ta)).toBe(-1);
    // Both streams stay in step for the next blocks, whoever goes first.
    const ta2 = ascii('a'.repeat(3000) + 'second');
    const tb2 = ascii('B again');
    const wa2 = compressOne(da, ta2);
    const wb2 = compressOne(db, tb2);
    expect(inflateBlock(b, [wb2])).toEqual({ status: 0, data: tb2 });
    expect(inflateBlock(a, [wa2])).toEqual({ status: 0, data: ta2 });
  });

  it('a handover in the middle of a block past the cap keeps the block refused and the stream in step', () => {
    const a = new HeaderInflater(SPDY3_DICTIONARY, 100);
    const b = new HeaderInflater(SPDY3_DICTIONARY, 100);
    const da = new HeaderDeflater(SPDY3_DICTIONARY, 0);
    const wa = compressOne(da, new Uint8Array(500).fill(0x61));
    const wb = compressOne(new HeaderDeflater(SPDY3_DICTIONARY, 0), ascii('small'));
    a.begin();
    a.push(wa.subarray(0, 300));
    expect(inflateBlock(b, [wb])).toEqual({ status: 0, data: ascii('small') });
    a.push(wa.subarray(300));
    expect(a.end()).toBe(ERR_FRAME_TOO_LARGE);
    const next = ascii('fits');
    expect(inflateBlock(a, [compressOne(da, next)])).toEqual({ status: 0, data: next });
  });

  it('one inflater growing the shared buffer past the retained size, then others, all decode', () => {
    const big = new Uint8Array(600_000).map((_, i) => i % 253);
    const a = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    const b = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    const da = new HeaderDeflater(SPDY3_DICTIONARY, 0);
    const db = new HeaderDeflater(SPDY3_DICTIONARY, 9);
    const r = inflateBlock(a, [compressOne(da, big)]);
    expect(r.status).toBe(0);
    expect(r.data.length).toBe(big.length);
    expect(r.data[599_999]).toBe(big[599_999]);
    for (let i = 0; i < 3; i++) {
      const t = ascii(`block ${i}`);
      expect(inflateBlock(b, [compressOne(db, t)])).toEqual({ status: 0, data: t });
      expect(inflateBlock(a, [compressOne(da, t)])).toEqual({ status: 0, data: t });
    }
  });

  it('deflaters sharing one output: each block read right after compress() is that stream\'s, and each stream inflates whole', () => {
    const rnd = prng(3);
    const streams = [0, 9, 9, 0].map((level) => ({ d: new HeaderDeflater(SPDY3_DICTIONARY, level), wire: [] as Uint8Array[], inputs: [] as Uint8Array[] }));
    for (let i = 0; i < 40; i++) {
      const s = streams[Math.floor(rnd() * streams.length)]!;
      // Now and then a block big enough to replace the shared buffer.
      const n = i % 13 === 5 ? 300_000 : Math.floor(rnd() * 2000);
      const input = new Uint8Array(n).map((_, j) => 0x61 + ((j * (i + 1)) % 26));
      s.inputs.push(input);
      s.wire.push(compressOne(s.d, input));
    }
    for (const s of streams) {
      if (s.inputs.length === 0) continue;
      const back = zlib.inflateSync(concat(...s.wire), { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      expect(firstDifference(back, concat(...s.inputs))).toBe(-1);
    }
  });
});
