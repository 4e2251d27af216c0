/**
 * The session's state, shared by both directions: the open streams and
 * their table, the outbound queue, events out, whether input is still
 * read, and the owners of the rest — ids (ids.ts), GOAWAY (goaway.ts),
 * SETTINGS (settings.ts), windows (window.ts), the replies owed
 * (reply-backlog.ts) and the peer's stream resets (reset-budget.ts).
 * receive.ts and send.ts implement the two directions through its named
 * operations; machine.ts is the public surface. Nothing outside writes
 * its fields.
 */
import {
  CANCEL,
  CLIENT,
  ERR_EOF,
  GOAWAY,
  GOAWAY_OK,
  OK,
  PING,
  RST_STREAM,
  SERVER,
  SETTINGS,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../constants.js';
import type { ControlFrameRecord, HeaderFrameRecord } from '../frame/types.js';
import type { PreparedHeaderBlock } from '../header-codec.js';
import type { VersionFacts } from '../version.js';
import type { ResolvedConfig } from './config.js';
import type { SessionEvent, SessionEventSink } from './events.js';
import { GoawayState } from './goaway.js';
import { SessionIds } from './ids.js';
import { ITEM_CTRL, ITEM_DATA, OutboundQueue, PRI_PING, PRI_SETTINGS } from './outbound.js';
import type { DataSource, OutboundCtrlItem, OutboundItem } from './outbound.js';
import { ReplyBacklog } from './reply-backlog.js';
import { ResetBudget } from './reset-budget.js';
import { Settings } from './settings.js';
import { Stream } from './stream.js';
import { StreamMap } from './stream-map.js';
import type { ReadonlyStreamMap } from './stream-map.js';
import { ACCEPT, CLOSED, Input, NONE, streamTable, transition } from './stream-table.js';
import type { StreamState, StreamTable, Transition } from './stream-table.js';
import { FlowControl } from './window.js';

export class SessionState {
  readonly ids: SessionIds;
  readonly goaway = new GoawayState();
  readonly settings = new Settings();
  /** Every send and receive window, and the WINDOW_UPDATE policy. */
  readonly flow: FlowControl;
  /** The replies owed to the peer that wait in the queue, and their bound. */
  readonly replies: ReplyBacklog;
  /** How many more of its streams the peer may reset before the session ends. */
  readonly peerResets: ResetBudget;

  /** Not a Map: one with a set and a delete per request churns the GC (stream-map.ts says how). */
  private readonly openStreams = new StreamMap<Stream>();
  private outgoingStreams = 0;
  private incomingStreams = 0;
  /** The stream state machine for this version. */
  private readonly table: StreamTable;

  private readonly queue = new OutboundQueue();
  private nextSeq = 0;

  /** The transport is gone (connectionLost): nothing more is read or written. */
  private lost = false;
  /** Input has ended for good: every byte received from now on is dropped unread. */
  private inputOver = false;
  /** Told once, when input ends (the machine stops its frame decoder). */
  private inputEndListener: (() => void) | null = null;
  /** The first exception a callback threw during the current call, rethrown at its end. */
  private pendingError: { error: unknown } | null = null;

  constructor(
    side: typeof CLIENT | typeof SERVER,
    readonly facts: VersionFacts,
    private readonly sink: SessionEventSink,
    config: Pick<ResolvedConfig, 'autoWindowUpdate' | 'sessionWindowOverrunTolerance' | 'maxQueuedReplies' | 'maxPeerStreamResets'>,
  ) {
    this.ids = new SessionIds(side === SERVER);
    this.table = streamTable(facts.wireVersion);
    this.flow = new FlowControl(facts, this, config.autoWindowUpdate, config.sessionWindowOverrunTolerance);
    this.replies = new ReplyBacklog(config.maxQueuedReplies);
    this.peerResets = new ResetBudget(config.maxPeerStreamResets);
  }

  get isServer(): boolean {
    return this.ids.isServer;
  }

  // ---- events ----

  /**
   * Hands an event to the sink. A throwing consumer must not leave the
   * machine half way through a frame, so the exception is kept and rethrown
   * when the current memRecv/memSend call has finished its work.
   */
  emit(event: SessionEvent): void {
    try {
      this.sink(event);
    } catch (error) {
      this.keepError(error);
    }
  }

  /** Keeps the first exception of the current call, to be rethrown at its end. */
  keepError(error: unknown): void {
    if (this.pendingError === null) this.pendingError = { error };
  }

  get hasPendingError(): boolean {
    return this.pendingError !== null;
  }

  /** Rethrows the exception a callback raised during this call, if any. */
  rethrowPending(): void {
    const pending = this.pendingError;
    if (pending !== null) {
      this.pendingError = null;
      throw pending.error;
    }
  }

  // ---- streams ----

  /** The open streams (half-closed included), by id. */
  get streams(): ReadonlyStreamMap<Stream> {
    return this.openStreams;
  }

  isMyStreamId(streamId: number): boolean {
    return this.ids.isMyStreamId(streamId);
  }

  /** The peer's MAX_CONCURRENT_STREAMS is reached: our next SYN_STREAM waits. */
  get outgoingStreamsAtMax(): boolean {
    return this.settings.remote(SETTINGS_MAX_CONCURRENT_STREAMS) <= this.outgoingStreams;
  }

  /** Ours is reached: the peer's next stream is refused. */
  get incomingStreamsAtMax(): boolean {
    return this.settings.local(SETTINGS_MAX_CONCURRENT_STREAMS) <= this.incomingStreams;
  }

  openStream(streamId: number, pri: number, state: StreamState, userData: unknown): Stream {
    const stream = new Stream(streamId, pri, state, this.flow.openStream(), userData);
    this.openStreams.set(streamId, stream);
    if (this.isMyStreamId(streamId)) this.outgoingStreams++;
    else this.incomingStreams++;
    return stream;
  }

  /**
   * Removes a stream and reports it closed. A DATA item still deferred on it
   * is dropped with it: its stream is gone.
   */
  closeStream(streamId: number, statusCode: number): boolean {
    const stream = this.openStreams.get(streamId);
    // A stream whose close is being reported counts as closed: a callback
    // that closes it again (say, by feeding memRecv an RST_STREAM for it)
    // must not report it twice or count it out twice.
    if (stream === undefined || stream.closeReported) return false;
    // spdylay calls on_stream_close before removing the stream, so the
    // callback can still read its user data (getStreamUserData).
    stream.closeReported = true;
    this.emit({ type: 'stream-close', streamId, statusCode });
    this.openStreams.delete(streamId);
    if (this.isMyStreamId(streamId)) this.outgoingStreams--;
    else {
      this.incomingStreams--;
      if (statusCode === OK) this.peerResets.refund();
    }
    stream.detachDeferred();
    return true;
  }

  /** Closes the streams pushed in association with `streamId` (spdylay does on CANCEL). */
  closePushedStreams(streamId: number, statusCode: number): void {
    const stream = this.openStreams.get(streamId);
    if (stream === undefined) return;
    if (stream.pushed !== null) for (const pushed of stream.pushed) this.closeStream(pushed, statusCode);
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

  // ---- the outbound queue ----

  /**
   * Queues a control frame with spdylay's priority for its type; `reply`
   * when it answers the peer (counted against maxQueuedReplies).
   */
  addControl(frame: ControlFrameRecord, reply = false): void {
    this.queueControl(frame, null, null, null, reply);
  }

  /**
   * Queues a header frame with the block the codec prepared for it, the
   * body to send once it is out (SYN_STREAM, SYN_REPLY), and a
   * SYN_STREAM's stream user data.
   */
  addHeaderFrame(frame: HeaderFrameRecord, block: PreparedHeaderBlock, dataSource: DataSource | null, streamUserData: unknown): void {
    this.queueControl(frame, dataSource, streamUserData, block, false);
  }

  // Positional rather than an options object: one object fewer per frame.
  private queueControl(
    frame: ControlFrameRecord,
    dataSource: DataSource | null,
    streamUserData: unknown,
    block: PreparedHeaderBlock | null,
    reply: boolean,
  ): void {
    const item: OutboundCtrlItem = {
      kind: ITEM_CTRL,
      pri: this.controlPriority(frame),
      seq: this.nextSeq++,
      frame,
      dataSource,
      streamUserData,
      block,
      reply,
    };
    if (frame.type === SYN_STREAM) this.ids.synStreamQueued();
    if (reply) this.replies.added();
    this.queue.push(item);
  }

  addData(streamId: number, flags: number, source: DataSource): void {
    const stream = this.openStreams.get(streamId);
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

  /**
   * Queues RST_STREAM. spdylay marks the stream CLOSING at once, so that
   * frames for it are dropped, not sent or reported, until it goes out.
   */
  addRstStream(streamId: number, statusCode: number, reply = false): void {
    const stream = this.openStreams.get(streamId);
    if (stream !== undefined) this.step(stream, Input.QUEUE_RST_STREAM);
    this.addControl({ type: RST_STREAM, version: this.facts.wireVersion, flags: 0, length: 0, streamId, statusCode }, reply);
  }

  /** RST_STREAM in answer to a frame of the peer's: counted against maxQueuedReplies. */
  replyRstStream(streamId: number, statusCode: number): void {
    this.addRstStream(streamId, statusCode, true);
  }

  addPing(uniqueId: number): void {
    this.addControl({ type: PING, version: this.facts.wireVersion, flags: 0, length: 0, uniqueId });
  }

  /** The echo of the peer's PING: counted against maxQueuedReplies. */
  replyPing(uniqueId: number): void {
    this.addControl({ type: PING, version: this.facts.wireVersion, flags: 0, length: 0, uniqueId }, true);
  }

  /**
   * Queues our GOAWAY, naming the last stream the peer opened. One with a
   * status other than OK ends the session, whoever asked for it: from now on
   * nothing the peer sends is read (as nghttp2 after a terminating GOAWAY),
   * and once it is written the session wants neither read nor write. A
   * GOAWAY with status OK lets the streams in flight finish.
   */
  addGoaway(statusCode: number): void {
    this.goaway.markQueued();
    if (statusCode !== GOAWAY_OK) this.fail(null);
    this.addControl({
      type: GOAWAY,
      version: this.facts.wireVersion,
      flags: 0,
      length: 0,
      lastGoodStreamId: this.ids.lastRecvStreamId,
      statusCode,
    });
  }

  addWindowUpdate(streamId: number, deltaWindowSize: number, reply = false): void {
    this.addControl(
      {
        type: WINDOW_UPDATE,
        version: this.facts.wireVersion,
        flags: 0,
        length: 0,
        streamId,
        deltaWindowSize,
      },
      reply,
    );
  }

  /** WINDOW_UPDATE for DATA the peer sent: counted against maxQueuedReplies. */
  replyWindowUpdate(streamId: number, deltaWindowSize: number): void {
    this.addWindowUpdate(streamId, deltaWindowSize, true);
  }

  /** Puts an item back behind everything of its priority (round robin between streams). */
  requeue(item: OutboundItem): void {
    item.seq = this.nextSeq++;
    this.queue.push(item);
  }

  /**
   * Takes the next item to send. A SYN_STREAM competes by (pri, seq) unless
   * the peer's MAX_CONCURRENT_STREAMS is reached; then it waits.
   */
  takeNext(): OutboundItem | undefined {
    const item = this.queue.pop(this.outgoingStreamsAtMax);
    if (item !== undefined && item.kind === ITEM_CTRL) {
      if (item.frame.type === SYN_STREAM) this.ids.synStreamDequeued();
      if (item.reply) this.replies.taken();
    }
    return item;
  }

  /** The item takeNext() would return. */
  peekNext(): OutboundItem | undefined {
    return this.queue.peek(this.outgoingStreamsAtMax);
  }

  /** True when takeNext() would return an item. */
  get hasSendable(): boolean {
    return this.queue.hasMain || (this.queue.hasSynStreams && !this.outgoingStreamsAtMax);
  }

  /** True when anything but a SYN_STREAM is queued. */
  get hasQueuedNonSynStream(): boolean {
    return this.queue.hasMain;
  }

  /** spdylay's get_outbound_queue_size. */
  get queueSize(): number {
    return this.queue.size;
  }

  /** Puts the DATA deferred on `stream` back in the queue (resumeData). */
  resumeDeferred(stream: Stream): void {
    this.queue.push(stream.detachDeferred()!);
  }

  /**
   * Requeues DATA that waited for window, on one stream or all. Like
   * spdylay, an item goes back once its stream window is open; if the
   * session window is still closed it is simply deferred again.
   */
  resumeDeferredByWindow(only?: Stream): void {
    const streams = only === undefined ? this.openStreams.values() : [only];
    for (const stream of streams) {
      if (stream.deferred !== null && stream.deferredByFlowControl && this.flow.mayResume(stream)) {
        this.queue.push(stream.detachDeferred()!);
      }
    }
  }

  // ---- the session's end ----

  /**
   * Ends the session with a GOAWAY (spdylay's fail_session): once it is
   * sent, the session wants neither read nor write. The GOAWAY names the
   * last stream the peer opened, as submitGoaway does.
   */
  failSession(statusCode: number, reason: string | null): void {
    this.fail(reason);
    this.addGoaway(statusCode);
  }

  /** The session has failed (spdylay's FAIL_ON_SEND): nothing more is read. */
  private fail(reason: string | null): void {
    this.goaway.markFailing(reason);
    this.endInput();
  }

  /**
   * Input ends for good: the session has failed, its transport is gone, or
   * it wanted neither to read nor to write when more arrived. Everything
   * received from now on is dropped unread, firing nothing and changing
   * nothing (nghttp2's IGN_ALL after a terminating GOAWAY).
   */
  endInput(): void {
    if (this.inputOver) return;
    this.inputOver = true;
    this.inputEndListener?.();
  }

  /** True once input has ended: see endInput(). */
  get inputEnded(): boolean {
    return this.inputOver;
  }

  /** Called once when input ends (the machine stops its frame decoder there, mid-buffer). */
  onInputEnd(listener: () => void): void {
    this.inputEndListener = listener;
  }

  /** The transport is gone (connectionLost): nothing more is read or written. */
  get transportLost(): boolean {
    return this.lost;
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
    if (this.lost) return;
    this.lost = true;
    this.endInput();
    this.replies.cleared();
    for (const item of this.queue.drain()) {
      if (item.kind === ITEM_CTRL && item.frame.type === SYN_STREAM) {
        this.ids.synStreamDequeued();
        this.emit({ type: 'ctrl-not-send', frame: item.frame, errorCode: ERR_EOF, streamUserData: item.streamUserData });
      }
    }
    for (const stream of this.openStreams.values()) this.closeStream(stream.id, CANCEL);
  }

  /** True once a failing GOAWAY has gone out, or the transport is gone: the session is over. */
  get isTerminated(): boolean {
    return this.lost || this.goaway.failedAndSent;
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
          const stream = this.openStreams.get(frame.streamId);
          if (stream !== undefined) return stream.pri;
        }
        return this.facts.priLowest;
      }
    }
  }
}
