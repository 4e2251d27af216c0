/**
 * The sending half of the session: picks the next outbound item, checks it
 * against the stream table (stream-table.ts) and the session's state,
 * encodes it, and applies its effects once it has been written. Follows
 * spdylay_session_prep_frame and spdylay_session_after_frame_sent.
 *
 * Every check happens before header compression: a frame that is refused is
 * never compressed, so the peer's inflater stays in step with every frame we
 * do send.
 */
import {
  CANCEL,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  ERR_DEFERRED,
  ERR_DEFERRED_DATA_EXIST,
  ERR_FRAME_TOO_LARGE,
  ERR_GOAWAY_ALREADY_SENT,
  ERR_STREAM_CLOSED,
  ERR_STREAM_ID_NOT_AVAILABLE,
  ERR_SYN_STREAM_NOT_ALLOWED,
  GOAWAY,
  GOAWAY_INTERNAL_ERROR,
  HEADERS,
  INTERNAL_ERROR,
  PING,
  READ_EOF,
  RST_STREAM,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import { CallbackFailureError, TemporalCallbackFailureError } from '../errors.js';
import { encodeControlFrame, encodeDataHead } from '../frame/encoder.js';
import type { HeaderBlockEncoder } from '../header-codec.js';
import { ERROR_CODES } from '../names.js';
import { MAX_31BIT } from '../wire.js';
import type { SessionState } from './session-state.js';
import { ITEM_CTRL } from './outbound.js';
import type { OutboundCtrlItem, OutboundDataItem, OutboundItem } from './outbound.js';
import type { CtrlNotSendEvent } from './events.js';
import { Input, NONE } from './stream-table.js';
import type { StreamState } from './stream-table.js';
import type { Stream } from './stream.js';

/**
 * A frame encoded and ready to be written: control frames in `head` alone,
 * DATA as head plus payload view. The machine hands it out as its public
 * PreparedFrame (spdylay's prep_frame prepares what this encodes).
 */
export interface EncodedFrame {
  readonly item: OutboundItem;
  readonly head: Uint8Array;
  /** DATA payload, a view of what the data source returned (never copied). */
  readonly payload: Uint8Array | null;
  /** head.length + payload length. */
  readonly length: number;
  /** DATA: the flags as sent (FIN only on the last frame). */
  readonly dataFlags: number;
}

export class Sender {
  /** A DATA item that keeps the line because nothing of higher priority waits (spdylay's DATA chain). */
  private continued: OutboundDataItem | null = null;
  /** Items whose source gave no bytes and no EOF: retried on the next pass, so a pass never spins (null: none). */
  private yielded: OutboundDataItem[] | null = null;
  /**
   * A header frame whose block a deferring codec is compressing: the pass
   * stops there and takes it up again, first, once the codec has answered.
   */
  private awaiting: OutboundCtrlItem | null = null;

  constructor(
    private readonly session: SessionState,
    private readonly headers: HeaderBlockEncoder,
    private readonly dataChunkSize: number,
    /** With a deferring codec: says whether encode()'s null meant "not yet" rather than "too large". */
    private readonly deferral: { readonly deferred: boolean } | null = null,
  ) {}

  /** True while a header frame waits for a deferring codec's answer. */
  get awaitingCodec(): boolean {
    return this.awaiting !== null;
  }

  /** True when a call to next() could produce a frame. */
  get hasPending(): boolean {
    return this.awaiting !== null || this.continued !== null || this.yielded !== null || this.session.hasSendable;
  }

  /** Starts a send pass: sources that yielded in the last pass get another turn. */
  beginPass(): void {
    const yielded = this.yielded;
    if (yielded === null) return;
    this.yielded = null;
    for (const item of yielded) this.session.requeue(item);
  }

  /** Checks and encodes the next frame, or returns null when nothing can be sent now. */
  next(): EncodedFrame | null {
    const session = this.session;
    for (;;) {
      let item: OutboundItem | undefined;
      if (this.awaiting !== null) {
        // Taken up again where the pass stopped (its state has not moved since).
        item = this.awaiting;
        this.awaiting = null;
      } else {
        if (this.continued !== null) {
          item = this.continued;
          this.continued = null;
        } else {
          item = session.takeNext();
        }
        if (item === undefined) return null;
      }
      const frame = item.kind === ITEM_CTRL ? this.encodeControl(item) : this.encodeData(item);
      if (frame !== null) return frame;
      if (this.awaiting !== null) return null;
    }
  }

  /** Applies the effects of a frame that has been written completely. */
  sent(frame: EncodedFrame): void {
    const item = frame.item;
    if (item.kind === ITEM_CTRL) this.controlSent(item);
    else this.dataSent(item, frame);
  }

  // ---- control frames ----

  private encodeControl(item: OutboundCtrlItem): EncodedFrame | null {
    const session = this.session;
    const frame = item.frame;
    const refusal = this.controlRefusal(item);
    if (refusal !== 0) {
      // The library owns WINDOW_UPDATE: its failures are not the application's news.
      if (frame.type !== WINDOW_UPDATE) session.emit(notSent(item, refusal));
      return null;
    }
    let assignedId = 0;
    if (frame.type === SYN_STREAM) {
      assignedId = session.ids.nextStreamId;
      frame.streamId = assignedId;
    }
    const bytes = encodeControlFrame(session.facts, frame, item.block, this.headers);
    if (bytes === null) {
      // Refused for size before anything was compressed: the stream id stays unused.
      if (frame.type === SYN_STREAM) frame.streamId = 0;
      if (this.deferral?.deferred) {
        // Not refused: compressing elsewhere. Nothing has changed yet.
        this.awaiting = item;
        return null;
      }
      session.emit(notSent(item, ERR_FRAME_TOO_LARGE));
      return null;
    }
    if (frame.type === SYN_STREAM) {
      session.ids.streamIdUsed();
      const state = session.rule(assignedId, NONE, Input.SEND_SYN_STREAM).to as StreamState;
      session.openStream(assignedId, frame.pri, state, item.streamUserData);
      if (frame.assocStreamId !== 0) session.streams.get(frame.assocStreamId)?.addPushed(assignedId);
    }
    session.emit({ type: 'before-ctrl-send', frame });
    return { item, head: bytes, payload: null, length: bytes.length, dataFlags: 0 };
  }

  /** 0 when `item` may be sent now, else spdylay's reason (an ERR_* code). */
  private controlRefusal(item: OutboundCtrlItem): number {
    const session = this.session;
    const frame = item.frame;
    switch (frame.type) {
      case SYN_STREAM:
        // After GOAWAY either way, no new streams (draft 3 §2.6.6).
        if (session.goaway.any) return ERR_SYN_STREAM_NOT_ALLOWED;
        if (session.ids.nextStreamId > MAX_31BIT) return ERR_STREAM_ID_NOT_AVAILABLE;
        if (frame.assocStreamId !== 0 && !session.streams.has(frame.assocStreamId)) return ERR_STREAM_CLOSED;
        return 0;
      case SYN_REPLY:
        return session.ruleFor(frame.streamId, session.streams.get(frame.streamId), Input.SEND_SYN_REPLY).verdict;
      case HEADERS:
        return session.ruleFor(frame.streamId, session.streams.get(frame.streamId), Input.SEND_HEADERS).verdict;
      case WINDOW_UPDATE:
        // Stream 0 is the session window (SPDY/3.1), there whatever the streams.
        if (frame.streamId === 0 && session.facts.sessionFlowControl) return 0;
        return session.ruleFor(frame.streamId, session.streams.get(frame.streamId), Input.SEND_WINDOW_UPDATE).verdict;
      case GOAWAY:
        return session.goaway.sent ? ERR_GOAWAY_ALREADY_SENT : 0;
      default:
        return 0;
    }
  }

  private controlSent(item: OutboundCtrlItem): void {
    const session = this.session;
    const frame = item.frame;
    session.emit({ type: 'ctrl-send', frame });
    switch (frame.type) {
      case SYN_STREAM: {
        const stream = session.streams.get(frame.streamId);
        if (stream === undefined) return;
        session.step(stream, Input.SENT_SYN_STREAM);
        if (frame.flags & CTRL_FLAG_FIN) session.step(stream, Input.SENT_FIN);
        // Unidirectional: the peer will send nothing, so its half is done too.
        if (frame.flags & CTRL_FLAG_UNIDIRECTIONAL) session.step(stream, Input.RECV_FIN);
        if (item.dataSource !== null && session.streams.has(frame.streamId)) {
          session.addData(frame.streamId, DATA_FLAG_FIN, item.dataSource);
        }
        return;
      }
      case SYN_REPLY: {
        const stream = session.streams.get(frame.streamId);
        if (stream === undefined) return;
        session.step(stream, Input.SENT_SYN_REPLY);
        if (frame.flags & CTRL_FLAG_FIN) session.step(stream, Input.SENT_FIN);
        if (item.dataSource !== null && session.streams.has(frame.streamId)) {
          session.addData(frame.streamId, DATA_FLAG_FIN, item.dataSource);
        }
        return;
      }
      case HEADERS: {
        const stream = session.streams.get(frame.streamId);
        if (stream === undefined) return;
        if (frame.flags & CTRL_FLAG_FIN) session.step(stream, Input.SENT_FIN);
        return;
      }
      case RST_STREAM: {
        // A client cancelling its stream cancels what was pushed for it too.
        if (!session.isServer && session.isMyStreamId(frame.streamId) && frame.statusCode === CANCEL) {
          session.closePushedStreams(frame.streamId, frame.statusCode);
        }
        const stream = session.streams.get(frame.streamId);
        if (stream !== undefined) session.step(stream, Input.SENT_RST_STREAM, frame.statusCode);
        return;
      }
      case PING:
        session.ids.pingSent(frame.uniqueId);
        return;
      case GOAWAY:
        session.goaway.markSent();
        return;
      case WINDOW_UPDATE:
        session.flow.windowUpdateSent(frame.streamId, session.streams.get(frame.streamId), frame.deltaWindowSize);
        return;
      default:
        return;
    }
  }

  // ---- DATA ----

  private encodeData(item: OutboundDataItem): EncodedFrame | null {
    const session = this.session;
    const stream = session.streams.get(item.streamId);
    if (this.dataRefusal(stream, item) !== 0) return null; // Dropped: DATA has no not-send callback.
    const live = stream!;
    const max = session.flow.sendable(live, this.dataChunkSize);
    if (max === 0) {
      live.deferData(item, true);
      return null;
    }
    const control = { flags: 0 };
    let result: Uint8Array | number;
    try {
      result = item.source.read(item.streamId, max, control);
    } catch (error) {
      this.readFailed(item, error);
      return null;
    }
    if (result === ERR_DEFERRED) {
      live.deferData(item, false);
      return null;
    }
    if (typeof result === 'number' || !(result instanceof Uint8Array) || result.length > max) {
      this.readFailed(item, new CallbackFailureError(`data source for stream ${item.streamId} returned ${describe(result)}; it may return at most ${max} bytes, or ERR_DEFERRED`));
      return null;
    }
    const eof = (control.flags & READ_EOF) !== 0;
    if (result.length === 0 && !eof) {
      // Nothing now but more later: wait for the next pass instead of sending
      // empty frames in a loop (spdylay would spin here).
      (this.yielded ??= []).push(item);
      return null;
    }
    if (eof) item.eof = true;
    const flags = eof && item.flags & DATA_FLAG_FIN ? DATA_FLAG_FIN : 0;
    session.flow.spend(live, result.length);
    const head = encodeDataHead(item.streamId, flags, result.length);
    return { item, head, payload: result, length: head.length + result.length, dataFlags: flags };
  }

  /** 0 when the DATA item may be sent now (its refusals are silent, so the code only tells). */
  private dataRefusal(stream: Stream | undefined, item: OutboundDataItem): number {
    const refusal = this.session.ruleFor(item.streamId, stream, Input.SEND_DATA).verdict;
    if (refusal !== 0) return refusal;
    // One DATA item per stream at a time (spdylay's deferred_data).
    return stream!.deferred !== null && stream!.deferred !== item ? ERR_DEFERRED_DATA_EXIST : 0;
  }

  /**
   * A data source threw. TemporalCallbackFailureError resets the stream with
   * INTERNAL_ERROR and the session goes on. Anything else fails the session:
   * a GOAWAY is queued and the exception is rethrown by the current call.
   */
  private readFailed(item: OutboundDataItem, error: unknown): void {
    const session = this.session;
    if (error instanceof TemporalCallbackFailureError) {
      session.addRstStream(item.streamId, INTERNAL_ERROR);
      return;
    }
    session.keepError(error);
    session.failSession(GOAWAY_INTERNAL_ERROR, `the data source of stream ${item.streamId} threw`);
  }

  private dataSent(item: OutboundDataItem, frame: EncodedFrame): void {
    const session = this.session;
    const payloadLength = frame.length - frame.head.length;
    session.emit({ type: 'data-send', flags: frame.dataFlags, streamId: item.streamId, length: payloadLength });
    const stream = session.streams.get(item.streamId);
    if (item.eof && item.flags & DATA_FLAG_FIN && stream !== undefined) session.step(stream, Input.SENT_FIN);
    if (item.eof || this.dataRefusal(session.streams.get(item.streamId), item) !== 0) return;
    // Keep the line while nothing of strictly higher priority waits; otherwise
    // go behind the others of our priority (round robin, as spdylay).
    const waiting = session.peekNext();
    if (waiting === undefined || item.pri < waiting.pri) this.continued = item;
    else session.requeue(item);
  }
}

/** The ctrl-not-send event for `item`; a SYN_STREAM's carries its stream user data. */
export function notSent(item: OutboundCtrlItem, errorCode: number): CtrlNotSendEvent {
  const event: CtrlNotSendEvent = { type: 'ctrl-not-send', frame: item.frame, errorCode };
  if (item.frame.type === SYN_STREAM) event.streamUserData = item.streamUserData;
  return event;
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value !== 'number') return typeof value;
  const name = ERROR_CODES.get(value);
  return name === undefined ? `the number ${value}` : `${name} (${value})`;
}
