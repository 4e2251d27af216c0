/**
 * The Session constructor's options: python-spdylay's keyword arguments
 * under their camelCase names, checked when the session is made. A
 * misspelt or python-style name, or a callback that is not a function,
 * would otherwise only show much later, as a callback never called or a
 * TypeError from inside memRecv.
 */
import { InvalidArgumentError } from '../errors.js';
import type { SessionConfig } from '../session/config.js';
import { checkedObject, describeValue, refuseUnknownKeys } from '../option-keys.js';
import type { AnyCtrlFrame } from './frames.js';
import type { Session } from './session.js';

export type SendCallback = (session: Session, data: Uint8Array) => number | null | undefined;
export type RecvCallback = (session: Session, length: number) => Uint8Array | null | undefined;

export interface SessionCallbacks {
  sendCb?: SendCallback;
  recvCb?: RecvCallback;
  onCtrlRecvCb?: (session: Session, frame: AnyCtrlFrame) => void;
  onInvalidCtrlRecvCb?: (session: Session, frame: AnyCtrlFrame, statusCode: number) => void;
  onDataChunkRecvCb?: (session: Session, flags: number, streamId: number, data: Uint8Array) => void;
  onDataRecvCb?: (session: Session, flags: number, streamId: number, length: number) => void;
  beforeCtrlSendCb?: (session: Session, frame: AnyCtrlFrame) => void;
  onCtrlSendCb?: (session: Session, frame: AnyCtrlFrame) => void;
  onCtrlNotSendCb?: (session: Session, frame: AnyCtrlFrame, errorCode: number) => void;
  onDataSendCb?: (session: Session, flags: number, streamId: number, length: number) => void;
  onStreamCloseCb?: (session: Session, streamId: number, statusCode: number) => void;
  onRequestRecvCb?: (session: Session, streamId: number) => void;
  onCtrlRecvParseErrorCb?: (
    session: Session,
    type: number,
    head: Uint8Array,
    payload: Uint8Array,
    errorCode: number,
  ) => void;
  onUnknownCtrlRecvCb?: (session: Session, head: Uint8Array, payload: Uint8Array) => void;
}

export interface SessionOptions extends SessionCallbacks {
  config?: SessionConfig;
  userData?: unknown;
}

// Records over the interfaces' keys, so a new callback or option cannot be left out.
const CALLBACKS: Record<keyof SessionCallbacks, true> = {
  sendCb: true,
  recvCb: true,
  onCtrlRecvCb: true,
  onInvalidCtrlRecvCb: true,
  onDataChunkRecvCb: true,
  onDataRecvCb: true,
  beforeCtrlSendCb: true,
  onCtrlSendCb: true,
  onCtrlNotSendCb: true,
  onDataSendCb: true,
  onStreamCloseCb: true,
  onRequestRecvCb: true,
  onCtrlRecvParseErrorCb: true,
  onUnknownCtrlRecvCb: true,
};
const OTHERS: Record<Exclude<keyof SessionOptions, keyof SessionCallbacks>, true> = { config: true, userData: true };
const CALLBACK_NAMES = Object.keys(CALLBACKS) as Array<keyof SessionCallbacks>;
const OPTION_NAMES = [...CALLBACK_NAMES, ...Object.keys(OTHERS)];

/**
 * Checks the options object and returns its callbacks. Throws
 * InvalidArgumentError for options that are not an object, an unknown key
 * (with the name it was probably meant as) or a callback that is not a
 * function. A callback given as undefined or null (python-spdylay's None)
 * is no callback. `config` is checked by the session machine.
 */
export function checkedCallbacks(options: SessionOptions | undefined): SessionCallbacks {
  const given = checkedObject<SessionOptions>(options, 'Session options');
  if (given === undefined) return {};
  refuseUnknownKeys(given, OPTION_NAMES, 'Session option');
  const callbacks: Record<string, unknown> = {};
  for (const name of CALLBACK_NAMES) {
    const cb: unknown = given[name];
    if (cb === undefined || cb === null) continue;
    if (typeof cb !== 'function') throw new InvalidArgumentError(`${name} must be a function, got ${describeValue(cb)}`);
    callbacks[name] = cb;
  }
  return callbacks as SessionCallbacks;
}
