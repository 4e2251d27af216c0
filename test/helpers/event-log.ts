/**
 * A recording of a Session's callbacks, in the order they fire: each entry
 * keeps the callback's name, its arguments (frames as the callback got
 * them, DATA chunks copied, since they are views valid only during the
 * call) and a short text, so a test compares the whole sequence at once:
 *
 *   expect(log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1']);
 *
 * `eventText` gives the machine's SessionEvents the same texts, so runs of
 * a Session and of a bare SessionMachine compare equal.
 */
import type { AnyCtrlFrame, SessionCallbacks } from '../../src/index.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import { dataLabel, errorName, frameLabel, frameTypeName, statusName } from './labels.js';

/** The callbacks that report events (sendCb and recvCb are I/O, not events). */
export type EventCallback = Exclude<keyof SessionCallbacks, 'sendCb' | 'recvCb'>;

export interface LogEntry {
  cb: EventCallback;
  /** The callback's arguments after `session`. */
  args: unknown[];
  text: string;
}

const frameText = (frame: AnyCtrlFrame) => frameLabel(frame.frameType, frame);

export class EventLog {
  readonly entries: LogEntry[] = [];
  private taken = 0;

  get texts(): string[] {
    return this.entries.map((e) => e.text);
  }

  /** The texts recorded since the last take(). */
  take(): string[] {
    const out = this.entries.slice(this.taken).map((e) => e.text);
    this.taken = this.entries.length;
    return out;
  }

  /** The entries of one callback, in order. */
  of(cb: EventCallback): LogEntry[] {
    return this.entries.filter((e) => e.cb === cb);
  }

  /** The frames one frame callback received, in order. */
  frames(cb: 'onCtrlRecvCb' | 'onInvalidCtrlRecvCb' | 'beforeCtrlSendCb' | 'onCtrlSendCb' | 'onCtrlNotSendCb'): AnyCtrlFrame[] {
    return this.of(cb).map((e) => e.args[0] as AnyCtrlFrame);
  }

  /**
   * Callbacks for a Session: each records, then calls `extra`'s callback of
   * the same name if there is one (so a test can also act, e.g. submit a
   * response from onRequestRecvCb). `extra.sendCb` / `extra.recvCb` are
   * passed through as they are.
   */
  callbacks(extra: SessionCallbacks = {}): SessionCallbacks {
    const record = (cb: EventCallback, args: unknown[], text: string) => this.entries.push({ cb, args, text });
    return {
      sendCb: extra.sendCb,
      recvCb: extra.recvCb,
      onCtrlRecvCb: (s, frame) => {
        record('onCtrlRecvCb', [frame], `ctrl-recv ${frameText(frame)}`);
        extra.onCtrlRecvCb?.(s, frame);
      },
      onInvalidCtrlRecvCb: (s, frame, status) => {
        record('onInvalidCtrlRecvCb', [frame, status], `invalid-ctrl-recv ${frameText(frame)} ${statusName(status)}`);
        extra.onInvalidCtrlRecvCb?.(s, frame, status);
      },
      onDataChunkRecvCb: (s, flags, streamId, data) => {
        record('onDataChunkRecvCb', [flags, streamId, data.slice()], `data-chunk-recv ${dataLabel(streamId, flags, data.length)}`);
        extra.onDataChunkRecvCb?.(s, flags, streamId, data);
      },
      onDataRecvCb: (s, flags, streamId, length) => {
        record('onDataRecvCb', [flags, streamId, length], `data-recv ${dataLabel(streamId, flags, length)}`);
        extra.onDataRecvCb?.(s, flags, streamId, length);
      },
      beforeCtrlSendCb: (s, frame) => {
        record('beforeCtrlSendCb', [frame], `before-ctrl-send ${frameText(frame)}`);
        extra.beforeCtrlSendCb?.(s, frame);
      },
      onCtrlSendCb: (s, frame) => {
        record('onCtrlSendCb', [frame], `ctrl-send ${frameText(frame)}`);
        extra.onCtrlSendCb?.(s, frame);
      },
      onCtrlNotSendCb: (s, frame, error) => {
        record('onCtrlNotSendCb', [frame, error], `ctrl-not-send ${frameText(frame)} ${errorName(error)}`);
        extra.onCtrlNotSendCb?.(s, frame, error);
      },
      onDataSendCb: (s, flags, streamId, length) => {
        record('onDataSendCb', [flags, streamId, length], `data-send ${dataLabel(streamId, flags, length)}`);
        extra.onDataSendCb?.(s, flags, streamId, length);
      },
      onStreamCloseCb: (s, streamId, status) => {
        record('onStreamCloseCb', [streamId, status], `stream-close ${streamId} ${statusName(status)}`);
        extra.onStreamCloseCb?.(s, streamId, status);
      },
      onRequestRecvCb: (s, streamId) => {
        record('onRequestRecvCb', [streamId], `request-recv ${streamId}`);
        extra.onRequestRecvCb?.(s, streamId);
      },
      onCtrlRecvParseErrorCb: (s, type, head, payload, error) => {
        record('onCtrlRecvParseErrorCb', [type, head.slice(), payload.slice(), error], `parse-error ${frameTypeName(type)} ${errorName(error)}`);
        extra.onCtrlRecvParseErrorCb?.(s, type, head, payload, error);
      },
      onUnknownCtrlRecvCb: (s, head, payload) => {
        record('onUnknownCtrlRecvCb', [head.slice(), payload.slice()], `unknown-ctrl-recv len=${payload.length}`);
        extra.onUnknownCtrlRecvCb?.(s, head, payload);
      },
    };
  }
}

/** The EventLog text of a machine event. */
export function eventText(event: SessionEvent): string {
  switch (event.type) {
    case 'ctrl-recv':
    case 'before-ctrl-send':
    case 'ctrl-send':
      return `${event.type} ${frameLabel(event.frame.type, event.frame)}`;
    case 'invalid-ctrl-recv':
      return `invalid-ctrl-recv ${frameLabel(event.frame.type, event.frame)} ${statusName(event.statusCode)}`;
    case 'ctrl-not-send':
      return `ctrl-not-send ${frameLabel(event.frame.type, event.frame)} ${errorName(event.errorCode)}`;
    case 'data-chunk-recv':
      return `data-chunk-recv ${dataLabel(event.streamId, event.flags, event.data.length)}`;
    case 'data-recv':
    case 'data-send':
      return `${event.type} ${dataLabel(event.streamId, event.flags, event.length)}`;
    case 'stream-close':
      return `stream-close ${event.streamId} ${statusName(event.statusCode)}`;
    case 'request-recv':
      return `request-recv ${event.streamId}`;
    case 'ctrl-recv-parse-error':
      return `parse-error ${frameTypeName(event.frameType)} ${errorName(event.errorCode)}`;
    case 'unknown-ctrl-recv':
      return `unknown-ctrl-recv len=${event.payload.length}`;
  }
}
