/**
 * The send side's fast paths give exactly what the plain paths give:
 * - sortNv's insertion sort (short lists) and its Array.prototype.sort
 *   fallback both order as spdylay's strcmp on the bytes, stably, and both
 *   refuse a name outside printable ASCII;
 * - NvPacker's one-string ASCII path and its per-string fallback write the
 *   bytes a naive per-string TextEncoder packing writes;
 * - the packing scratch shared by every session in the thread never lets
 *   one session's block leak into another's, and every encoded frame has
 *   an ArrayBuffer of its own.
 * Fixed fast-check seeds: a failure replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, SERVER } from '../../../src/core/constants.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import type { NameValue } from '../../../src/core/frame/types.js';
import { NvPacker, packText } from '../../../src/core/headers/nv-pack.js';
import { normalizeNv, sortNv } from '../../../src/core/headers/nv.js';
import type { PreparedNv } from '../../../src/core/headers/prepare.js';
import { createHeaderCodec } from '../../../src/core/headers/spdy-codec.js';
import { versionFacts } from '../../../src/core/version.js';
import { packNv } from '../../helpers/plain-codec.js';

const RUNS = { seed: 0x3e4d_51f, numRuns: 400 } as const;
const utf8 = new TextEncoder();

/** spdylay's order: strcmp on the UTF-8 bytes. */
function compareBytes(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The reference: lower-case A..Z, then a stable sort by `compare`. */
function referenceSort(nv: ReadonlyArray<readonly [string, string]>, compare: (a: string, b: string) => number): NameValue[] {
  const lowered = nv.map(([n, v]) => [n.replace(/[A-Z]/g, (c) => c.toLowerCase()), v] as NameValue);
  return lowered.sort((p, q) => compare(p[0], q[0]));
}

// Few distinct characters and short names, so equal names (stability) and
// shared prefixes are common: printable ASCII, upper case included.
const asciiName = fc
  .array(fc.constantFrom(0x3a, 0x2d, 0x61, 0x62, 0x63, 0x7a, 0x41, 0x5a, 0x20, 0x7e), { minLength: 1, maxLength: 4 })
  .map((cs) => String.fromCharCode(...cs));
/** Any UTF-16 units but NUL, lone surrogates included: mostly refused. */
const anyName = fc
  .array(fc.oneof(fc.integer({ min: 1, max: 0x7f }), fc.integer({ min: 0x80, max: 0x100 }), fc.integer({ min: 0xd7f0, max: 0xe010 })), {
    minLength: 1,
    maxLength: 3,
  })
  .map((cs) => String.fromCharCode(...cs));
const printable = (name: string) => /^[\x20-\x7e]+$/.test(name);

/** Lists around the insertion-sort limit (32), values tagged with their input position. */
function listOf(name: fc.Arbitrary<string>): fc.Arbitrary<Array<[string, string]>> {
  return fc
    .oneof(fc.array(name, { maxLength: 12 }), fc.array(name, { minLength: 28, maxLength: 40 }))
    .map((names) => names.map((n, i) => [n, `v${i}`] as [string, string]));
}

describe('sortNv fast paths (insertion sort, native comparison)', () => {
  it('names sort as the UTF-8 byte-order reference, stably, below and above 32 pairs', () => {
    fc.assert(
      fc.property(listOf(asciiName), (nv) => {
        expect(sortNv(nv)).toEqual(referenceSort(nv, compareBytes));
      }),
      RUNS,
    );
  });

  it('a list with any name outside printable ASCII throws on both paths; any other sorts as the reference', () => {
    fc.assert(
      fc.property(listOf(anyName), (nv) => {
        if (nv.every(([name]) => printable(name))) expect(sortNv(nv)).toEqual(referenceSort(nv, compareBytes));
        else expect(() => sortNv(nv)).toThrow(InvalidArgumentError);
      }),
      RUNS,
    );
  });

  it('remembered names: a name accepted once is accepted again, lower-cased the same; a refused one stays refused', () => {
    expect(sortNv([['Content-Type', 'a']])).toEqual([['content-type', 'a']]);
    expect(sortNv([['Content-Type', 'b'], ['a', 'c']])).toEqual([['a', 'c'], ['content-type', 'b']]);
    for (let round = 0; round < 2; round++) expect(() => sortNv([['X-\u0100', 'v']])).toThrow(/U\+0100/);
  });

  it('more distinct names than the name cache holds still lower-case and sort correctly', () => {
    for (let round = 0; round < 3; round++) {
      const nv = Array.from({ length: 1200 }, (_, i) => [`X-${(i * 7919) % 1200}-${round}`, `${i}`] as [string, string]);
      expect(sortNv(nv)).toEqual(referenceSort(nv, compareBytes));
    }
  });

  it('keeps an already sorted list and a reversed one in byte order', () => {
    const names = Array.from({ length: 30 }, (_, i) => `h-${String(i).padStart(2, '0')}`);
    const sorted = names.map((n) => [n, n] as [string, string]);
    expect(sortNv(sorted)).toEqual(sorted);
    expect(sortNv([...sorted].reverse())).toEqual(sorted);
  });
});

// ---- NvPacker ----

const valueUnit = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xfffd) },
  { weight: 1, arbitrary: fc.constantFrom(0xd83d, 0xde00, 0xdbff, 0xdc00) },
);
const packValue = fc
  .oneof(fc.array(valueUnit, { maxLength: 20 }), fc.array(valueUnit, { minLength: 40, maxLength: 300 }))
  .map((cs) => String.fromCharCode(...cs));
const packName = fc.array(valueUnit, { minLength: 1, maxLength: 12 }).map((cs) => String.fromCharCode(...cs));
const packList = fc.array(fc.tuple(packName, packValue), { maxLength: 24 });

/** The index of the first byte where `a` and `b` differ, -1 when equal (cheap on large blocks). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function packed(nv: readonly NameValue[], lengthSize: 2 | 4): Uint8Array {
  const p = new NvPacker();
  const n = p.pack(nv, lengthSize, false);
  expect(n).toBeGreaterThanOrEqual(0);
  return p.buffer.slice(0, n);
}

describe('NvPacker one-string path', () => {
  it('writes the bytes of a per-string UTF-8 packing, ASCII or not, lone surrogates as U+FFFD', () => {
    fc.assert(
      fc.property(packList, fc.constantFrom<2 | 4>(2, 4), (nv, lengthSize) => {
        expect(packed(nv, lengthSize)).toEqual(packNv(nv, lengthSize));
      }),
      RUNS,
    );
  });

  it('never joins surrogate halves across a name and its value', () => {
    const nv: NameValue[] = [['a\ud83d', '\ude00b']];
    expect(packed(nv, 4)).toEqual(packNv(nv, 4));
    expect(Array.from(packed(nv, 4).subarray(8, 12))).toEqual([0x61, 0xef, 0xbf, 0xbd]);
  });

  it('falls back correctly when a non-ASCII block outgrows a scratch sized by ASCII blocks', () => {
    packed([['a', 'b']], 4);
    const nv: NameValue[] = [['k', 'x'.repeat(10)], ['l', '\u20ac'.repeat(5000)]];
    expect(packed(nv, 4)).toEqual(packNv(nv, 4));
  });

  it('packs a block above the one-string limit string by string, with the same bytes', () => {
    const nv: NameValue[] = [['a', 'v'.repeat(200_000)], ['b', 'w'.repeat(100_000)]];
    expect(firstDifference(packed(nv, 4), packNv(nv, 4))).toBe(-1);
    expect(packed([['c', 'd']], 4)).toEqual(packNv([['c', 'd']], 4));
  });

  it('sessions packing in turn (through the one scratch every packer shares) each get their own blocks', () => {
    const lists: NameValue[][] = [
      [[':path', '/a'], ['x', 'y'.repeat(300)]],
      [[':path', '/b']],
      [['k', '\u20ac'.repeat(50)], ['l', 'm']],
    ];
    const reversed = [...lists].reverse();
    const encoder = () => createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT }).encoder;
    const encodedAlone = (sequence: NameValue[][]) => {
      const alone = encoder();
      return sequence.map((list) => alone.encode(alone.prepare(list, 'utf8'), 0, 1 << 24)!.slice());
    };
    const expectedA = encodedAlone(lists);
    const expectedB = encodedAlone(reversed);
    const a = encoder();
    const b = encoder();
    for (let i = 0; i < lists.length; i++) {
      const fromA = a.encode(a.prepare(lists[i]!, 'utf8'), 0, 1 << 24)!;
      const fromB = b.encode(b.prepare(reversed[i]!, 'utf8'), 0, 1 << 24)!;
      expect(fromA).toEqual(expectedA[i]);
      expect(fromB).toEqual(expectedB[i]);
    }
  });
});

// ---- level 0 in place ----

/** A block as prepare() makes it, for a list already normalised for the wire and its text. */
function withText(nv: NameValue[], text: string | null): PreparedNv {
  return { nv, wireNv: nv, wireText: text };
}

describe('level-0 encoding straight into the frame buffer (prepareNv text given)', () => {
  it('writes the bytes of the general path, first block and later ones, ASCII or not, every version', () => {
    fc.assert(
      fc.property(fc.array(packList, { minLength: 1, maxLength: 4 }), fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1), (lists, version) => {
        const facts = versionFacts(version)!;
        const textual = createHeaderCodec({ version, side: CLIENT }).encoder;
        const without = createHeaderCodec({ version, side: CLIENT }).encoder;
        // Each list as generated (mostly not ASCII) and made ASCII (the in-place path).
        const ascii = lists.map((list) => list.map((pair) => pair.map((x) => x.replace(/[^\x00-\x7f]/g, 'x')) as NameValue));
        for (const list of [...lists, ...ascii]) {
          // The encoder takes the list as it is (NUL-joined values included).
          const nv: NameValue[] = list;
          const text = packText(nv, facts.nvLengthSize);
          const a = textual.encode(withText(nv, text), 18, 0xffffff);
          const b = without.encode(nv, 18, 0xffffff);
          expect(a === null ? null : a.subarray(18)).toEqual(b === null ? null : b.subarray(18));
        }
      }),
      RUNS,
    );
  });

  it('refuses a block over maxBlockLength without touching the stream, as the general path does', () => {
    const nv = normalizeNv([['a', 'x'.repeat(100)]]);
    const text = packText(nv, 4);
    const textual = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT }).encoder;
    const without = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT }).encoder;
    expect(textual.encode(withText(nv, text), 18, 100)).toBeNull();
    expect(without.encode(nv, 18, 100)).toBeNull();
    // The refused block did not consume the zlib header: the next block still carries it.
    expect(textual.encode(withText(nv, text), 18, 0xffffff)!.subarray(18)).toEqual(without.encode(nv, 18, 0xffffff)!.subarray(18));
  });

  it('leaves a SPDY/2 length over 16 bits to the general path, which refuses it', () => {
    const nv = normalizeNv([['a', 'x'.repeat(0x10000)]]);
    const encoder = createHeaderCodec({ version: PROTO_SPDY2, side: CLIENT }).encoder;
    expect(encoder.encode(withText(nv, packText(nv, 2)), 14, 0xffffff)).toBeNull();
  });
});

// ---- shared scratch across sessions ----

function lists(seed: number, count: number): NameValue[][] {
  return Array.from({ length: count }, (_, i) =>
    normalizeNv([
      [':path', `/r/${seed}/${i}`],
      ['user-agent', 'bench/1.0'],
      ['x-id', String((seed * 7919 + i * 104729) % 1000003).repeat(1 + (i % 7))],
      ['x-utf8', i % 3 === 0 ? `caf\u00e9-${i}` : `cafe-${i}`],
    ]),
  );
}

describe('shared packing scratch, frames of their own', () => {
  const configs = [
    { version: PROTO_SPDY3, side: SERVER },
    { version: PROTO_SPDY3_1, side: CLIENT },
    { version: PROTO_SPDY2, side: SERVER },
  ];

  it('sessions encoding interleaved produce the bytes each produces alone, and earlier frames stay intact', () => {
    const inputs = configs.map((_, k) => lists(k + 1, 40));
    const alone = configs.map((config, k) => {
      const encoder = createHeaderCodec(config).encoder;
      return inputs[k]!.map((nv) => encoder.encode(nv, 18, 0xffffff)!.slice());
    });
    const encoders = configs.map((config) => createHeaderCodec(config).encoder);
    const interleaved: Uint8Array[][] = configs.map(() => []);
    for (let i = 0; i < 40; i++) {
      for (let k = 0; k < configs.length; k++) interleaved[k]!.push(encoders[k]!.encode(inputs[k]![i]!, 18, 0xffffff)!);
    }
    // Compared only after every block was encoded: a later block reusing an
    // earlier frame's bytes would show here.
    for (let k = 0; k < configs.length; k++) {
      for (let i = 0; i < 40; i++) expect(interleaved[k]![i]!.subarray(18)).toEqual(alone[k]![i]!.subarray(18));
    }
  });

  it('every encoded frame, on both routes (level 0 in place, deflate), has an ArrayBuffer of exactly its length', () => {
    for (const config of configs) {
      for (const level of [0, 9]) {
        const encoder = createHeaderCodec({ ...config, compressionLevel: level }).encoder;
        for (const nv of lists(7, 12)) {
          const frame = encoder.encode(withText(nv, packText(nv, config.version === PROTO_SPDY2 ? 2 : 4)), 18, 0xffffff)!;
          expect(frame.byteOffset).toBe(0);
          expect(frame.buffer.byteLength).toBe(frame.byteLength);
        }
      }
    }
  });
});
