/**
 * The session's state and the operations both directions share: the stream
 * table, ids, settings, GOAWAY flags, the outbound queue, and emitting
 * events. receive.ts and send.ts implement the two directions on top of it;
 * machine.ts is the public surface.
 */
import {
  CANCEL,
  CLIENT,
  ERR_EOF,
  OK,
  GOAWAY,
  PING,
  RST_STREAM,
  SERVER,
  SETTINGS,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import type { ControlFrameRecord } from '../frame/types.js';
import type { VersionFacts } from '../version.js';
import type { SessionEvent, SessionEventSink } from './events.js';
import { ITEM_CTRL, ITEM_DATA, OutboundQueue, PRI_PING, PRI_SETTINGS } from './outbound.js';
import type { DataSource, OutboundCtrlItem, OutboundItem } from './outbound.js';
import { defaultSettings } from './settings.js';
import { Stream } from './stream.js';
import { ACCEPT, CLOSED, Input, NONE, streamTable, transition } from './stream-table.js';
import type { StreamState, StreamTable, Transition } from './stream-table.js';
import { FlowControl } from './window.js';

/** GOAWAY bookkeeping, as spdylay's goaway_flags. */
export const GOAWAY_SEND = 1;
export const GOAWAY_RECV = 2;
/** Set by failSession: once the GOAWAY is out, the session wants no more I/O. */
export const GOAWAY_FAIL_ON_SEND = 4;

export class SessionCore {
  readonly isServer: boolean;
  readonly streams = new Map<number, Stream>();
  numOutgoingStreams = 0;
  numIncomingStreams = 0;

  /** The id the next SYN_STREAM of ours gets (assigned when it is sent). */
  nextStreamId: number;
  /** SYN_STREAMs submitted but not yet given an id: for exhaustion checks. */
  pendingSynStreams = 0;
  /** The highest stream id received from the peer in a SYN_STREAM. */
  lastRecvStreamId = 0;
  nextUniqueId: number;
  /** The id of the last PING we sent, so its echo is recognised once. */
  lastPingUniqueId = 0;

  goawayFlags = 0;
  /**
   * A GOAWAY of ours is queued (or sent). Its last-good-stream-id is fixed
   * when it is queued (API.md), so from then on streams the peer opens are
   * past it: they are ignored, as after sending, rather than processed
   * while the peer is told they were not (test: "streams opened after
   * submitGoaway, before the GOAWAY is sent, are ignored").
   */
  goawayQueued = false;
  /** From the GOAWAY we received. */
  lastGoodStreamId = 0;

  readonly localSettings = defaultSettings();
  readonly remoteSettings = defaultSettings();
  /** Every send and receive window, and the WINDOW_UPDATE policy. */
  readonly flow: FlowControl;

  /** The transport is gone (connectionLost): nothing more is read or written. */
  transportLost = false;

  /** The stream state machine for this version. */
  private readonly table: StreamTable;

  readonly queue = new OutboundQueue();
  private nextSeq = 0;

  /** The first exception a callback threw during the current call, rethrown at its end. */
  pendingError: { error: unknown } | null = null;

  constructor(
    readonly side: typeof CLIENT | typeof SERVER,
    readonly facts: VersionFacts,
    private readonly sink: SessionEventSink,
    autoWindowUpdate: boolean,
    sessionWindowOverrunTolerance: number,
  ) {
    this.isServer = side === SERVER;
    this.table = streamTable(facts.wireVersion);
    this.nextStreamId = this.isServer ? 2 : 1;
    this.nextUniqueId = this.isServer ? 2 : 1;
    this.flow = new FlowControl(
      facts,
      this.localSettings,
      this.remoteSettings,
      autoWindowUpdate,
      sessionWindowOverrunTolerance,
      (streamId, deltaWindowSize) => this.addWindowUpdate(streamId, deltaWindowSize),
    );
  }

  /**
   * Hands an event to the sink. A throwing consumer must not leave the
   * machine half way through a frame, so the exception is kept and rethrown
   * when the current memRecv/memSend call has finished its work.
   */
  emit(event: SessionEvent): void {
    try {
      this.sink(event);
    } catch (error) {
      if (this.pendingError === null) this.pendingError = { error };
    }
  }

  /** Rethrows the exception a callback raised during this call, if any. */
  rethrowPending(): void {
    const pending = this.pendingError;
    if (pending !== null) {
      this.pendingError = null;
      throw pending.error;
    }
  }

  isMyStreamId(streamId: number): boolean {
    if (streamId === 0) return false;
    return (streamId % 2 === 0) === this.isServer;
  }

  /** True when the peer may open `streamId` now: its parity, above every id it used. */
  isNewPeerStreamId(streamId: number): boolean {
    if (streamId === 0) return false;
    return (streamId % 2 === 1) === this.isServer && streamId > this.lastRecvStreamId;
  }

  get outgoingStreamsAtMax(): boolean {
    return this.remoteSettings[SETTINGS_MAX_CONCURRENT_STREAMS]! <= this.numOutgoingStreams;
  }

  get incomingStreamsAtMax(): boolean {
    return this.localSettings[SETTINGS_MAX_CONCURRENT_STREAMS]! <= this.numIncomingStreams;
  }

  openStream(streamId: number, flags: number, pri: number, state: StreamState, userData: unknown): Stream {
    const stream = new Stream(streamId, flags, pri, state, this.flow.openStream(), userData);
    this.streams.set(streamId, stream);
    if (this.isMyStreamId(streamId)) this.numOutgoingStreams++;
    else this.numIncomingStreams++;
    return stream;
  }

  /**
   * Removes a stream and reports it closed. A DATA item still deferred on it
   * is dropped with it: its stream is gone.
   */
  closeStream(streamId: number, statusCode: number): boolean {
    const stream = this.streams.get(streamId);
    // A stream whose close is being reported counts as closed: a callback
    // that closes it again (say, by feeding memRecv an RST_STREAM for it)
    // must not report it twice or count it out twice.
    if (stream === undefined || stream.closeReported) return false;
    // spdylay calls on_stream_close before removing the stream, so the
    // callback can still read its user data (getStreamUserData).
    stream.closeReported = true;
    this.emit({ type: 'stream-close', streamId, statusCode });
    this.streams.delete(streamId);
    if (this.isMyStreamId(streamId)) this.numOutgoingStreams--;
    else this.numIncomingStreams--;
    stream.detachDeferred();
    return true;
  }

  /**
   * The stream table's transition for `input` on stream `streamId` in
   * `state` (NONE when there is no such stream).
   */
  rule(streamId: number, state: number, input: Input): Transition {
    return transition(this.isMyStreamId(streamId) ? this.table.ours : this.table.theirs, state, input);
  }

  /** The transition for `input` on `stream`, or on no stream. */
  ruleFor(streamId: number, stream: Stream | undefined, input: Input): Transition {
    return this.rule(streamId, stream === undefined ? NONE : stream.state, input);
  }

  /**
   * Looks `input` up for `stream` and carries it out if accepted: the
   * stream takes the new state, or closes (reported with `statusCode`).
   * A stream already reported closed stays as it is.
   */
  step(stream: Stream, input: Input, statusCode = OK): Transition {
    const next = this.rule(stream.id, stream.state, input);
    if (next.verdict !== ACCEPT || stream.closeReported) return next;
    if (next.to === CLOSED) this.closeStream(stream.id, statusCode);
    else stream.state = next.to as StreamState;
    return next;
  }

  /** Closes the streams pushed in association with `streamId` (spdylay does on CANCEL). */
  closePushedStreams(streamId: number, statusCode: number): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    if (stream.pushed !== null) for (const pushed of stream.pushed) this.closeStream(pushed, statusCode);
  }

  /** Queues a control frame with spdylay's priority for its type. */
  addControl(
    frame: ControlFrameRecord,
    extra?: Partial<Pick<OutboundCtrlItem, 'dataSource' | 'streamUserData' | 'block'>>,
  ): OutboundCtrlItem {
    const item: OutboundCtrlItem = {
      kind: ITEM_CTRL,
      pri: this.controlPriority(frame),
      seq: this.nextSeq++,
      frame,
      dataSource: extra?.dataSource ?? null,
      streamUserData: extra?.streamUserData ?? null,
      block: extra?.block ?? null,
    };
    this.queue.push(item);
    return item;
  }

  addData(streamId: number, flags: number, source: DataSource): void {
    const stream = this.streams.get(streamId);
    this.queue.push({
      kind: ITEM_DATA,
      pri: stream?.pri ?? this.facts.priLowest,
      seq: this.nextSeq++,
      streamId,
      flags,
      source,
      eof: false,
    });
  }

  /** Puts an item back behind everything of its priority (round robin between streams). */
  requeue(item: OutboundItem): void {
    item.seq = this.nextSeq++;
    this.queue.push(item);
  }

  /**
   * Queues RST_STREAM. spdylay marks the stream CLOSING at once, so that
   * frames for it are dropped, not sent or reported, until it goes out.
   */
  addRstStream(streamId: number, statusCode: number): void {
    const stream = this.streams.get(streamId);
    if (stream !== undefined) this.step(stream, Input.QUEUE_RST_STREAM);
    this.addControl({ type: RST_STREAM, version: this.facts.wireVersion, flags: 0, length: 0, streamId, statusCode });
  }

  addPing(uniqueId: number): void {
    this.addControl({ type: PING, version: this.facts.wireVersion, flags: 0, length: 0, uniqueId });
  }

  addGoaway(lastGoodStreamId: number, statusCode: number): void {
    this.goawayQueued = true;
    this.addControl({
      type: GOAWAY,
      version: this.facts.wireVersion,
      flags: 0,
      length: 0,
      lastGoodStreamId,
      statusCode,
    });
  }

  addWindowUpdate(streamId: number, deltaWindowSize: number): void {
    this.addControl({
      type: WINDOW_UPDATE,
      version: this.facts.wireVersion,
      flags: 0,
      length: 0,
      streamId,
      deltaWindowSize,
    });
  }

  /**
   * Ends the session with a GOAWAY (spdylay's fail_session): once it is
   * sent, the session wants neither read nor write. The GOAWAY names the
   * last stream the peer opened, as submitGoaway does.
   */
  failSession(statusCode: number): void {
    this.goawayFlags |= GOAWAY_FAIL_ON_SEND;
    this.addGoaway(this.lastRecvStreamId, statusCode);
  }

  /**
   * Requeues DATA that waited for window, on one stream or all. Like
   * spdylay, an item goes back once its stream window is open; if the
   * session window is still closed it is simply deferred again.
   */
  resumeDeferredByWindow(only?: Stream): void {
    const streams = only === undefined ? this.streams.values() : [only];
    for (const stream of streams) {
      if (stream.deferred !== null && stream.deferredByFlowControl && this.flow.mayResume(stream)) {
        this.queue.push(stream.detachDeferred()!);
      }
    }
  }

  /**
   * The transport ended (EOF or an error): nothing more will be read or
   * written. Every open stream closes with CANCEL, as Node's http2 closes
   * the streams of a session destroyed under them, so nothing waits on a
   * stream that can no longer finish; every SYN_STREAM still queued is
   * reported not sent with ERR_EOF, since it will never get an id. spdylay
   * has no such input (its application frees the session), so these
   * callbacks are ours (test: "connectionLost closes open streams with
   * CANCEL and reports queued SYN_STREAMs").
   */
  connectionLost(): void {
    if (this.transportLost) return;
    this.transportLost = true;
    for (const item of this.queue.drain()) {
      if (item.kind === ITEM_CTRL && item.frame.type === SYN_STREAM) {
        this.pendingSynStreams--;
        this.emit({ type: 'ctrl-not-send', frame: item.frame, errorCode: ERR_EOF, streamUserData: item.streamUserData });
      }
    }
    for (const stream of [...this.streams.values()]) this.closeStream(stream.id, CANCEL);
  }

  /** True once a failing GOAWAY has gone out, or the transport is gone: the session is over. */
  get isTerminated(): boolean {
    if (this.transportLost) return true;
    return (this.goawayFlags & (GOAWAY_FAIL_ON_SEND | GOAWAY_SEND)) === (GOAWAY_FAIL_ON_SEND | GOAWAY_SEND);
  }

  private controlPriority(frame: ControlFrameRecord): number {
    switch (frame.type) {
      case SETTINGS:
        return PRI_SETTINGS;
      case PING:
        return PRI_PING;
      case GOAWAY:
        return this.facts.priLowest;
      case SYN_STREAM:
        return frame.pri;
      default: {
        if ('streamId' in frame) {
          const stream = this.streams.get(frame.streamId);
          if (stream !== undefined) return stream.pri;
        }
        return this.facts.priLowest;
      }
    }
  }
}
