// A run-time fix for the peer's parser buffer, for benchmarks and interop
// tests only (never shipped). spdy-transport 3.0.0 parses through obuf
// 1.1.2, whose OffsetBuffer.take() leaves a stale offset when a read that
// spans several chunks ends exactly at a chunk's end. Node 20's zlib hands
// inflated headers back in several chunks once its 16 KiB output buffer
// wraps, so a long-lived peer connection fails with "Headers OOB" after
// about 16 KiB of headers. The replacement below reads the same bytes and
// leaves the offset where the read ended.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const OBUF_PATCH_NOTE =
  'spdy-transport patched at run time: obuf 1.1.2 OffsetBuffer.take() (stale offset at chunk ends, "Headers OOB" on Node 20)';

let patched = false;

/** Installs the fixed take() on the obuf module spdy-transport loads. Idempotent. */
export function patchObuf() {
  if (patched) return OBUF_PATCH_NOTE;
  const transportPath = require.resolve('spdy-transport');
  const OffsetBuffer = createRequire(transportPath)('obuf');
  OffsetBuffer.prototype.take = function take(n) {
    if (n === 0) return Buffer.alloc(0);
    this.size -= n;
    const first = this.buffers[0];
    const available = first.length - this.offset;
    if (available > n) {
      const r = first.slice(this.offset, this.offset + n);
      this.offset += n;
      return r;
    }
    if (available === n) {
      const r = this.offset === 0 ? first : first.slice(this.offset);
      this.buffers.shift();
      this.offset = 0;
      return r;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let used = 0;
    let offset = this.offset;
    while (filled < n) {
      const buf = this.buffers[used];
      const count = Math.min(buf.length - offset, n - filled);
      buf.copy(out, filled, offset, offset + count);
      filled += count;
      if (offset + count < buf.length) {
        offset += count;
        break;
      }
      used++;
      offset = 0;
    }
    this.buffers = this.buffers.slice(used);
    this.offset = this.buffers.length === 0 ? 0 : offset;
    return out;
  };
  patched = true;
  return OBUF_PATCH_NOTE;
}
