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
 * while the stream is waiting (python-spdylay's tests do). A readCb that is
 * not a function is refused when it is given, not when DATA is due.
 */
import { InvalidArgumentError } from '../errors.js';
import { describeValue } from '../option-keys.js';
import type { ReadControl } from '../session/outbound.js';
import type { Session } from './session.js';

export type ReadCallback<S = unknown> = (
  session: Session,
  streamId: number,
  length: number,
  readCtrl: ReadControl,
  source: S,
) => Uint8Array | number | null | undefined;

export class DataProvider<S = unknown> {
  private _readCb: ReadCallback<S>;

  constructor(
    public source: S,
    readCb: ReadCallback<S>,
  ) {
    this._readCb = checkedReadCb(readCb);
  }

  get readCb(): ReadCallback<S> {
    return this._readCb;
  }

  set readCb(readCb: ReadCallback<S>) {
    this._readCb = checkedReadCb(readCb);
  }
}

function checkedReadCb<S>(readCb: ReadCallback<S>): ReadCallback<S> {
  if (typeof readCb !== 'function') {
    throw new InvalidArgumentError(`DataProvider needs a readCb function, got ${describeValue(readCb)}`);
  }
  return readCb;
}

export type { ReadControl };
