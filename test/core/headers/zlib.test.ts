import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  ERR_FRAME_TOO_LARGE,
  ERR_ZLIB,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SERVER,
} from '../../../src/core/constants.js';
import { UnsupportedVersionError, ZlibError } from '../../../src/core/errors.js';
import { SPDY2_DICTIONARY, SPDY3_DICTIONARY } from '../../../src/core/headers/dictionaries.js';
import {
  DEFAULT_MAX_INFLATED_SIZE,
  HeaderDeflater,
  HeaderInflater,
  deflateBound,
  defaultCompressionLevel,
  headerDictionary,
} from '../../../src/core/headers/zlib.js';
import { ascii, concat, everyByte, hex, toHex } from '../../helpers/bytes.js';
import { syncFlushed } from '../../helpers/node-zlib.js';
import { SYNC, V2_HEAD, V3_HEAD, compressOne, inflateBlock, prng, stored } from '../../helpers/zlib-blocks.js';

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

function compressAll(d: HeaderDeflater, blocks: Uint8Array[]): Uint8Array[] {
  return blocks.map((b) => compressOne(d, b));
}

describe('dictionaries and defaults', () => {
  it('SPDY/2: 907 bytes with the trailing NUL, adler32 0xdfa251b2', () => {
    const d = headerDictionary(PROTO_SPDY2);
    expect(d).toBe(SPDY2_DICTIONARY);
    expect(d.length).toBe(907);
    expect(d[906]).toBe(0);
    expect(adler32(d)).toBe(0xdfa251b2);
  });
  it('SPDY/3 and 3.1: 1423 bytes, adler32 0xe3c6a7c2', () => {
    expect(headerDictionary(PROTO_SPDY3)).toBe(SPDY3_DICTIONARY);
    expect(headerDictionary(PROTO_SPDY3_1)).toBe(SPDY3_DICTIONARY);
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY3_DICTIONARY)).toBe(0xe3c6a7c2);
  });
  it('other versions are unsupported', () => {
    expect(() => headerDictionary(5)).toThrow(UnsupportedVersionError);
  });
  it('a server compresses at 9, a client not at all (spdylay, against CRIME)', () => {
    expect(defaultCompressionLevel(SERVER)).toBe(9);
    expect(defaultCompressionLevel(CLIENT)).toBe(0);
  });
  it("spdylay's inflated-size cap is 2^24-1", () => {
    expect(DEFAULT_MAX_INFLATED_SIZE).toBe(0xffffff);
  });
  it('a level outside 0..9 is rejected', () => {
    expect(() => new HeaderDeflater(SPDY3_DICTIONARY, 10)).toThrow(ZlibError);
  });
});

describe('HeaderDeflater', () => {
  it('level 0: stored blocks; only the first carries the zlib header and dictionary id', () => {
    const d = new HeaderDeflater(SPDY3_DICTIONARY, 0);
    const a = ascii('hello');
    const b = ascii('world!');
    const [first, second] = compressAll(d, [a, b]);
    expect(toHex(first!)).toBe(toHex(concat(V3_HEAD, stored(a), SYNC)));
    expect(toHex(second!)).toBe(toHex(concat(stored(b), SYNC)));
  });

  it('level 0 is byte-identical to node:zlib', () => {
    const input = ascii('0123456789'.repeat(50));
    const d = new HeaderDeflater(SPDY2_DICTIONARY, 0);
    const ours = compressOne(d, input);
    const node = zlib.deflateSync(input, {
      level: 0,
      windowBits: 11,
      memLevel: 1,
      dictionary: SPDY2_DICTIONARY,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    expect(toHex(ours)).toBe(toHex(node));
  });

  it('level 9 starts 38 ea and ends every block with 00 00 ff ff', () => {
    const d = new HeaderDeflater(SPDY3_DICTIONARY, 9);
    const blocks = compressAll(d, [ascii('content-type text/html'), ascii('content-type text/html')]);
    expect(toHex(blocks[0]!.subarray(0, 6), '')).toBe('38eae3c6a7c2');
    for (const b of blocks) expect(toHex(b.subarray(b.length - 4), '')).toBe('0000ffff');
    expect(blocks[1]!.length).toBeLessThan(blocks[0]!.length); // the second refers back to the first
  });

  // Packed SYN_REPLY blocks and their compression by canonical zlib 1.2.13
  // (Python's zlib: compressobj(9, DEFLATED, 11, 1, Z_DEFAULT_STRATEGY, dict),
  // then compress(block) + flush(Z_SYNC_FLUSH) per block), which is what
  // spdylay linked against system zlib sends. Node's bundled zlib is
  // Chromium's fork, whose hash differs at these settings; pako with
  // legacyHash reproduces canonical zlib, so these vectors are the reference.
  function packed(w: 2 | 4, nv: Array<[string, string]>): Uint8Array {
    const bytes: number[] = [];
    const len = (n: number) => (w === 4 ? bytes.push(0, 0, n >>> 8, n & 255) : bytes.push(n >>> 8, n & 255));
    len(nv.length);
    for (const [n, v] of nv) {
      len(n.length);
      bytes.push(...ascii(n));
      len(v.length);
      bytes.push(...ascii(v));
    }
    return Uint8Array.from(bytes);
  }
  it('level 9 is byte-identical to canonical zlib (SPDY/3, three blocks on one stream)', () => {
    const blocks = [
      packed(4, [[':status', '200 OK'], [':version', 'HTTP/1.1'], ['content-type', 'text/html; charset=utf-8'], ['server', 'spdylay']]),
      packed(4, [
        [':status', '200 OK'],
        [':version', 'HTTP/1.1'],
        ['content-length', '1024'],
        ['content-type', 'text/html; charset=utf-8'],
        ['server', 'spdylay'],
      ]),
      packed(4, [[':status', '404 Not Found'], [':version', 'HTTP/1.1'], ['content-type', 'text/plain'], ['server', 'spdylay']]),
    ];
    const out = compressAll(new HeaderDeflater(SPDY3_DICTIONARY, 9), blocks).map((b) => toHex(b, ''));
    expect(out).toEqual([
      '38eae3c6a7c202256f507ab4c2924839acb0a752f49247021e00d60a2896a36442f6e28294ca9cc44a00000000ffff',
      '02655e526dc42c31590c81e99962b700000000ffff',
      'c2f43d2f4a22242110b810f186d52a00000000ffff',
    ]);
  });

  it('level 9 is byte-identical to canonical zlib (SPDY/2 dictionary, 16-bit lengths)', () => {
    const blocks = [
      packed(2, [['content-type', 'text/html'], ['status', '200 OK'], ['version', 'HTTP/1.1']]),
      packed(2, [['content-type', 'text/html'], ['status', '304 Not Modified'], ['version', 'HTTP/1.1']]),
    ];
    const out = compressAll(new HeaderDeflater(SPDY2_DICTIONARY, 9), blocks).map((b) => toHex(b, ''));
    expect(out).toEqual([
      '38eadfa251b2626066e0410e24064eb83b19d820aa19d880a958c1df9b811daa8f8103661c000000ffff',
      '2246b70030892bf8e59728f842c31b8b3900000000ffff',
    ]);
  });

  it('node:zlib inflates what we send, block after block, at levels 0 and 9', () => {
    const rnd = prng(7);
    const inputs = Array.from({ length: 30 }, (_, i) =>
      ascii(`:path /item/${i} cookie ${Math.floor(rnd() * 1e9)} accept-encoding gzip`.repeat(1 + (i % 4))),
    );
    for (const level of [0, 9]) {
      const d = new HeaderDeflater(SPDY3_DICTIONARY, level);
      const stream = concat(...compressAll(d, inputs));
      const back = zlib.inflateSync(stream, { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      expect(toHex(back)).toBe(toHex(concat(...inputs)));
    }
  });

  it('compressed size never exceeds deflateBound (incompressible and repetitive input, both levels)', () => {
    const rnd = prng(42);
    for (const level of [0, 9]) {
      const d = new HeaderDeflater(SPDY3_DICTIONARY, level);
      let first = true;
      for (let i = 0; i < 120; i++) {
        const n = i < 5 ? [1, 127, 128, 65535, 70000][i]! : Math.floor(rnd() ** 3 * 80000);
        const input = new Uint8Array(n);
        const mode = i % 3;
        for (let j = 0; j < n; j++) {
          input[j] = mode === 0 ? (rnd() * 256) | 0 : mode === 1 ? 97 + ((rnd() * 3) | 0) : j % 251;
        }
        const bound = deflateBound(n, first);
        expect(d.bound(n)).toBe(bound);
        const written = d.compress(input, n);
        expect(written).toBeLessThanOrEqual(bound);
        first = false;
      }
    }
  });

  it('deflateBound: zlib stored bound + wrapper on the first block + sync flush', () => {
    expect(deflateBound(0, true)).toBe(0 + 7 + 10 + 5);
    expect(deflateBound(104, true)).toBe(104 + 3 + 0 + 0 + 7 + 10 + 5); // the wire-format.md §4 block is 120
    expect(deflateBound(4096, false)).toBe(4096 + 128 + 32 + 2 + 7 + 5);
  });
});

describe('HeaderInflater (hand-written stored blocks, no compressor needed)', () => {
  const block1 = ascii('first block');
  const block2 = ascii('second');

  it('reads a first block with the dictionary id, then a headerless one', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(V3_HEAD, stored(block1), SYNC)])).toEqual({ status: 0, data: block1 });
    expect(inflateBlock(inf, [concat(stored(block2), SYNC)])).toEqual({ status: 0, data: block2 });
  });

  it('gives the same bytes fed one byte at a time', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    const wire = concat(V3_HEAD, stored(block1), SYNC);
    expect(inflateBlock(inf, everyByte(wire))).toEqual({ status: 0, data: block1 });
    const wire2 = concat(stored(block2), SYNC);
    expect(inflateBlock(inf, everyByte(wire2))).toEqual({ status: 0, data: block2 });
  });

  it('accepts a stream without a dictionary and with a 32 KiB window', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(hex('7801'), stored(block1), SYNC)])).toEqual({ status: 0, data: block1 });
  });

  it('an empty block inflates to nothing', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [])).toEqual({ status: 0, data: new Uint8Array(0) });
  });

  it('the wrong dictionary id breaks the stream: ERR_ZLIB now and for every later block', () => {
    const inf = new HeaderInflater(SPDY2_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(V3_HEAD, stored(block1), SYNC)]).status).toBe(ERR_ZLIB);
    expect(inflateBlock(inf, [concat(stored(block2), SYNC)]).status).toBe(ERR_ZLIB);
    expect(inflateBlock(inf, []).status).toBe(ERR_ZLIB);
  });

  it('a corrupt stored block (LEN != ~NLEN) is ERR_ZLIB, and stays so', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(V3_HEAD, stored(block1), SYNC)]).status).toBe(0);
    expect(inflateBlock(inf, [hex('00 0500 0000 68656c6c6f')]).status).toBe(ERR_ZLIB);
    expect(inflateBlock(inf, [concat(stored(block2), SYNC)]).status).toBe(ERR_ZLIB);
  });

  it('a bad zlib header is ERR_ZLIB', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    expect(inflateBlock(inf, [hex('3831 e3c6a7c2')]).status).toBe(ERR_ZLIB); // header check bits wrong
  });

  it('a final block ends the stream, which spdylay treats as broken (Z_STREAM_END)', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 1000);
    const adler = adler32(block1);
    const trailer = Uint8Array.of(adler >>> 24, (adler >>> 16) & 255, (adler >>> 8) & 255, adler & 255);
    expect(inflateBlock(inf, [concat(V3_HEAD, stored(block1, true), trailer)]).status).toBe(ERR_ZLIB);
  });

  it('SPDY/2 dictionary id', () => {
    const inf = new HeaderInflater(SPDY2_DICTIONARY, 1000);
    expect(inflateBlock(inf, [concat(V2_HEAD, stored(block1), SYNC)])).toEqual({ status: 0, data: block1 });
  });

  it('the cap: exactly the cap is fine, one byte more is ERR_FRAME_TOO_LARGE, the next block still decodes', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 11);
    expect(inflateBlock(inf, [concat(V3_HEAD, stored(block1), SYNC)])).toEqual({ status: 0, data: block1 }); // 11 bytes
    const twelve = ascii('twelve bytes');
    expect(inflateBlock(inf, [concat(stored(twelve), SYNC)]).status).toBe(ERR_FRAME_TOO_LARGE);
    expect(inflateBlock(inf, [concat(stored(block2), SYNC)])).toEqual({ status: 0, data: block2 });
  });

  it('a broken stream overrides "too large"', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, 4);
    expect(inflateBlock(inf, [concat(V3_HEAD, stored(block1)), hex('ff ff ff')]).status).toBe(ERR_ZLIB);
  });

  it('grows its output across many pushes and keeps every byte', () => {
    const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    const big = new Uint8Array(300_000).map((_, i) => i % 253);
    const pieces: Uint8Array[] = [V3_HEAD];
    for (let o = 0; o < big.length; o += 60_000) pieces.push(stored(big.subarray(o, o + 60_000)));
    pieces.push(SYNC);
    const wire = concat(...pieces);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < wire.length; o += 777) chunks.push(wire.subarray(o, o + 777));
    const r = inflateBlock(inf, chunks);
    expect(r.status).toBe(0);
    expect(r.data.length).toBe(big.length);
    expect(toHex(r.data.subarray(0, 600))).toBe(toHex(big.subarray(0, 600)));
    expect(r.data[299_999]).toBe(big[299_999]);
    // The big buffer is dropped at the next block, which still decodes.
    expect(inflateBlock(inf, [concat(stored(block2), SYNC)])).toEqual({ status: 0, data: block2 });
  });

  it('a zlib bomb: a few KB inflating to 24 MB is ERR_FRAME_TOO_LARGE and the next block decodes', async () => {
    const zeros = new Uint8Array(24 * 1024 * 1024);
    const next = ascii('after the bomb');
    const d = zlib.createDeflate({ level: 9, windowBits: 11, memLevel: 1, dictionary: SPDY3_DICTIONARY });
    const bomb = await syncFlushed(d, zeros);
    const after = await syncFlushed(d, next);
    d.close();
    expect(bomb.length).toBeLessThan(64 * 1024);

    const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < bomb.length; o += 1000) chunks.push(bomb.subarray(o, o + 1000));
    expect(inflateBlock(inf, chunks).status).toBe(ERR_FRAME_TOO_LARGE);
    expect(inflateBlock(inf, [after])).toEqual({ status: 0, data: next });
  });

  it('reads node:zlib level-9 output block by block', async () => {
    const d = zlib.createDeflate({ level: 9, windowBits: 11, memLevel: 1, dictionary: SPDY3_DICTIONARY });
    const inputs = Array.from({ length: 20 }, (_, i) => ascii(`header-${i % 5}: value ${i} text/html; charset=utf-8 `.repeat(3)));
    const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
    for (const input of inputs) expect(inflateBlock(inf, [await syncFlushed(d, input)])).toEqual({ status: 0, data: input });
    d.close();
  });

  it('round-trips through HeaderDeflater at both levels, split at every byte', () => {
    for (const level of [0, 9]) {
      const d = new HeaderDeflater(SPDY3_DICTIONARY, level);
      const inf = new HeaderInflater(SPDY3_DICTIONARY, DEFAULT_MAX_INFLATED_SIZE);
      for (const text of ['alpha beta', 'alpha beta gamma', 'x'.repeat(5000)]) {
        const input = ascii(text);
        const wire = compressOne(d, input);
        expect(inflateBlock(inf, everyByte(wire))).toEqual({ status: 0, data: input });
      }
    }
  });
});
