/**
 * DataProviders for tests: a body read from bytes (READ_EOF with the last
 * bytes, as python-spdylay's tests read a BytesIO), recording the `length`
 * of every readCb call so tests can check what the session asked for.
 */
import { READ_EOF } from '../../src/core/constants.js';
import { DataProvider } from '../../src/index.js';
import type { ReadControl } from '../../src/index.js';

export interface BodySource {
  bytes: Uint8Array;
  offset: number;
  /** The `length` argument of each readCb call. */
  asked: number[];
  /** The stream id of each readCb call. */
  streams: number[];
}

/**
 * Reads `bytes` in pieces of at most `length`; EOF is set with the last
 * piece (an empty body gives one empty read with EOF).
 */
export function bodyProvider(bytes: Uint8Array | number | string): DataProvider<BodySource> {
  const body =
    typeof bytes === 'number'
      ? patterned(bytes)
      : typeof bytes === 'string'
        ? new TextEncoder().encode(bytes)
        : bytes;
  const source: BodySource = { bytes: body, offset: 0, asked: [], streams: [] };
  return new DataProvider(source, readBody);
}

export function readBody(_session: unknown, streamId: number, length: number, readCtrl: ReadControl, source: BodySource): Uint8Array {
  source.asked.push(length);
  source.streams.push(streamId);
  const chunk = source.bytes.subarray(source.offset, source.offset + length);
  source.offset += chunk.length;
  if (source.offset >= source.bytes.length) readCtrl.flags = READ_EOF;
  return chunk;
}

/** `n` bytes that are not all alike (i mod 251), so misplaced bytes show. */
export function patterned(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 251;
  return out;
}
