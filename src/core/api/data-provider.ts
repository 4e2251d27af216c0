/**
 * python-spdylay's DataProvider: where a stream's DATA comes from.
 *
 * `readCb(session, streamId, length, readCtrl, source)` returns at most
 * `length` bytes (4096 unless the session's config.dataChunkSize says
 * otherwise), or ERR_DEFERRED to pause until session.resumeData(streamId).
 * Set `readCtrl.flags = READ_EOF` with the last bytes. Returning no bytes
 * without EOF sends nothing and asks again on the next send pass. Throwing
 * TemporalCallbackFailureError resets the stream with INTERNAL_ERROR;
 * throwing anything else fails the session (GOAWAY INTERNAL_ERROR) and the
 * exception comes out of send()/memSend().
 *
 * `source` and `readCb` are read at every call, so they may be replaced
 * while the stream is waiting (python-spdylay's tests do).
 */
import type { ReadControl } from '../session/outbound.js';

export type ReadCallback<S = any> = (
  session: any,
  streamId: number,
  length: number,
  readCtrl: ReadControl,
  source: S,
) => Uint8Array | number | null | undefined;

export class DataProvider<S = unknown> {
  constructor(
    public source: S,
    public readCb: ReadCallback<S>,
  ) {}
}

export type { ReadControl };
