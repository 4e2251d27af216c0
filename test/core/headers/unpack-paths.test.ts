/**
 * unpackNv's routes to the same answer: a whole block decoded as one string
 * (plain ASCII, or with HT, NULs and non-ASCII bytes checked per value),
 * and each piece decoded on its own (blocks over the whole-block size, and
 * text whose UTF-8 makes the whole-block string shorter than the block).
 */
import { describe, expect, it } from 'vitest';
import { ERR_INVALID_HEADER_BLOCK } from '../../../src/core/constants.js';
import type { NameValue } from '../../../src/core/frame/types.js';
import { unpackNv } from '../../../src/core/headers/nv-unpack.js';
import { StringDecoder } from '../../../src/core/headers/text.js';
import { block, okNv } from '../../helpers/nv-blocks.js';

const utf8 = new TextEncoder();

/** What each piece of a value should decode to, piece by piece, with the native decoder or latin1. */
function expected(entries: Array<[string, number[]]>, latin1: boolean): NameValue[] {
  const out: NameValue[] = [];
  const text = (b: number[]) => (latin1 ? String.fromCharCode(...b) : new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(b)));
  for (const [name, value] of entries) {
    let start = 0;
    for (let i = 0; i <= value.length; i++) {
      if (i === value.length || value[i] === 0) {
        out.push([name, text(value.slice(start, i))]);
        start = i + 1;
      }
    }
  }
  return out;
}

// Sorted names, values that exercise every route: plain ASCII, HT, NUL-joined,
// valid UTF-8 (which shortens the whole-block string), invalid bytes, and
// bytes 0x80..0x9F (where latin1 and windows-1252 differ).
const ENTRIES: Array<[string, number[]]> = [
  [':path', Array.from(utf8.encode('/index.html?q=1'))],
  ['a-tab', [0x61, 0x09, 0x62]],
  ['b-joined', Array.from(utf8.encode('one\0two\0three'))],
  ['c-utf8', Array.from(utf8.encode('caf\u00e9 \u20ac \u{1f600}'))],
  ['d-invalid', [0xc3, 0x28, 0xff, 0x80, 0x61, 0xe2, 0x82]],
  ['e-c1', [0x80, 0x85, 0x9f, 0xa0, 0xff]],
  ['f-empty', []],
  ['g-long', Array.from(utf8.encode('v'.repeat(300)))],
];
const PAD: [string, number[]] = ['zz-pad', Array.from(utf8.encode('p'.repeat(17 * 1024)))];

describe('unpackNv: whole-block and per-piece decoding agree', () => {
  for (const latin1 of [false, true]) {
    for (const w of [2, 4] as const) {
      it(`${latin1 ? 'latin1' : 'UTF-8'}, ${w === 4 ? 'SPDY/3' : 'SPDY/2'}: every value as decoded on its own, in a small block and in one past the whole-block size`, () => {
        const strings = new StringDecoder(latin1);
        const small = block(w, ENTRIES);
        const big = block(w, [...ENTRIES, PAD]);
        expect(big.length).toBeGreaterThan(16 * 1024);
        const want = expected(ENTRIES, latin1);
        expect(okNv(unpackNv(small, small.length, w, strings))).toEqual(want);
        expect(okNv(unpackNv(big, big.length, w, strings))).toEqual([...want, [PAD[0], 'p'.repeat(17 * 1024)]]);
        // And again on the same decoder, now that its caches are warm.
        expect(okNv(unpackNv(small, small.length, w, strings))).toEqual(want);
      });
    }
  }

  it('each route on its own: plain ASCII, one HT, one NUL, one UTF-8 value', () => {
    const base: Array<[string, number[]]> = [
      ['accept', Array.from(utf8.encode('*/*'))],
      ['user-agent', Array.from(utf8.encode('Mozilla/5.0 (X11; Linux x86_64)'))],
    ];
    const variants: Array<[string, number[]]> = [
      ['x-plain', Array.from(utf8.encode('just ascii'))],
      ['x-tab', [0x61, 0x09]],
      ['x-nul', [0x61, 0x00, 0x62]],
      ['x-utf8', [0xc3, 0xa9]],
    ];
    for (const v of variants) {
      const entries = [...base, v];
      const b = block(4, entries);
      expect(okNv(unpackNv(b, b.length, 4, new StringDecoder(false)))).toEqual(expected(entries, false));
    }
  });

  it('a length byte that would start a UTF-8 sequence with the value after it: the value decodes alone', () => {
    // The value length is 0xc3 bytes and the value opens with a continuation
    // byte: read as one string with the length, C3 80 would be U+00C0.
    const value = [0x80, ...Array.from(utf8.encode('a'.repeat(0xc3 - 1)))];
    const b = block(4, [['x', value]]);
    expect(b[12]).toBe(0xc3); // the low byte of the value length, right before the value
    expect(okNv(unpackNv(b, b.length, 4, new StringDecoder(false)))).toEqual([['x', '\ufffd' + 'a'.repeat(0xc3 - 1)]]);
  });

  it('rules still apply on every route: a control byte next to non-ASCII text, an upper-case name in a big block', () => {
    const bad1 = block(4, [['a', [0xc3, 0xa9, 0x01]]]);
    expect(unpackNv(bad1, bad1.length, 4, new StringDecoder(false))).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: [['a', '\u00e9\u0001']] });
    const bad2 = block(4, [['Host', 'x'], PAD]);
    expect(unpackNv(bad2, bad2.length, 4, new StringDecoder(false))).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: [['Host', 'x'], [PAD[0], 'p'.repeat(17 * 1024)]] });
  });

  it.each([0, 20])('the name remembered at an entry index is not taken for another name of the same length there (after %i blocks)', (warm) => {
    // A busy decoder (8 blocks on) compares names by their bytes, a new one by their characters.
    const strings = new StringDecoder(false);
    const first = block(4, [['alpha', '1'], ['gamma', '2']]);
    const second = block(4, [['alpha', '1'], ['delta', '2']]);
    const upper = block(4, [['alpha', '1'], ['Gamma', '2']]);
    for (let i = 0; i < warm; i++) expect(okNv(unpackNv(first, first.length, 4, strings))).toEqual([['alpha', '1'], ['gamma', '2']]);
    expect(okNv(unpackNv(first, first.length, 4, strings))).toEqual([['alpha', '1'], ['gamma', '2']]);
    expect(okNv(unpackNv(second, second.length, 4, strings))).toEqual([['alpha', '1'], ['delta', '2']]);
    expect(unpackNv(upper, upper.length, 4, strings)).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: [['alpha', '1'], ['Gamma', '2']] });
    expect(okNv(unpackNv(first, first.length, 4, strings))).toEqual([['alpha', '1'], ['gamma', '2']]);
  });
});

describe('unpackNv and its input', () => {
  it('does not touch the block', () => {
    const b = block(4, ENTRIES);
    const before = b.slice();
    unpackNv(b, b.length, 4, new StringDecoder(false));
    expect(b).toEqual(before);
  });
});
