/**
 * node:zlib as an independent deflater for the header-codec tests: blocks
 * written the way a SPDY peer writes them, one sync-flushed block per
 * header block.
 */
import zlib from 'node:zlib';
import { concat } from './bytes.js';

/** Writes `input` to `d`, sync-flushes, and returns the bytes that came out (one header block's worth). */
export async function syncFlushed(d: zlib.Deflate, input: Uint8Array): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  const onData = (c: Buffer) => parts.push(c);
  d.on('data', onData);
  d.write(input);
  await new Promise<void>((resolve) => d.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
  d.off('data', onData);
  return concat(...parts);
}
