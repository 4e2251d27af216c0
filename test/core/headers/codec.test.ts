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
} from '../../../src/core/constants.js';
import { InvalidArgumentError, UnsupportedVersionError } from '../../../src/core/errors.js';
import type { NameValue } from '../../../src/core/frame/types.js';
import type { HeaderBlockDecoder, HeaderBlockResult, HeaderCodec } from '../../../src/core/header-codec.js';
import { mapNamesTo2, normalizeNv, splitNv } from '../../../src/core/headers/nv.js';
import { createHeaderCodec } from '../../../src/core/headers/spdy-codec.js';
import type { HeaderCodecOptions } from '../../../src/core/headers/spdy-codec.js';
import { deflateBound } from '../../../src/core/headers/zlib.js';
import { concat, everyByte, hex, toHex } from '../../helpers/bytes.js';
import { SYNC, V2_HEAD, V3_HEAD, stored } from '../../helpers/zlib-blocks.js';
import { okNv } from '../../helpers/nv-blocks.js';

const MAX = 0xffffff;

function decode(decoder: HeaderBlockDecoder, ...chunks: Uint8Array[]): HeaderBlockResult {
  decoder.begin();
  for (const c of chunks) decoder.push(c);
  return decoder.end();
}
function pair(version: number, options: Partial<HeaderCodecOptions> = {}): { client: HeaderCodec; server: HeaderCodec } {
  return {
    client: createHeaderCodec({ version, side: CLIENT, ...options }),
    server: createHeaderCodec({ version, side: SERVER, ...options }),
  };
}

describe('encode: byte vectors', () => {
  it("wire-format.md §4: a SPDY/3 client's first SYN_STREAM, byte for byte", () => {
    const { encoder } = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT });
    const nv = normalizeNv([
      [':host', 'example.org'],
      [':method', 'GET'],
      [':path', '/'],
      [':scheme', 'https'],
      [':version', 'HTTP/1.1'],
    ]);
    const frame = encoder.encode(nv, 18, MAX)!;
    // The frame head and SYN_STREAM's fixed fields go in the headroom.
    frame.set(hex('80 03 00 01 01 00 00 82 00 00 00 01 00 00 00 00 00 00'), 0);
    expect(toHex(frame)).toBe(
      toHex(
        hex(`
80 03 00 01 01 00 00 82 00 00 00 01 00 00 00 00 00 00 38 30 e3 c6 a7 c2 00 68 00 97 ff
00 00 00 05 00 00 00 05 3a 68 6f 73 74 00 00 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67
00 00 00 07 3a 6d 65 74 68 6f 64 00 00 00 03 47 45 54 00 00 00 05 3a 70 61 74 68
00 00 00 01 2f 00 00 00 07 3a 73 63 68 65 6d 65 00 00 00 05 68 74 74 70 73
00 00 00 08 3a 76 65 72 73 69 6f 6e 00 00 00 08 48 54 54 50 2f 31 2e 31 00 00 00 ff ff`),
      ),
    );
  });

  it('a SPDY/2 client block: 16-bit lengths, SPDY/2 names and dictionary', () => {
    const { encoder } = createHeaderCodec({ version: PROTO_SPDY2, side: CLIENT });
    const wire = mapNamesTo2(normalizeNv([[':host', 'example.org'], [':method', 'GET'], [':path', '/']]));
    const packed = hex(`
      0003
      0004 686f7374 000b 6578616d706c652e6f7267
      0006 6d6574686f64 0003 474554
      0003 75726c 0001 2f`);
    expect(toHex(encoder.encode(wire, 0, MAX)!)).toBe(toHex(concat(V2_HEAD, stored(packed), SYNC)));
  });

  it('the headroom is left zeroed and each call returns a new buffer', () => {
    const { encoder } = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT });
    const nv: NameValue[] = [['a', 'b']];
    const first = encoder.encode(nv, 12, MAX)!;
    const second = encoder.encode(nv, 12, MAX)!;
    expect(first).not.toBe(second);
    expect(Array.from(first.subarray(0, 12))).toEqual(new Array(12).fill(0));
    expect(toHex(first.subarray(12, 18))).toBe('38 30 e3 c6 a7 c2');
    expect(second.length).toBe(12 + 5 + 14 + 5); // stored header, 14 packed bytes, sync flush; no zlib header
  });

  it('a server compresses at level 9 (38 ea); the level can be set', () => {
    const server = createHeaderCodec({ version: PROTO_SPDY3_1, side: SERVER });
    expect(toHex(server.encoder.encode([['a', 'b']], 0, MAX)!.subarray(0, 2))).toBe('38 ea');
    const client9 = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT, compressionLevel: 9 });
    expect(toHex(client9.encoder.encode([['a', 'b']], 0, MAX)!.subarray(0, 2))).toBe('38 ea');
    const server0 = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER, compressionLevel: 0 });
    expect(toHex(server0.encoder.encode([['a', 'b']], 0, MAX)!.subarray(0, 2))).toBe('38 30');
  });
});

describe('encode: refusal for size never touches the stream', () => {
  it('returns null when the bound exceeds the limit; the next block is still the first', () => {
    const { client, server } = pair(PROTO_SPDY3);
    const nv: NameValue[] = [['x-long', 'v'.repeat(1000)]];
    const packedLength = 4 + 4 + 6 + 4 + 1000;
    const bound = deflateBound(packedLength, true);
    expect(client.encoder.encode(nv, 10, bound - 1)).toBeNull();
    const block = client.encoder.encode(nv, 0, bound)!;
    expect(toHex(block.subarray(0, 6))).toBe('38 30 e3 c6 a7 c2');
    expect(okNv(decode(server.decoder, block))).toEqual(nv);
  });

  it('refused blocks interleaved with sent ones keep the peer in step (level 9)', () => {
    const { client, server } = pair(PROTO_SPDY3);
    const lists: NameValue[][] = [[[':status', '200 OK']], [['a', 'x'.repeat(500)]], [[':status', '404'], ['b', 'y']]];
    for (let round = 0; round < 3; round++) {
      for (const nv of lists) {
        expect(server.encoder.encode(nv, 0, 20)).toBeNull();
        const block = server.encoder.encode(nv, 0, MAX)!;
        expect(okNv(decode(client.decoder, block))).toEqual(nv);
      }
    }
  });

  it('SPDY/2: a value over 65535 bytes cannot be represented, so it is refused', () => {
    const { client, server } = pair(PROTO_SPDY2);
    expect(client.encoder.encode([['big', 'x'.repeat(0x10000)]], 0, MAX)).toBeNull();
    const block = client.encoder.encode([['big', 'x'.repeat(0xffff)]], 0, MAX)!;
    expect(okNv(decode(server.decoder, block))).toEqual([['big', 'x'.repeat(0xffff)]]);
  });

  it('latin1: a character above U+00FF in an unnormalised list throws', () => {
    const { encoder } = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT, encoding: 'latin1' });
    expect(() => encoder.encode([['a', '\u20ac']], 0, MAX)).toThrow(InvalidArgumentError);
  });
});

describe('decode', () => {
  it('decodes a hand-written stored block, fed one byte at a time', () => {
    const { decoder } = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    const packed = hex('00000002 00000001 61 00000003 780079 00000001 62 00000000');
    const wire = concat(V3_HEAD, stored(packed), SYNC);
    expect(okNv(decode(decoder, ...everyByte(wire)))).toEqual([
      ['a', 'x'],
      ['a', 'y'],
      ['b', ''],
    ]);
  });

  it('sorts a block that arrives out of name order, as spdylay does', () => {
    const { decoder } = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    const packed = hex('00000002 00000001 7a 00000001 31 00000001 61 00000001 32');
    expect(okNv(decode(decoder, concat(V3_HEAD, stored(packed), SYNC)))).toEqual([['a', '2'], ['z', '1']]);
  });

  it('ERR_INVALID_HEADER_BLOCK and ERR_INVALID_FRAME leave the stream in step', () => {
    const { decoder } = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    const upper = hex('00000001 00000001 41 00000001 62');
    const truncated = hex('00000001 00000001 61 00000009 62');
    const good = hex('00000001 00000001 61 00000001 62');
    expect(decode(decoder, concat(V3_HEAD, stored(upper), SYNC))).toEqual({ ok: false, error: ERR_INVALID_HEADER_BLOCK, nv: [['A', 'b']] });
    expect(decode(decoder, concat(stored(truncated), SYNC))).toEqual({ ok: false, error: ERR_INVALID_FRAME });
    expect(okNv(decode(decoder, concat(stored(good), SYNC)))).toEqual([['a', 'b']]);
  });

  it('ERR_FRAME_TOO_LARGE past maxInflatedSize; the next block decodes', () => {
    const { client } = pair(PROTO_SPDY3);
    const small = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER, maxInflatedSize: 100 });
    const big = client.encoder.encode([['a', 'x'.repeat(200)]], 0, MAX)!;
    const fine = client.encoder.encode([['a', 'x'.repeat(80)]], 0, MAX)!;
    expect(decode(small.decoder, big)).toEqual({ ok: false, error: ERR_FRAME_TOO_LARGE });
    expect(okNv(decode(small.decoder, fine))).toEqual([['a', 'x'.repeat(80)]]);
  });

  it('ERR_ZLIB for garbage, then for every later block', () => {
    const { client } = pair(PROTO_SPDY3);
    const { decoder } = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    expect(decode(decoder, hex('deadbeef'))).toEqual({ ok: false, error: ERR_ZLIB });
    expect(decode(decoder, client.encoder.encode([['a', 'b']], 0, MAX)!)).toEqual({ ok: false, error: ERR_ZLIB });
  });

  it('ERR_ZLIB when a SPDY/3 block reaches a SPDY/2 decoder (wrong dictionary)', () => {
    const v3 = createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT });
    const v2 = createHeaderCodec({ version: PROTO_SPDY2, side: SERVER });
    expect(decode(v2.decoder, v3.encoder.encode([['a', 'b']], 0, MAX)!)).toEqual({ ok: false, error: ERR_ZLIB });
  });

  it('invalid UTF-8 on the wire never throws: U+FFFD', () => {
    const { decoder } = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    const packed = hex('00000001 00000001 61 00000004 ff c3 28 62');
    expect(okNv(decode(decoder, concat(V3_HEAD, stored(packed), SYNC)))).toEqual([['a', '\ufffd\ufffd(b']]);
  });

  it('an empty push and a block with no bytes at all', () => {
    const { decoder } = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    expect(decode(decoder, new Uint8Array(0))).toEqual({ ok: false, error: ERR_INVALID_FRAME });
  });
});

describe('end to end', () => {
  const request: Array<[string, string]> = [
    [':method', 'GET'],
    [':path', '/index.html?q=caf\u00e9'],
    [':version', 'HTTP/1.1'],
    [':host', 'example.org'],
    [':scheme', 'https'],
    ['Cookie', 'a=1'],
    ['cookie', 'b=2'],
    ['user-agent', 'spdylay \u2603 \u{1f600}'],
  ];

  it.each([PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1])('version %i, both directions, several blocks', (version) => {
    const { client, server } = pair(version);
    for (let i = 0; i < 5; i++) {
      const nv = normalizeNv([...request, ['x-i', String(i)]]);
      const expected = splitNv(nv);
      expect(okNv(decode(server.decoder, client.encoder.encode(nv, 18, MAX)!.subarray(18)))).toEqual(expected);
      expect(okNv(decode(client.decoder, server.encoder.encode(nv, 12, MAX)!.subarray(12)))).toEqual(expected);
    }
  });

  it('latin1 relays every byte a value may carry, and NUL through a repeated name', () => {
    const { client, server } = pair(PROTO_SPDY3, { encoding: 'latin1' });
    let all = '\t';
    for (let c = 0x20; c < 0x7f; c++) all += String.fromCharCode(c);
    for (let c = 0x80; c < 0x100; c++) all += String.fromCharCode(c);
    const nv = normalizeNv([['x-bytes', all], ['x-rep', '\u00ff'], ['x-rep', '\u0080']], 'latin1');
    const block = client.encoder.encode(nv, 0, MAX)!;
    expect(okNv(decode(server.decoder, block))).toEqual([['x-bytes', all], ['x-rep', '\u00ff'], ['x-rep', '\u0080']]);
    // One byte per character on the wire: a 0xFF byte, not UTF-8's c3 bf.
    expect(toHex(block)).toContain('ff 00 80');
  });

  it('latin1 vs UTF-8 on the same bytes', () => {
    const utf8 = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER });
    const latin1 = createHeaderCodec({ version: PROTO_SPDY3, side: SERVER, encoding: 'latin1' });
    const wire = concat(V3_HEAD, stored(hex('00000001 00000001 61 00000002 c3 a9')), SYNC);
    expect(okNv(decode(utf8.decoder, wire))).toEqual([['a', '\u00e9']]);
    expect(okNv(decode(latin1.decoder, wire))).toEqual([['a', '\u00c3\u00a9']]);
  });
});

describe('createHeaderCodec options', () => {
  it('rejects what it cannot honour', () => {
    expect(() => createHeaderCodec({ version: 1, side: CLIENT })).toThrow(UnsupportedVersionError);
    expect(() => createHeaderCodec({ version: PROTO_SPDY3, side: 3 })).toThrow(InvalidArgumentError);
    expect(() => createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT, compressionLevel: 10 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT, compressionLevel: 1.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT, maxInflatedSize: -1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createHeaderCodec({ version: PROTO_SPDY3, side: CLIENT, encoding: 'ascii' as never })).toThrow(
      InvalidArgumentError,
    );
  });
});
