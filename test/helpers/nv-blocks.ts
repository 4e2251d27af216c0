/** Test helpers for uncompressed name/value blocks written by hand. */
import type { NameValue } from '../../src/core/frame/types.js';
import type { HeaderBlockResult } from '../../src/core/header-codec.js';

/** A name or value: a string (written as UTF-8) or raw bytes. */
export type BlockBytes = number[] | string;

const utf8 = new TextEncoder();

/**
 * A block with `w`-byte count and lengths (4: SPDY/3, 2: SPDY/2): `count`
 * (the entries' number unless given, so a wrong count can be written),
 * then each entry's name and value, each after its length.
 */
export function block(w: 2 | 4, entries: Array<[BlockBytes, BlockBytes]>, count = entries.length): Uint8Array {
  const bytes: number[] = [];
  const len = (n: number) => {
    if (w === 4) bytes.push(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
    else bytes.push(n >>> 8, n & 255);
  };
  const raw = (x: BlockBytes) => (typeof x === 'string' ? Array.from(utf8.encode(x)) : x);
  len(count);
  for (const [n, v] of entries) {
    const nb = raw(n);
    const vb = raw(v);
    len(nb.length);
    for (const b of nb) bytes.push(b);
    len(vb.length);
    for (const b of vb) bytes.push(b);
  }
  return Uint8Array.from(bytes);
}

/** The list of an accepted block; throws with the error code for a refused one. */
export function okNv(r: HeaderBlockResult): NameValue[] {
  if (!r.ok) throw new Error(`expected ok, got error ${r.error}`);
  return r.nv;
}

/**
 * The pairs a refused block reports, as spdylay's frame holds them: wire
 * order, each value split at every NUL (empty pieces kept), bytes read as
 * UTF-8 (invalid ones as U+FFFD) or latin1.
 */
export function receivedPairs(entries: Array<[BlockBytes, BlockBytes]>, latin1 = false): NameValue[] {
  const text = (x: BlockBytes) => {
    const bytes = typeof x === 'string' ? utf8.encode(x) : Uint8Array.from(x);
    return latin1 ? String.fromCharCode(...bytes) : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  };
  const out: NameValue[] = [];
  for (const [n, v] of entries) {
    const name = text(n);
    const value = typeof v === 'string' ? Array.from(utf8.encode(v)) : v;
    let start = 0;
    for (let k = 0; k <= value.length; k++) {
      if (k < value.length && value[k] !== 0) continue;
      out.push([name, text(value.slice(start, k))]);
      start = k + 1;
    }
  }
  return out;
}

/** The error code of a refused block, and the pairs it reports, if any; throws for an accepted one. */
export function refusal(r: HeaderBlockResult): { error: number; nv: NameValue[] | undefined } {
  if (r.ok) throw new Error('expected a refusal, got an accepted block');
  return { error: r.error, nv: r.nv };
}
