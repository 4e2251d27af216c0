import { describe, expect, it } from 'vitest';
import { ERR_INVALID_FRAME, ERR_INVALID_HEADER_BLOCK, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../../src/core/constants.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import type { NameValue } from '../../../src/core/frame/types.js';
import type { HeaderBlockResult } from '../../../src/core/header-codec.js';
import { NvPacker } from '../../../src/core/headers/nv-pack.js';
import { unpackNv } from '../../../src/core/headers/nv-unpack.js';
import {
  compareNames,
  joinNv,
  mapNamesFrom2,
  mapNamesTo2,
  normalizeNv,
  sortNv,
  splitNv,
} from '../../../src/core/headers/nv.js';
import { prepareNv } from '../../../src/core/headers/prepare.js';
import { StringDecoder } from '../../../src/core/headers/text.js';
import { versionFacts } from '../../../src/core/version.js';
import { hex, toHex } from '../../helpers/bytes.js';
import { block, okNv, receivedPairs, refusal, type BlockBytes } from '../../helpers/nv-blocks.js';

function unpack(b: Uint8Array, w: 2 | 4 = 4, latin1 = false): HeaderBlockResult {
  return unpackNv(b, b.length, w, new StringDecoder(latin1));
}

describe('sortNv / normalizeNv (submit side, spdylay_frame_nv_norm_copy + pack_nv)', () => {
  it('lower-cases ASCII letters in names only, not values', () => {
    expect(normalizeNv([['Content-Type', 'Text/HTML']])).toEqual([['content-type', 'Text/HTML']]);
  });

  it('lower-cases A..Z in names and leaves every other printable character as it is', () => {
    expect(normalizeNv([['X-A_B.C~D Z', 'v']])).toEqual([['x-a_b.c~d z', 'v']]);
    expect(normalizeNv([[' !@[`{~', 'v']])).toEqual([[' !@[`{~', 'v']]);
  });

  it('sorts by name in byte order', () => {
    const out = normalizeNv([
      ['user-agent', 'u'],
      [':path', '/'],
      ['accept', '*/*'],
      [':host', 'h'],
    ]);
    expect(out.map((p) => p[0])).toEqual([':host', ':path', 'accept', 'user-agent']);
  });

  it('joins the values of a repeated name with NUL, in order of appearance', () => {
    const out = normalizeNv([
      ['set-cookie', 'a=1'],
      ['x', 'y'],
      ['Set-Cookie', 'b=2'],
      ['set-cookie', 'c=3'],
    ]);
    expect(out).toEqual([
      ['set-cookie', 'a=1\0b=2\0c=3'],
      ['x', 'y'],
    ]);
  });

  it('drops empty values from a join (an empty piece is invalid on the wire)', () => {
    expect(normalizeNv([['a', ''], ['a', 'x']])).toEqual([['a', 'x']]);
    expect(normalizeNv([['a', 'x'], ['a', ''], ['a', 'y']])).toEqual([['a', 'x\0y']]);
    expect(normalizeNv([['a', ''], ['a', '']])).toEqual([['a', '']]);
    expect(normalizeNv([['a', '']])).toEqual([['a', '']]);
  });

  it('returns new pairs and leaves the input alone', () => {
    const input: Array<[string, string]> = [['B', '1'], ['a', '2']];
    const out = normalizeNv(input);
    expect(input).toEqual([['B', '1'], ['a', '2']]);
    expect(out[0]).not.toBe(input[1]);
  });

  it('sortNv keeps repeated names as separate pairs (what a sent frame shows)', () => {
    expect(sortNv([['b', '1'], ['A', '2'], ['a', '3']])).toEqual([['a', '2'], ['a', '3'], ['b', '1']]);
  });

  it('accepts an empty list', () => {
    expect(normalizeNv([])).toEqual([]);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an array', 'x', /array/],
    ['an entry that is not a pair', [['a']], /#0.*pair/],
    ['a 3-element entry', [['a', 'b', 'c']], /#0.*pair/],
    ['a non-string name', [[1, 'v']], /#0.*name must be a string/],
    ['an empty name', [['ok', 'v'], ['', 'v']], /#1.*empty name/],
    ['a name with NUL', [['a\0b', 'v']], /#0 "a\\u0000b".*name contains NUL/],
    ['a name with a control character', [['ok', 'v'], ['x\u0001y', 'v']], /#1 "x\\u0001y".*name contains U\+0001.*printable ASCII/],
    ['a name with a line break', [['x\r\ny', 'v']], /#0 .*name contains U\+000D/],
    ['a name with DEL', [['x\u007f', 'v']], /name contains U\+007F/],
    ['a non-ASCII name', [['caf\u00e9', 'v']], /#0 "caf\u00e9".*name contains U\+00E9.*0x20\.\.0x7E/],
    ['a name beyond the BMP', [['x\u{1f600}', 'v']], /name contains U\+1F600/],
    ['a null value', [['x-null', null]], /"x-null".*value is null/],
    ['an undefined value', [['x-undef', undefined]], /"x-undef".*value is undefined/],
    ['a numeric value', [['x-num', 5]], /"x-num".*must be a string, got number/],
    ['a value with NUL', [['x-nul', 'a\0b']], /"x-nul".*value contains NUL/],
  ];
  it.each(bad)('throws InvalidArgumentError for %s', (_label, nv, message) => {
    expect(() => normalizeNv(nv as never)).toThrow(InvalidArgumentError);
    expect(() => normalizeNv(nv as never)).toThrow(message);
  });

  it('with latin1, throws for a value character above U+00FF', () => {
    expect(() => normalizeNv([['x', 'caf\u00e9']], 'latin1')).not.toThrow();
    expect(() => normalizeNv([['x', '\u20ac']], 'latin1')).toThrow(/"x".*U\+20AC.*latin1/);
    expect(() => normalizeNv([['x', '\u20ac']], 'utf8')).not.toThrow();
  });

  it('checks names under either encoding, and values only for NUL (spdylay checks no value bytes on submit)', () => {
    for (const encoding of ['utf8', 'latin1'] as const) {
      expect(() => normalizeNv([['caf\u00e9', 'v']], encoding)).toThrow(InvalidArgumentError);
      expect(() => normalizeNv([['x\ty', 'v']], encoding)).toThrow(/U\+0009/);
      expect(normalizeNv([['x', 'a\tb\u0001\u007f\u00ff']], encoding)).toEqual([['x', 'a\tb\u0001\u007f\u00ff']]);
    }
  });

  it('a name refused once is refused again (accepted names are remembered, refused ones are not)', () => {
    expect(() => normalizeNv([['X-\u0100', 'v']])).toThrow(InvalidArgumentError);
    expect(() => normalizeNv([['X-\u0100', 'v']])).toThrow(InvalidArgumentError);
    expect(normalizeNv([['X-Ok', 'v']])).toEqual([['x-ok', 'v']]);
    expect(normalizeNv([['X-Ok', 'w']])).toEqual([['x-ok', 'w']]);
  });
});

describe('compareNames', () => {
  it("orders printable ASCII names as strcmp orders their bytes", () => {
    expect(compareNames(':path', 'accept')).toBeLessThan(0);
    expect(compareNames('Z', 'a')).toBeLessThan(0);
    expect(compareNames('a', 'ab')).toBeLessThan(0);
    expect(compareNames('b', 'a')).toBeGreaterThan(0);
    expect(compareNames('x', 'x')).toBe(0);
  });
});

describe('joinNv / splitNv', () => {
  it('splitNv expands NUL-joined values into consecutive pairs', () => {
    expect(splitNv([['a', '1\x002'], ['b', '3']])).toEqual([['a', '1'], ['a', '2'], ['b', '3']]);
  });
  it('splitNv returns the same array when nothing is joined', () => {
    const nv: NameValue[] = [['a', '1']];
    expect(splitNv(nv)).toBe(nv);
  });
  it('joinNv returns the same array when no name repeats', () => {
    const nv: NameValue[] = [['a', '1'], ['b', '2']];
    expect(joinNv(nv)).toBe(nv);
  });
  it('joinNv merges runs without touching its input', () => {
    const nv: NameValue[] = [['a', '1'], ['b', '2'], ['b', '3'], ['c', '4'], ['c', '5']];
    expect(joinNv(nv)).toEqual([['a', '1'], ['b', '2\x003'], ['c', '4\x005']]);
    expect(nv[1]).toEqual(['b', '2']);
  });
});

describe('SPDY/2 name mapping (spdylay_frame_nv_3to2 / nv_2to3)', () => {
  it('mapNamesTo2 renames the six names, re-sorts, and leaves other names alone', () => {
    const nv = normalizeNv([
      [':method', 'GET'],
      [':path', '/'],
      [':version', 'HTTP/1.1'],
      [':host', 'example.org'],
      [':scheme', 'https'],
      ['accept', '*/*'],
      [':other', 'x'],
    ]);
    expect(mapNamesTo2(nv)).toEqual([
      [':other', 'x'],
      ['accept', '*/*'],
      ['host', 'example.org'],
      ['method', 'GET'],
      ['scheme', 'https'],
      ['url', '/'],
      ['version', 'HTTP/1.1'],
    ]);
    expect(nv[0]).toEqual([':host', 'example.org']); // input untouched
  });

  it('mapNamesTo2 merges a name given in both forms into one entry', () => {
    expect(mapNamesTo2(normalizeNv([['host', 'b'], [':host', 'a']]))).toEqual([['host', 'a\0b']]);
  });

  it('mapNamesTo2 returns the input itself when nothing is renamed', () => {
    const nv: NameValue[] = [['accept', '*/*']];
    expect(mapNamesTo2(nv)).toBe(nv);
  });

  it('mapNamesTo2 maps :status for replies', () => {
    expect(mapNamesTo2([[':status', '200 OK'], [':version', 'HTTP/1.1']])).toEqual([
      ['status', '200 OK'],
      ['version', 'HTTP/1.1'],
    ]);
  });

  it('mapNamesFrom2 renames in place without re-sorting', () => {
    const nv: NameValue[] = [
      ['accept', '*/*'],
      ['host', 'h'],
      ['method', 'GET'],
      ['scheme', 'http'],
      ['status', '200'],
      ['url', '/'],
      ['version', 'HTTP/1.1'],
      [':host', 'kept'],
    ];
    const out = mapNamesFrom2(nv);
    expect(out).toBe(nv);
    expect(out.map((p) => p[0])).toEqual([
      'accept',
      ':host',
      ':method',
      ':scheme',
      ':status',
      ':path',
      ':version',
      ':host',
    ]);
  });
});

describe('prepareNv', () => {
  const user: Array<[string, string]> = [
    [':Path', '/'],
    [':host', 'h'],
    ['cookie', 'a'],
    ['cookie', 'b'],
  ];
  it('SPDY/3: callbacks see sorted split pairs; the wire gets joined values', () => {
    const p = prepareNv(user, versionFacts(PROTO_SPDY3)!);
    expect(p.nv).toEqual([[':host', 'h'], [':path', '/'], ['cookie', 'a'], ['cookie', 'b']]);
    expect(p.wireNv).toEqual([[':host', 'h'], [':path', '/'], ['cookie', 'a\0b']]);
    expect(prepareNv(user, versionFacts(PROTO_SPDY3_1)!).wireNv).toEqual(p.wireNv);
  });
  it('SPDY/2: callbacks keep SPDY/3 names; the wire gets SPDY/2 names', () => {
    const p = prepareNv(user, versionFacts(PROTO_SPDY2)!);
    expect(p.nv).toEqual([[':host', 'h'], [':path', '/'], ['cookie', 'a'], ['cookie', 'b']]);
    expect(p.wireNv).toEqual([['cookie', 'a\0b'], ['host', 'h'], ['url', '/']]);
  });
  it('throws at submit time, with the encoding range check', () => {
    expect(() => prepareNv([['x', '\u20ac']], versionFacts(PROTO_SPDY3)!, 'latin1')).toThrow(InvalidArgumentError);
  });
  it('finds a NUL in a value through the block text, naming the header, in every version and encoding', () => {
    for (const version of [PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1]) {
      for (const encoding of ['utf8', 'latin1'] as const) {
        const facts = versionFacts(version)!;
        expect(() => prepareNv([[':path', '/'], ['x-b', 'a\0b']], facts, encoding)).toThrow(/"x-b".*value contains NUL/);
        // With a repeated name the text holds join separators: the values are searched one by one.
        expect(() => prepareNv([['c', 'a'], ['c', 'b'], ['x-b', 'a\0']], facts, encoding)).toThrow(/"x-b".*value contains NUL/);
        // Too long for the one-string text: searched one by one as well.
        expect(() => prepareNv([['big', 'x'.repeat(300_000)], ['x-b', '\0']], facts, encoding)).toThrow(/"x-b".*value contains NUL/);
      }
    }
  });
  it('does not take the separator of a repeated name for a NUL in a value', () => {
    const p = prepareNv([['c', 'a'], ['c', 'b']], versionFacts(PROTO_SPDY3)!);
    expect(p.wireNv).toEqual([['c', 'a\0b']]);
    expect(p.wireText).not.toBeNull();
  });
  it('wireText packs to the same bytes as wireNv itself', () => {
    const user: Array<[string, string]> = [[':method', 'GET'], ['Cookie', 'a=' + 'x'.repeat(40)], ['c', '1'], ['c', '2'], [':host', 'h']];
    for (const version of [PROTO_SPDY2, PROTO_SPDY3]) {
      const facts = versionFacts(version)!;
      const p = prepareNv(user, facts);
      const packer = new NvPacker();
      const plain = packer.buffer.slice(0, packer.pack(p.wireNv, facts.nvLengthSize, false));
      const fromText = packer.buffer.slice(0, packer.pack(p.wireNv, facts.nvLengthSize, false, p.wireText));
      expect(toHex(fromText)).toBe(toHex(plain));
    }
  });
  it('has no wireText under latin1 (values are checked character by character there)', () => {
    expect(prepareNv([['a', 'b']], versionFacts(PROTO_SPDY3)!, 'latin1').wireText).toBeNull();
  });
});

describe('NvPacker', () => {
  const nv: NameValue[] = [['a', 'b'], ['cd', 'x\0y']];

  it('packs SPDY/3 with 32-bit count and lengths', () => {
    const p = new NvPacker();
    const n = p.pack(nv, 4, false);
    expect(toHex(p.buffer.subarray(0, n))).toBe(
      toHex(hex('00000002 00000001 61 00000001 62 00000002 6364 00000003 780079')),
    );
  });

  it('packs SPDY/2 with 16-bit count and lengths', () => {
    const p = new NvPacker();
    const n = p.pack(nv, 2, false);
    expect(toHex(p.buffer.subarray(0, n))).toBe(toHex(hex('0002 0001 61 0001 62 0002 6364 0003 780079')));
  });

  it('packs an empty list as a zero count', () => {
    const p = new NvPacker();
    expect(toHex(p.buffer.subarray(0, p.pack([], 4, false)))).toBe('00 00 00 00');
  });

  it('writes UTF-8, counting bytes, not characters, in the lengths', () => {
    const p = new NvPacker();
    const n = p.pack([['k', 'é€😀']], 4, false);
    expect(toHex(p.buffer.subarray(0, n))).toBe(
      toHex(hex('00000001 00000001 6b 00000009 c3a9 e282ac f09f9880')),
    );
  });

  it('writes a long non-ASCII value (native path) correctly', () => {
    const p = new NvPacker();
    const value = 'é'.repeat(100) + 'x';
    const n = p.pack([['k', value]], 4, false);
    const r = unpack(p.buffer.slice(0, n));
    expect(okNv(r)).toEqual([['k', value]]);
  });

  it('writes latin1 one byte per character, 0x01..0xFF', () => {
    const p = new NvPacker();
    let value = '';
    for (let c = 1; c < 256; c++) value += String.fromCharCode(c);
    const n = p.pack([['k', value]], 4, true);
    const bytes = p.buffer.subarray(0, n);
    expect(n).toBe(4 + 4 + 1 + 4 + 255);
    for (let c = 1; c < 256; c++) expect(bytes[13 + c - 1]).toBe(c);
  });

  it('returns -2 for a character latin1 cannot hold', () => {
    expect(new NvPacker().pack([['k', '\u0100']], 4, true)).toBe(-2);
  });

  it('returns -1 when a SPDY/2 length or count does not fit 16 bits', () => {
    const p = new NvPacker();
    expect(p.pack([['k', 'x'.repeat(0xffff)]], 2, false)).toBe(2 + 2 + 1 + 2 + 0xffff);
    expect(p.pack([['k', 'x'.repeat(0x10000)]], 2, false)).toBe(-1);
    expect(p.pack([['k', 'é'.repeat(0x8000)]], 2, false)).toBe(-1); // 65536 bytes
    const many: NameValue[] = Array.from({ length: 0x10000 }, (_, i) => [`h${i}`, ''] as NameValue);
    expect(p.pack(many, 2, false)).toBe(-1);
    expect(p.pack([['k', 'x'.repeat(0x10000)]], 4, false)).toBe(4 + 4 + 1 + 4 + 0x10000);
  });

  it('grows its buffer and stays correct afterwards', () => {
    const p = new NvPacker();
    const big: NameValue[] = [['k', 'v'.repeat(300_000)]];
    expect(p.pack(big, 4, false)).toBe(13 + 300_000);
    const n = p.pack(nv, 4, false);
    expect(okNv(unpack(p.buffer.slice(0, n)))).toEqual([['a', 'b'], ['cd', 'x'], ['cd', 'y']]);
  });
});

describe('unpackNv: structure (ERR_INVALID_FRAME, spdylay_frame_count_unpack_nv_space)', () => {
  const cases: Array<[string, Uint8Array, 2 | 4]> = [
    ['an empty block', new Uint8Array(0), 4],
    ['a block shorter than the count', hex('000000'), 4],
    ['a SPDY/2 block shorter than the count', hex('00'), 2],
    ['a count with no entries', hex('00000001'), 4],
    ['a name length past the end', hex('00000001 00000005 6162'), 4],
    ['a missing value length', hex('00000001 00000001 61'), 4],
    ['a value length past the end', hex('00000001 00000001 61 00000009 6263'), 4],
    ['bytes after the last pair', hex('00000001 00000001 61 00000001 62 ff'), 4],
    ['a huge count', hex('ffffffff 00000001 61 00000001 62'), 4],
    ['a SPDY/2 value length past the end', hex('0001 0001 61 0005 62'), 2],
    ['a 32-bit block read as SPDY/2', hex('00000001 00000001 61 00000001 62'), 2],
  ];
  it.each(cases)('%s', (_label, b, w) => {
    expect(unpack(b, w)).toEqual({ ok: false, error: ERR_INVALID_FRAME });
  });

  it('structure dominates content: a bad name followed by a truncated length', () => {
    expect(unpack(hex('00000002 00000001 41 00000001 62 00000009'))).toEqual({ ok: false, error: ERR_INVALID_FRAME });
  });

  it('reads only block[0, length)', () => {
    const b = block(4, [['a', 'b']]);
    const padded = new Uint8Array(b.length + 3);
    padded.set(b);
    padded.set([1, 2, 3], b.length);
    expect(okNv(unpackNv(padded, b.length, 4, new StringDecoder(false)))).toEqual([['a', 'b']]);
  });
});

describe('unpackNv: content (ERR_INVALID_HEADER_BLOCK, spdylay_frame_unpack_nv)', () => {
  const invalid: Array<[string, Array<[BlockBytes, BlockBytes]>]> = [
    ['an empty name', [['', 'v']]],
    ['an upper-case name', [['Host', 'v']]],
    ['a name with a control byte', [[[0x61, 0x1f], 'v']]],
    ['a name with DEL', [[[0x61, 0x7f], 'v']]],
    ['a name with a non-ASCII byte', [[[0x61, 0xc3, 0xa9], 'v']]],
    ['a name with NUL', [[[0x61, 0x00, 0x62], 'v']]],
    ['a value with a leading NUL', [['a', [0x00, 0x62]]]],
    ['a value with a trailing NUL', [['a', [0x62, 0x00]]]],
    ['a value with two NULs in a row', [['a', [0x62, 0x00, 0x00, 0x63]]]],
    ['a value that is a lone NUL', [['a', [0x00]]]],
    ['a value with SOH', [['a', [0x62, 0x01]]]],
    ['a value with LF', [['a', 'x\ny']]],
    ['a value with CR', [['a', 'x\ry']]],
    ['a value with DEL', [['a', [0x7f]]]],
    ['duplicate names, adjacent', [['a', '1'], ['a', '2']]],
    ['duplicate names, apart and unsorted', [['b', '1'], ['a', '2'], ['b', '3']]],
    ['a bad entry after good ones', [['a', '1'], ['B', '2']]],
  ];
  it.each(invalid)('%s: refused with its pairs as received', (_label, entries) => {
    const nv = receivedPairs(entries);
    expect(unpack(block(4, entries))).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv });
    expect(unpack(block(2, entries), 2)).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv });
    expect(unpack(block(4, entries), 4, true)).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: receivedPairs(entries, true) });
  });

  it('a refused block reports its pairs in wire order, values split at every NUL, names untouched', () => {
    const entries: Array<[BlockBytes, BlockBytes]> = [
      ['Zeta', 'a'],
      ['b', [0x31, 0x00, 0x00, 0x32, 0x00]],
      ['b', 'again'],
      [[0x61, 0xff], 'x\ny'],
    ];
    expect(refusal(unpack(block(4, entries)))).toEqual({
      error: ERR_INVALID_HEADER_BLOCK,
      nv: [['Zeta', 'a'], ['b', '1'], ['b', ''], ['b', '2'], ['b', ''], ['b', 'again'], ['a\ufffd', 'x\ny']],
    });
  });

  it('accepts what spdylay accepts: space and punctuation in names, HT and high bytes in values, empty values', () => {
    const nv = okNv(
      unpack(
        block(4, [
          [' !~:', 'v'],
          ['a', ''],
          ['b', [0x09, 0x20, 0x7e]],
          ['c', [0xc3, 0xa9]],
        ]),
      ),
    );
    expect(nv).toEqual([[' !~:', 'v'], ['a', ''], ['b', '\t ~'], ['c', 'é']]);
  });

  it('accepts an empty block (count 0)', () => {
    expect(okNv(unpack(hex('00000000')))).toEqual([]);
    expect(okNv(unpack(hex('0000'), 2))).toEqual([]);
  });

  it('splits NUL-joined values into consecutive pairs in wire order', () => {
    expect(okNv(unpack(block(4, [['a', 'x\0y\0z'], ['b', 'w']])))).toEqual([
      ['a', 'x'],
      ['a', 'y'],
      ['a', 'z'],
      ['b', 'w'],
    ]);
  });

  it('sorts an out-of-order block by name, keeping each value in order', () => {
    expect(okNv(unpack(block(4, [['z', '1\x002'], ['a', '3'], ['m', '4\x005']])))).toEqual([
      ['a', '3'],
      ['m', '4'],
      ['m', '5'],
      ['z', '1'],
      ['z', '2'],
    ]);
  });

  it('decodes a SPDY/2 block', () => {
    expect(okNv(unpack(hex('0002 0001 61 0001 62 0002 6364 0003 780079'), 2))).toEqual([
      ['a', 'b'],
      ['cd', 'x'],
      ['cd', 'y'],
    ]);
  });
});

describe('unpackNv: text', () => {
  it('never throws on invalid UTF-8: each bad sequence becomes U+FFFD', () => {
    const bad = [0xc3, 0x28, 0xff, 0xe2, 0x82, 0x20, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf8, 0x88, 0x80, 0x80, 0x80];
    const nv = okNv(unpack(block(4, [['a', bad]])));
    expect(nv).toHaveLength(1);
    expect(nv[0]![1]).toContain('\ufffd');
    expect(nv[0]![1]).toBe(new TextDecoder().decode(Uint8Array.from(bad)));
  });

  it('keeps a leading byte-order mark', () => {
    expect(okNv(unpack(block(4, [['a', [0xef, 0xbb, 0xbf, 0x78]]])))).toEqual([['a', '\ufeffx']]);
  });

  it('latin1 maps every byte a value may hold to the same character code', () => {
    const allowed: number[] = [0x09];
    for (let c = 0x20; c < 0x7f; c++) allowed.push(c);
    for (let c = 0x80; c < 0x100; c++) allowed.push(c);
    const nv = okNv(unpack(block(4, [['a', allowed]]), 4, true));
    expect(Array.from(nv[0]![1], (ch) => ch.charCodeAt(0))).toEqual(allowed);
    // Short values take the cached path: one value per byte.
    const short = okNv(unpack(block(4, allowed.map((c, i) => [`k${String(i).padStart(3, '0')}`, [c]])), 4, true));
    expect(short.map((p) => p[1].charCodeAt(0))).toEqual(allowed);
  });

  it('a decoder cache hit gives the same string; different bytes never collide', () => {
    const strings = new StringDecoder(false);
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < 3000; i++) entries.push([`h${i.toString(36)}`, `v${(i * 7919).toString(36)}`]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const b = block(4, entries);
    for (let round = 0; round < 2; round++) {
      expect(okNv(unpackNv(b, b.length, 4, strings))).toEqual(entries);
    }
  });
});
