/**
 * What the session machine reports: one event per spdylay callback, emitted
 * at the moment spdylay would call it, with the session's state consistent.
 * Plain data (no methods), so events can be recorded, compared, or sent
 * across a worker boundary; `switch (event.type)` is exhaustive.
 *
 * Byte fields may be views of the caller's input or of memory the machine
 * reuses: valid only while the event is being handled. Copy to keep.
 */
import type { ControlFrameRecord } from '../frame/types.js';

export interface CtrlRecvEvent {
  type: 'ctrl-recv';
  frame: ControlFrameRecord;
}
export interface InvalidCtrlRecvEvent {
  type: 'invalid-ctrl-recv';
  frame: ControlFrameRecord;
  statusCode: number;
}
export interface DataChunkRecvEvent {
  type: 'data-chunk-recv';
  flags: number;
  streamId: number;
  data: Uint8Array;
}
export interface DataRecvEvent {
  type: 'data-recv';
  flags: number;
  streamId: number;
  length: number;
}
export interface BeforeCtrlSendEvent {
  type: 'before-ctrl-send';
  frame: ControlFrameRecord;
}
export interface CtrlSendEvent {
  type: 'ctrl-send';
  frame: ControlFrameRecord;
}
export interface CtrlNotSendEvent {
  type: 'ctrl-not-send';
  frame: ControlFrameRecord;
  errorCode: number;
  /**
   * A SYN_STREAM's stream user data (it never got a stream id, so
   * getStreamUserData cannot find it); undefined for other frames.
   */
  streamUserData?: unknown;
}
export interface DataSendEvent {
  type: 'data-send';
  flags: number;
  streamId: number;
  length: number;
}
export interface StreamCloseEvent {
  type: 'stream-close';
  streamId: number;
  statusCode: number;
}
export interface RequestRecvEvent {
  type: 'request-recv';
  streamId: number;
}
export interface CtrlRecvParseErrorEvent {
  type: 'ctrl-recv-parse-error';
  frameType: number;
  head: Uint8Array;
  payload: Uint8Array;
  errorCode: number;
}
export interface UnknownCtrlRecvEvent {
  type: 'unknown-ctrl-recv';
  head: Uint8Array;
  payload: Uint8Array;
}

export type SessionEvent =
  | CtrlRecvEvent
  | InvalidCtrlRecvEvent
  | DataChunkRecvEvent
  | DataRecvEvent
  | BeforeCtrlSendEvent
  | CtrlSendEvent
  | CtrlNotSendEvent
  | DataSendEvent
  | StreamCloseEvent
  | RequestRecvEvent
  | CtrlRecvParseErrorEvent
  | UnknownCtrlRecvEvent;

export type SessionEventType = SessionEvent['type'];

/** Receives every event the machine emits, synchronously, in order. */
export type SessionEventSink = (event: SessionEvent) => void;
