/**
 * Header blocks through one continuing zlib context per direction, with
 * blocks split down to single bytes, refused blocks interleaved, and
 * arbitrary bytes thrown at the decoder. Fixed seed: a failure replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_FRAME,
  ERR_INVALID_HEADER_BLOCK,
  ERR_ZLIB,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SERVER,
} from '../../src/core/constants.js';
import type { NameValue } from '../../src/core/frame/types.js';
import type { HeaderBlockDecoder, HeaderBlockResult, HeaderEncoding } from '../../src/core/header-codec.js';
import { unpackNv } from '../../src/core/headers/nv-unpack.js';
import { compareNames, mapNamesFrom2, mapNamesTo2, normalizeNv, splitNv } from '../../src/core/headers/nv.js';
import { createHeaderCodec } from '../../src/core/headers/spdy-codec.js';
import { StringDecoder } from '../../src/core/headers/text.js';

const RUNS = { seed: 0x5d9_1a7, numRuns: 1000 } as const;
const MAX = 0xffffff;
const KNOWN_ERRORS = new Set([ERR_ZLIB, ERR_FRAME_TOO_LARGE, ERR_INVALID_FRAME, ERR_INVALID_HEADER_BLOCK]);

// ---- arbitraries ----

const COMMON_NAMES = [':method', ':path', ':host', ':scheme', ':version', ':status', 'cookie', 'Set-Cookie', 'accept', 'content-type', 'user-agent', 'x-a'];
/** Names spdylay accepts on receipt once lower-cased: 0x20..0x7E (upper case is lowered on send). */
const nameArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...COMMON_NAMES) },
  {
    weight: 1,
    arbitrary: fc.array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 1, maxLength: 12 }).map((cs) => String.fromCharCode(...cs)),
  },
);
/** Value characters spdylay accepts on receipt (no control bytes but HT), no lone surrogates. */
const utf8Char = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0x10ffff }) },
);
const latin1Char = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
);
function valueArb(latin1: boolean): fc.Arbitrary<string> {
  const chars = fc.array(latin1 ? latin1Char : utf8Char, { maxLength: 24 });
  const long = fc.array(latin1 ? latin1Char : utf8Char, { minLength: 40, maxLength: 400 });
  return fc
    .oneof({ weight: 8, arbitrary: chars }, { weight: 1, arbitrary: long })
    .map((cs) => String.fromCodePoint(...cs));
}
function nvArb(latin1: boolean): fc.Arbitrary<Array<[string, string]>> {
  return fc.array(fc.tuple(nameArb, valueArb(latin1)), { maxLength: 12 });
}
const configArb = fc.record({
  version: fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1),
  encoding: fc.constantFrom<HeaderEncoding>('utf8', 'latin1'),
  fromServer: fc.boolean(),
});
/** How a block is cut for push(): whole, single bytes, or random chunks from a seed. */
const splitArb = fc.oneof(fc.constant<'whole' | 'bytes'>('whole'), fc.constant<'whole' | 'bytes'>('bytes'), fc.integer({ min: 1 }));

function chunks(block: Uint8Array, split: 'whole' | 'bytes' | number): Uint8Array[] {
  if (split === 'whole') return [block];
  if (split === 'bytes') return Array.from({ length: block.length }, (_, i) => block.subarray(i, i + 1));
  const out: Uint8Array[] = [];
  let x = split;
  for (let o = 0; o < block.length; ) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const n = 1 + ((x >>> 16) % 17);
    out.push(block.subarray(o, o + n));
    o += n;
  }
  return out;
}
function decode(decoder: HeaderBlockDecoder, parts: Uint8Array[]): HeaderBlockResult {
  decoder.begin();
  for (const p of parts) decoder.push(p);
  return decoder.end();
}
function pairFor(config: { version: number; encoding: HeaderEncoding; fromServer: boolean }) {
  const a = createHeaderCodec({ version: config.version, side: config.fromServer ? SERVER : CLIENT, encoding: config.encoding });
  const b = createHeaderCodec({ version: config.version, side: config.fromServer ? CLIENT : SERVER, encoding: config.encoding });
  return { sender: a.encoder, receiver: b.decoder };
}

// ---- properties ----

describe('header blocks (property)', () => {
  it('a sequence of lists survives one continuing stream, split any way', () => {
    const arb = configArb.chain((config) =>
      fc.record({
        config: fc.constant(config),
        blocks: fc.array(fc.tuple(nvArb(config.encoding === 'latin1'), splitArb, fc.integer({ min: 0, max: 24 })), {
          minLength: 1,
          maxLength: 6,
        }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ config, blocks }) => {
        const { sender, receiver } = pairFor(config);
        for (const [list, split, headroom] of blocks) {
          const nv = normalizeNv(list, config.encoding);
          const out = sender.encode(nv, headroom, MAX);
          expect(out).not.toBeNull();
          const result = decode(receiver, chunks(out!.subarray(headroom), split));
          expect(result).toEqual({ ok: true, nv: splitNv(nv) });
        }
      }),
      RUNS,
    );
  });

  it('blocks refused for size never desynchronise the peer, and sent ones respect the limit', () => {
    const arb = configArb.chain((config) =>
      fc.record({
        config: fc.constant(config),
        steps: fc.array(
          fc.tuple(
            nvArb(config.encoding === 'latin1'),
            fc.oneof(fc.constant(MAX), fc.integer({ min: 0, max: 300 })),
            splitArb,
          ),
          { minLength: 1, maxLength: 8 },
        ),
      }),
    );
    fc.assert(
      fc.property(arb, ({ config, steps }) => {
        const { sender, receiver } = pairFor(config);
        for (const [list, limit, split] of steps) {
          const nv = normalizeNv(list, config.encoding);
          const out = sender.encode(nv, 8, limit);
          if (out === null) continue;
          expect(out.length - 8).toBeLessThanOrEqual(limit);
          expect(decode(receiver, chunks(out.subarray(8), split))).toEqual({ ok: true, nv: splitNv(nv) });
        }
      }),
      RUNS,
    );
  });

  it('SPDY/2: names mapped to SPDY/2 for the wire come back as the SPDY/3 names', () => {
    const arb = fc.array(
      fc.tuple(fc.constantFrom(':host', ':method', ':path', ':scheme', ':status', ':version', 'accept', 'x-b'), valueArb(false)),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(arb, (list) => {
        const { sender, receiver } = pairFor({ version: PROTO_SPDY2, encoding: 'utf8', fromServer: false });
        const nv = normalizeNv(list);
        const result = decode(receiver, [sender.encode(mapNamesTo2(nv), 0, MAX)!]);
        expect(result.ok).toBe(true);
        const back = mapNamesFrom2((result as { nv: NameValue[] }).nv);
        const byName = (x: NameValue[]) => [...x].sort((p, q) => compareNames(p[0], q[0]));
        expect(byName(back)).toEqual(byName(splitNv(nv)));
      }),
      RUNS,
    );
  });

  it('arbitrary bytes never throw and always give a HeaderBlockResult', () => {
    const arb = fc.record({
      version: fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1),
      encoding: fc.constantFrom<HeaderEncoding>('utf8', 'latin1'),
      // Half the runs start with a valid zlib header naming the right dictionary,
      // so the bytes after it reach inflate's block decoding.
      validHead: fc.boolean(),
      blocks: fc.array(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ version, encoding, validHead, blocks }) => {
        const { decoder } = createHeaderCodec({ version, side: SERVER, encoding, maxInflatedSize: 4096 });
        const head = Uint8Array.of(0x38, 0x30, ...(version === PROTO_SPDY2 ? [0xdf, 0xa2, 0x51, 0xb2] : [0xe3, 0xc6, 0xa7, 0xc2]));
        blocks.forEach((parts, i) => {
          const r = decode(decoder, i === 0 && validHead ? [head, ...parts] : parts);
          checkResult(r);
        });
      }),
      RUNS,
    );
  });

  it('arbitrary inflated content: unpackNv agrees with a naive transcription of spdylay', () => {
    // Entries made of bytes that hit every rule, with the count and the end sometimes off.
    const byte = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(0x61, 0x62, 0x3a, 0x2d, 0x20, 0x7e) },
      { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x0a, 0x1f, 0x41, 0x5a, 0x7f, 0x80, 0xc3, 0xff) },
    );
    const bytes = fc.array(byte, { maxLength: 6 });
    const arb = fc.record({
      wide: fc.boolean(),
      entries: fc.array(fc.tuple(bytes, bytes), { maxLength: 6 }),
      countDelta: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 1 }) }),
      tail: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 2 }) }),
      latin1: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ wide, entries, countDelta, tail, latin1 }) => {
        const w = wide ? 4 : 2;
        const raw: number[] = [];
        const len = (n: number) => (w === 4 ? raw.push(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255) : raw.push((n >>> 8) & 255, n & 255));
        len(Math.max(0, entries.length + countDelta));
        for (const [n, v] of entries) {
          len(n.length);
          raw.push(...n);
          len(v.length);
          raw.push(...v);
        }
        if (tail > 0) raw.push(...new Array<number>(tail).fill(0x61));
        const blockBytes = Uint8Array.from(tail < 0 ? raw.slice(0, Math.max(0, raw.length + tail)) : raw);
        const got = unpackNv(blockBytes, blockBytes.length, w, new StringDecoder(latin1));
        expect(got).toEqual(naiveUnpack(blockBytes, w, latin1));
      }),
      RUNS,
    );
  });
});

function checkResult(r: HeaderBlockResult): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) {
    for (const [name, value] of r.nv) {
      expect(name.length).toBeGreaterThan(0);
      expect(/^[\x20-\x40\x5b-\x7e]+$/.test(name)).toBe(true);
      expect(value.includes('\0')).toBe(false);
    }
  } else {
    expect(KNOWN_ERRORS.has(r.error)).toBe(true);
  }
}

/**
 * spdylay_frame_count_unpack_nv_space then spdylay_frame_unpack_nv, written
 * out as the C does it (two passes, qsort, neighbour strcmp), as an oracle.
 */
function naiveUnpack(b: Uint8Array, w: 2 | 4, latin1: boolean): HeaderBlockResult {
  const read = (o: number) => (w === 4 ? ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0 : (b[o]! << 8) | b[o + 1]!);
  // Pass 1: structure.
  if (b.length < w) return { ok: false, error: ERR_INVALID_FRAME };
  const n = read(0);
  let off = w;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2; j++) {
      if (b.length - off < w) return { ok: false, error: ERR_INVALID_FRAME };
      const l = read(off);
      off += w;
      if (b.length - off < l) return { ok: false, error: ERR_INVALID_FRAME };
      off += l;
    }
  }
  if (off !== b.length) return { ok: false, error: ERR_INVALID_FRAME };
  // Pass 2: content.
  const text = (bytes: Uint8Array) => (latin1 ? String.fromCharCode(...bytes) : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
  const pairs: Array<{ entry: number; name: string; value: string }> = [];
  let invalid = false;
  off = w;
  for (let i = 0; i < n; i++) {
    const nl = read(off);
    off += w;
    const name = b.subarray(off, off + nl);
    off += nl;
    if (nl === 0) invalid = true;
    for (const c of name) if (c < 0x20 || c > 0x7e || (c >= 0x41 && c <= 0x5a)) invalid = true;
    const vl = read(off);
    off += w;
    const value = b.subarray(off, off + vl);
    off += vl;
    let start = 0;
    let multi = false;
    for (let k = 0; k < value.length; k++) {
      const c = value[k]!;
      if (c === 0) {
        if (k === start) invalid = true;
        pairs.push({ entry: i, name: text(name), value: text(value.subarray(start, k)) });
        start = k + 1;
        multi = true;
      } else if ((c < 0x20 && c !== 0x09) || c === 0x7f) invalid = true;
    }
    if (multi && start === value.length) invalid = true;
    pairs.push({ entry: i, name: text(name), value: text(value.subarray(start)) });
  }
  // A refused block reports its pairs as received, in wire order.
  const received = () => pairs.map((p) => [p.name, p.value] as NameValue);
  if (invalid) return { ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: received() };
  const sorted = pairs
    .map((p, i) => ({ ...p, i }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.i - y.i));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name && sorted[i]!.entry !== sorted[i - 1]!.entry) {
      return { ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: received() };
    }
  }
  return { ok: true, nv: sorted.map((p) => [p.name, p.value] as NameValue) };
}
