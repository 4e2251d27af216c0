/**
 * Test helpers for header-compression streams written and read by hand:
 * stored deflate blocks, the zlib headers our codec writes, and one-block
 * round trips through HeaderDeflater and HeaderInflater.
 */
import type { HeaderDeflater, HeaderInflater } from '../../src/core/headers/zlib.js';
import { concat, hex } from './bytes.js';

/** A stored deflate block, by hand (RFC 1951 §3.2.4): header byte, LEN, NLEN little-endian, data. */
export function stored(data: Uint8Array, final = false): Uint8Array {
  const n = data.length;
  return concat(Uint8Array.of(final ? 1 : 0, n & 255, n >>> 8, ~n & 255, (~n >>> 8) & 255), data);
}

/** The sync-flush marker: an empty stored block, 00 00 00 ff ff. */
export const SYNC = stored(new Uint8Array(0));
/** adler32 of the SPDY/3 dictionary, the id a zlib header with FDICT carries. */
export const V3_ID = hex('e3c6a7c2');
/** The zlib header our codec writes: window 2^11, FDICT, and the dictionary's id. */
export const V3_HEAD = hex('3830 e3c6a7c2');
export const V2_HEAD = hex('3830 dfa251b2');

/** A tiny seeded PRNG so failures replay (no Math.random). */
export function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One block through `inf`: begin, every chunk pushed, end; the verdict and a copy of the output. */
export function inflateBlock(inf: HeaderInflater, chunks: Uint8Array[]): { status: number; data: Uint8Array } {
  inf.begin();
  for (const c of chunks) inf.push(c);
  const status = inf.end();
  return { status, data: inf.output.slice(0, inf.length) };
}

/** One block through `d`, copied out (compress() may replace the output buffer, so `output` is read after it). */
export function compressOne(d: HeaderDeflater, b: Uint8Array): Uint8Array {
  const n = d.compress(b, b.length);
  return d.output.slice(0, n);
}
