/**
 * Body coding (body-codec.ts) and the choices around it
 * (content-coding.ts): streamed coding equal to zlib's, errors for corrupt
 * and truncated input, raw deflate, negotiation and compressible types.
 */
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERR_GZIP } from '../../src/core/constants.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { BodyCoder, BodyCodingError, codeBody } from '../../src/workers/body-codec.js';
import { createBodyCoder, isCompressibleType, negotiateCoding } from '../../src/workers/content-coding.js';

const text = new TextEncoder().encode('a body of text, '.repeat(5000));

function codeInPieces(coder: BodyCoder, body: Uint8Array, cuts: number[]): Buffer {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    const end = Math.min(body.length, Math.max(at, cut));
    out.push(coder.push(body.subarray(at, end), end === body.length));
    at = end;
    if (at === body.length) break;
  }
  return Buffer.concat(out);
}

describe('BodyCoder', () => {
  it('gzips and deflates to what zlib reads back, however the body is cut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 6 }), (body, cuts) => {
        cuts.sort((a, b) => a - b);
        expect(new Uint8Array(gunzipSync(codeInPieces(new BodyCoder('gzip', 'encode'), body, cuts)))).toEqual(body);
        expect(new Uint8Array(inflateSync(codeInPieces(new BodyCoder('deflate', 'encode'), body, cuts)))).toEqual(body);
      }),
      { numRuns: 200 },
    );
  });

  it("decodes zlib's gzip, zlib-wrapped and raw deflate, fed a byte at a time", () => {
    const cutsEveryByte = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    for (const [coding, coded] of [
      ['gzip', gzipSync(text)],
      ['deflate', deflateSync(text)],
      ['deflate', deflateRawSync(text)],
    ] as const) {
      const decoded = codeInPieces(new BodyCoder(coding, 'decode'), coded, cutsEveryByte(coded.length));
      expect(decoded.equals(Buffer.from(text))).toBe(true);
    }
  });

  it('refuses corrupt and truncated input with ERR_GZIP', () => {
    const gz = gzipSync(text);
    const corrupt = Buffer.from(gz);
    corrupt[20] ^= 0xff;
    corrupt[21] ^= 0xff;
    for (const [bytes, what] of [
      [corrupt, /corrupt/],
      [gz.subarray(0, gz.length - 10), /truncated/],
      [Buffer.from('plainly not gzip'), /corrupt/],
    ] as const) {
      let thrown: unknown;
      try {
        codeBody('gzip', 'decode', bytes);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BodyCodingError);
      expect((thrown as BodyCodingError).code).toBe(ERR_GZIP);
      expect((thrown as Error).message).toMatch(what);
    }
  });

  it('refuses a bad coding or level with InvalidArgumentError', () => {
    expect(() => new BodyCoder('br' as never, 'encode')).toThrow(InvalidArgumentError);
    expect(() => new BodyCoder('gzip', 'encode', 10)).toThrow(/level/);
    expect(() => createBodyCoder('gzip', 'encode', { poolThreshold: -1 })).toThrow(/poolThreshold/);
  });

  it('codes in-thread without a pool, or below the threshold', () => {
    expect(createBodyCoder('gzip', 'encode', {}, 10 << 20).offThread).toBe(false);
    expect(createBodyCoder('gzip', 'encode', { pool: null, poolThreshold: 0 }, 1).offThread).toBe(false);
  });
});

describe('negotiation', () => {
  it('prefers gzip, honours q=0 and *, and refuses what is not offered', () => {
    expect(negotiateCoding('gzip, deflate')).toBe('gzip');
    expect(negotiateCoding('deflate')).toBe('deflate');
    expect(negotiateCoding('deflate;q=1, gzip;q=0.5')).toBe('deflate');
    expect(negotiateCoding('gzip;q=0, deflate;q=0.1')).toBe('deflate');
    expect(negotiateCoding('*')).toBe('gzip');
    expect(negotiateCoding('*, gzip;q=0')).toBe('deflate');
    expect(negotiateCoding('identity')).toBeNull();
    expect(negotiateCoding('br')).toBeNull();
    expect(negotiateCoding(undefined)).toBeNull();
    expect(negotiateCoding('gzip;q=0, deflate;q=0')).toBeNull();
  });

  it('compresses text and unknown types, never images, media or archives', () => {
    for (const type of ['text/html; charset=utf-8', 'application/json', 'image/svg+xml', undefined]) expect(isCompressibleType(type)).toBe(true);
    for (const type of ['image/png', 'video/mp4', 'audio/ogg', 'application/zip', 'application/gzip', 'font/woff2']) {
      expect(isCompressibleType(type), type).toBe(false);
    }
  });
});
