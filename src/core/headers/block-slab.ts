/**
 * Fresh buffers for encoded header frames, carved from shared slabs.
 *
 * Every header frame the encoder returns is a new buffer the session hands
 * to its socket, so it can never be reused; a buffer of its own per frame
 * costs more than the copy into it (docs/performance.md, "Typed arrays").
 * So buffers under SLAB_MAX are views of consecutive, never-reused ranges of
 * an 8 KiB ArrayBuffer, as Node's Buffer pool does for small Buffers: still
 * fresh and zero-filled, only with a non-zero byteOffset into a larger
 * `.buffer`. A slab is garbage once its last view is.
 */

const SLAB_SIZE = 8192;
/** Buffers of this many bytes or more get an ArrayBuffer of their own. */
const SLAB_MAX = SLAB_SIZE >>> 1;

let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/** A new zero-filled buffer of `length` bytes that nothing else refers to. */
export function freshBytes(length: number): Uint8Array {
  if (length >= SLAB_MAX) return new Uint8Array(length);
  if (slabUsed + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, length);
  // 8-byte aligned starts, as an allocator would give.
  slabUsed = (slabUsed + length + 7) & ~7;
  return out;
}
