/**
 * The receiving half of the session: frames from the decoder in, stream
 * state changes, queued answers (RST_STREAM, GOAWAY, PING echoes, automatic
 * WINDOW_UPDATE) and events out. Each handler follows spdylay's
 * spdylay_session_on_*_received; where spdylay departs from the SPDY drafts
 * the draft wins, and the handler (or the stream table's row) says so and
 * names its test. Which frame is accepted in which stream state is the
 * stream table's (stream-table.ts); windows are window.ts's.
 *
 * Peer violations never throw: they become RST_STREAM (a stream error) or a
 * GOAWAY (a session error) plus the matching event.
 *
 * Input ends for good once the session has failed (session-state.ts,
 * endInput): from then on every frame, and the rest of the frame in hand,
 * is dropped without an event or a change of state, including the frames
 * after the failing one in the same memRecv buffer. Each frame is admitted
 * (admitFrame) when the Receiver first sees it: DATA at its head, a header
 * frame once its block is decoded, any other frame when it is whole.
 */
import {
  CANCEL,
  CREDENTIAL,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_HEADER_BLOCK,
  FRAME_TOO_LARGE,
  GOAWAY,
  GOAWAY_INTERNAL_ERROR,
  GOAWAY_PROTOCOL_ERROR,
  HEADERS,
  INVALID_STREAM,
  NOOP,
  OK,
  PING,
  PROTOCOL_ERROR,
  REFUSED_STREAM,
  RST_STREAM,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX,
  SYN_REPLY,
  SYN_STREAM,
  UNSUPPORTED_VERSION,
  WINDOW_UPDATE,
} from '../constants.js';
import type { FrameSink } from '../frame/sink.js';
import { errorCodeName, frameTypeName } from '../names.js';
import type {
  ControlFrameRecord,
  GoawayRecord,
  HeaderFrameRecord,
  HeadersRecord,
  PingRecord,
  RstStreamRecord,
  SettingsRecord,
  SynReplyRecord,
  SynStreamRecord,
  WindowUpdateRecord,
} from '../frame/types.js';
import type { HeaderBlockDecoder, HeaderBlockResult } from '../header-codec.js';
import { mapNamesFrom2 } from '../headers/nv.js';
import { headerListSize } from './header-budget.js';
import { headerFrameVerdict } from './header-verdict.js';
import type { SessionState } from './session-state.js';
import { ACCEPT, CLOSED, Effect, IGNORE, Input, NONE } from './stream-table.js';
import type { StreamState } from './stream-table.js';
import type { Stream } from './stream.js';

export class Receiver implements FrameSink {
  /** The DATA frame being received: its stream and whether its payload is dropped. */
  private dataStream: Stream | undefined = undefined;
  private dataIgnored = false;
  /** The current DATA frame overran its stream window and was answered with FLOW_CONTROL_ERROR. */
  private flowRejected = false;

  constructor(
    private readonly session: SessionState,
    /**
     * The session's receive-side header codec, fed the blocks the decoder
     * reports; null with a deferring codec, which codec-wait.ts feeds.
     */
    private readonly headers: HeaderBlockDecoder | null,
    /** The most header data one stream may receive in all (header-budget.ts). */
    private readonly maxStreamHeaderBytes: number,
    /**
     * True when the session wants neither to read nor to write: it is over
     * (spdylay's rule for dropping the connection), so what still arrives
     * ends its input. The machine answers, knowing what waits to be sent.
     */
    private readonly isOver: () => boolean,
  ) {}

  /**
   * Whether the frame now arriving is read. Not once input has ended, nor
   * when the session is over, which ends its input. Nor when the replies
   * we owe the peer are at their bound (reply-backlog.ts): wantRead() said
   * to stop, and a peer that keeps sending regardless is flooding us. That
   * fails the session with INTERNAL_ERROR, as nghttp2 ends a rapid-reset
   * flood: it broke no rule of the protocol (PROTOCOL_ERROR would say it
   * had), it only made us spend too much, and SPDY has no ENHANCE_YOUR_CALM,
   * the code HTTP/2 servers answer floods with.
   */
  private admitFrame(): boolean {
    const session = this.session;
    if (session.inputEnded) return false;
    if (this.isOver()) {
      session.endInput();
      return false;
    }
    if (session.replies.full) {
      session.failSession(GOAWAY_INTERNAL_ERROR, `the peer kept sending while ${session.replies.bound} replies to it were unsent (maxQueuedReplies)`);
      return false;
    }
    return true;
  }

  onControlFrame(frame: ControlFrameRecord): void {
    if (this.admitFrame()) this.dispatchControl(frame);
  }

  private dispatchControl(frame: ControlFrameRecord): void {
    // spdylay drops a control frame whose version is not the session's, except
    // SYN_STREAM, which it answers with UNSUPPORTED_VERSION (validate_syn_stream).
    if (frame.version !== this.session.facts.wireVersion && frame.type !== SYN_STREAM) return;
    switch (frame.type) {
      case SYN_STREAM:
        return this.onSynStream(this.withSpdy3Names(frame));
      case SYN_REPLY:
        return this.onSynReply(this.withSpdy3Names(frame));
      case HEADERS:
        return this.onHeaders(this.withSpdy3Names(frame));
      case RST_STREAM:
        return this.onRstStream(frame);
      case SETTINGS:
        return this.onSettings(frame);
      case PING:
        return this.onPing(frame);
      case GOAWAY:
        return this.onGoaway(frame);
      case WINDOW_UPDATE:
        return this.onWindowUpdate(frame);
      case NOOP: // SPDY/2 defines it as ignorable.
      case CREDENTIAL: // spdylay takes no action on it.
        return;
    }
  }

  // ---- header blocks: the decoder reports the bytes, the codec decodes them ----

  // Once input has ended no block is inflated: the work would be wasted.

  onHeaderBlockBegin(): void {
    if (!this.session.inputEnded) this.headers!.begin();
  }

  onHeaderBlockChunk(chunk: Uint8Array): void {
    if (!this.session.inputEnded) this.headers!.push(chunk);
  }

  onHeaderBlockEnd(frame: HeaderFrameRecord, framingError: number, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void {
    if (!this.session.inputEnded) this.finishHeaderBlock(frame, framingError, this.headers!.end(frame.version), head, fixed, fixedLength);
  }

  /** A header frame with its block decoded (a deferring codec's result comes later, codec-wait.ts). */
  finishHeaderBlock(frame: HeaderFrameRecord, framingError: number, result: HeaderBlockResult, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void {
    if (!this.admitFrame()) return;
    const error = headerFrameVerdict(framingError, result);
    if (error === 0 && result.ok) {
      frame.nv = result.nv;
      this.admitHeaders(frame);
    } else {
      // Refused for its content, the frame is reported with its pairs as received (spdylay's frame->nv).
      if (error === ERR_INVALID_HEADER_BLOCK && !result.ok && result.nv !== undefined) frame.nv = result.nv;
      this.onHeaderBlockError(frame, error, head.slice(), fixed.slice(0, fixedLength));
    }
  }

  /**
   * Charges a decoded block to its stream (header-budget.ts) and hands the
   * frame on; past the stream's budget it is refused as a frame too large
   * is, before the stream rules see it (a SYN_STREAM's id is not used).
   */
  private admitHeaders(frame: HeaderFrameRecord): void {
    const session = this.session;
    const before = session.streams.get(frame.streamId);
    // A SYN_STREAM starts a stream's count (one for a known id is the stream rules' to refuse).
    const spent = headerListSize(frame.nv) + (frame.type === SYN_STREAM ? 0 : (before?.headerBytes ?? 0));
    if (spent > this.maxStreamHeaderBytes && frame.version === session.facts.wireVersion) {
      this.handleInvalidStream(frame, frame.streamId, FRAME_TOO_LARGE);
      return;
    }
    this.dispatchControl(frame);
    const after = session.streams.get(frame.streamId);
    if (after !== undefined && (frame.type !== SYN_STREAM || after !== before)) after.headerBytes = spent;
  }

  /** A header frame refused (see header-verdict.ts); `head` and `payload` are fresh copies. */
  private onHeaderBlockError(frame: HeaderFrameRecord, error: number, head: Uint8Array, payload: Uint8Array): void {
    if (error === ERR_INVALID_HEADER_BLOCK || error === ERR_FRAME_TOO_LARGE) {
      // A stream error: the zlib context is still in step, only this stream suffers.
      this.handleInvalidStream(frame, frame.streamId, error === ERR_FRAME_TOO_LARGE ? FRAME_TOO_LARGE : PROTOCOL_ERROR);
      return;
    }
    // A broken compression context cannot be recovered: session error.
    this.parseError(frame.type, head, payload, error);
  }

  onParseError(type: number, head: Uint8Array, payload: Uint8Array, errorCode: number): void {
    if (this.admitFrame()) this.parseError(type, head, payload, errorCode);
  }

  private parseError(type: number, head: Uint8Array, payload: Uint8Array, errorCode: number): void {
    this.session.emit({ type: 'ctrl-recv-parse-error', frameType: type, head, payload, errorCode });
    this.session.failSession(GOAWAY_PROTOCOL_ERROR, `unparsable ${frameTypeName(type)} frame (${errorCodeName(errorCode)})`);
  }

  onUnknownFrame(head: Uint8Array, payload: Uint8Array): void {
    if (this.admitFrame()) this.session.emit({ type: 'unknown-ctrl-recv', head, payload });
  }

  // ---- DATA ----

  /**
   * The head of a DATA frame is in. Windows are charged here, with the
   * declared length, so the verdict on a frame never depends on how its
   * bytes were chunked.
   */
  onDataBegin(streamId: number, _flags: number, length: number): void {
    if (!this.admitFrame()) return;
    const session = this.session;
    const stream = session.streams.get(streamId);
    this.dataStream = stream;
    this.dataIgnored = !this.dataAllowed(streamId, stream);
    this.flowRejected = false;
    const verdict = session.flow.recvData(this.dataIgnored ? undefined : stream, length);
    if (verdict === null) return;
    this.dataIgnored = true;
    if (verdict.scope === 'session') {
      session.failSession(verdict.status, `DATA of ${length} bytes on stream ${streamId} overran the session's receive window`);
    } else {
      this.flowRejected = true;
      session.replyRstStream(verdict.streamId, verdict.status);
    }
  }

  onDataChunk(streamId: number, flags: number, chunk: Uint8Array): void {
    if (!this.dataIgnored && !this.session.inputEnded) this.session.emit({ type: 'data-chunk-recv', flags, streamId, data: chunk });
  }

  onDataEnd(streamId: number, flags: number, length: number): void {
    const session = this.session;
    if (session.inputEnded) return;
    const stream = this.dataStream;
    const ignored = this.dataIgnored;
    this.dataStream = undefined;
    this.dataIgnored = false;
    // Our RST_STREAM may have been queued (or sent) while the frame was
    // arriving: then, as spdylay re-checks at the end of the frame, it is
    // dropped there, FIN included, and the stream closes with our status
    // (test: "a DATA frame that ends after our RST_STREAM is queued does not close the stream").
    const lateDrop = !ignored && (session.streams.get(streamId) !== stream || !this.dataAllowed(streamId, stream));
    const delivered = ignored || lateDrop ? undefined : stream;
    session.flow.dataReceived(delivered, length, (flags & DATA_FLAG_FIN) !== 0);
    if (lateDrop) return;
    if (delivered !== undefined) {
      session.emit({ type: 'data-recv', flags, streamId, length });
      if (flags & DATA_FLAG_FIN) this.recvFin(delivered);
      return;
    }
    // A frame dropped for a window overrun has had its answer. (A session
    // window overrun failed the session: input ended with it.)
    if (!this.flowRejected) this.rejectData(streamId, stream);
    this.flowRejected = false;
  }

  /** spdylay's check_data_recv_allowed, as the stream table has it. */
  private dataAllowed(streamId: number, stream: Stream | undefined): boolean {
    return this.session.ruleFor(streamId, stream, Input.RECV_DATA).verdict === ACCEPT;
  }

  /**
   * Answers a DATA frame that was not accepted, as the stream table says:
   * dropped while our RST_STREAM is queued, else a stream error. Two cases
   * are the session's: DATA on stream 0 is a session error, and DATA for a
   * stream that is not open, once our GOAWAY is queued, belongs to a stream
   * it already excludes: dropped.
   */
  private rejectData(streamId: number, stream: Stream | undefined): void {
    const session = this.session;
    const status = session.ruleFor(streamId, stream, Input.RECV_DATA).verdict;
    if (status === IGNORE || status === ACCEPT) return;
    if (stream === undefined) {
      if (streamId === 0) {
        session.failSession(GOAWAY_PROTOCOL_ERROR, 'DATA on stream 0');
        return;
      }
      if (session.goaway.ours) return;
    }
    session.replyRstStream(streamId, status);
  }

  /** The peer's half of `stream` is done (FIN on a frame accepted): the request is complete on its streams. */
  private recvFin(stream: Stream): void {
    const session = this.session;
    if (session.ruleFor(stream.id, stream, Input.RECV_FIN).effect === Effect.REQUEST_RECV) {
      session.emit({ type: 'request-recv', streamId: stream.id });
    }
    session.step(stream, Input.RECV_FIN);
  }

  // ---- control frames ----

  /** SPDY/2 sessions present SPDY/3 names (`url` → `:path` ...), as spdylay's nv_2to3. */
  private withSpdy3Names<T extends HeaderFrameRecord>(frame: T): T {
    if (this.session.facts.wireVersion === 2) frame.nv = mapNamesFrom2(frame.nv);
    return frame;
  }

  /** Queues RST_STREAM and reports the frame as invalid (spdylay's handle_invalid_stream). */
  private handleInvalidStream(frame: ControlFrameRecord, streamId: number, statusCode: number): void {
    this.session.replyRstStream(streamId, statusCode);
    this.session.emit({ type: 'invalid-ctrl-recv', frame, statusCode });
  }

  private onSynStream(frame: SynStreamRecord): void {
    const session = this.session;
    // After GOAWAY either way, new streams are neither accepted nor answered;
    // ours counts from when it is queued, its last-good-stream-id fixed then (goaway.ts).
    if (session.goaway.received || session.goaway.ours) return;
    let statusCode: number;
    if (frame.streamId === session.ids.lastRecvStreamId) {
      // Draft 3 §2.3.2: the same stream id twice is a stream error.
      statusCode = PROTOCOL_ERROR;
    } else if (!session.ids.isNewPeerStreamId(frame.streamId)) {
      // Draft 3 §2.3.2: an id below one already used (or of our parity) is a session error.
      session.emit({ type: 'invalid-ctrl-recv', frame, statusCode: PROTOCOL_ERROR });
      session.failSession(GOAWAY_PROTOCOL_ERROR, `SYN_STREAM for stream ${frame.streamId}, an id not above the peer's last (${session.ids.lastRecvStreamId}) or of our parity`);
      return;
    } else {
      session.ids.peerOpened(frame.streamId);
      statusCode = this.validateSynStream(frame);
    }
    if (statusCode !== 0) {
      this.handleInvalidStream(frame, frame.streamId, statusCode);
      return;
    }
    // The state the stream starts in: a unidirectional SYN_STREAM closes our
    // half, its FIN the peer's. One with both needs no stream at all.
    const id = frame.streamId;
    let state = session.rule(id, NONE, Input.RECV_SYN_STREAM).to;
    if (frame.flags & CTRL_FLAG_UNIDIRECTIONAL) state = session.rule(id, state, Input.SENT_FIN).to;
    const fin = frame.flags & CTRL_FLAG_FIN ? session.rule(id, state, Input.RECV_FIN) : null;
    if (fin !== null) state = fin.to;
    if (state !== CLOSED) {
      session.openStream(id, frame.pri, state as StreamState, null);
      if (frame.assocStreamId !== 0) session.streams.get(frame.assocStreamId)?.addPushed(id);
    }
    session.emit({ type: 'ctrl-recv', frame });
    if (fin?.effect === Effect.REQUEST_RECV) session.emit({ type: 'request-recv', streamId: id });
    if (state === CLOSED) session.emit({ type: 'stream-close', streamId: id, statusCode: OK });
  }

  /** spdylay's validate_syn_stream: 0 or the RST_STREAM status to answer with. */
  private validateSynStream(frame: SynStreamRecord): number {
    const session = this.session;
    if (frame.version !== session.facts.wireVersion) return UNSUPPORTED_VERSION;
    if (session.isServer) {
      // Clients cannot push.
      if (frame.assocStreamId !== 0 || frame.flags & CTRL_FLAG_UNIDIRECTIONAL) return PROTOCOL_ERROR;
    } else {
      // A server's SYN_STREAM is a push: it must name its parent (SPDY/2 §2.6.1)
      // and, as spdylay requires, be unidirectional towards us.
      if (frame.assocStreamId === 0) return INVALID_STREAM;
      if (!(frame.flags & CTRL_FLAG_UNIDIRECTIONAL) || !session.streams.has(frame.assocStreamId)) return PROTOCOL_ERROR;
    }
    // spdylay follows mod_spdy: over our limit, the stream is refused.
    if (session.incomingStreamsAtMax) return REFUSED_STREAM;
    return 0;
  }

  private onSynReply(frame: SynReplyRecord): void {
    this.onStreamHeaders(frame, Input.RECV_SYN_REPLY);
  }

  private onHeaders(frame: HeadersRecord): void {
    this.onStreamHeaders(frame, Input.RECV_HEADERS);
  }

  /** SYN_REPLY and HEADERS: reported and applied, dropped, or a stream error, as the stream table says. */
  private onStreamHeaders(frame: SynReplyRecord | HeadersRecord, input: Input): void {
    const session = this.session;
    const stream = session.streams.get(frame.streamId);
    const next = session.ruleFor(frame.streamId, stream, input);
    if (next.verdict === ACCEPT) {
      session.step(stream!, input);
      session.emit({ type: 'ctrl-recv', frame });
      if (frame.flags & CTRL_FLAG_FIN) this.recvFin(stream!);
    } else if (next.verdict !== IGNORE) {
      this.handleInvalidStream(frame, frame.streamId, next.verdict);
    }
  }

  private onRstStream(frame: RstStreamRecord): void {
    const session = this.session;
    session.emit({ type: 'ctrl-recv', frame });
    // A client cancelling a stream also cancels what was pushed for it.
    if (session.isServer && !session.isMyStreamId(frame.streamId) && frame.statusCode === CANCEL) {
      session.closePushedStreams(frame.streamId, frame.statusCode);
    }
    const stream = session.streams.get(frame.streamId);
    if (stream === undefined || stream.closeReported) return;
    session.step(stream, Input.RECV_RST_STREAM, frame.statusCode);
    // The peer opened this stream and reset it before it completed: it may
    // do that only so often beyond the streams it completes (reset-budget.ts).
    if (!session.isMyStreamId(stream.id) && !session.peerResets.spend()) {
      session.failSession(GOAWAY_INTERNAL_ERROR, `the peer reset more than ${session.peerResets.bound} streams it opened before they completed (maxPeerStreamResets)`);
    }
  }

  private onSettings(frame: SettingsRecord): void {
    const session = this.session;
    const seen = new Array<boolean>(SETTINGS_MAX + 1).fill(false);
    for (const [id, , value] of frame.iv) {
      // Draft 3 §2.6.4: of several values for one id, the first counts.
      if (id < 1 || id > SETTINGS_MAX || seen[id]) continue;
      seen[id] = true;
      if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
        if (!session.flow.remoteInitialWindowSize(value, session.streams)) continue;
        session.resumeDeferredByWindow();
      }
      session.settings.setRemote(id, value);
    }
    session.emit({ type: 'ctrl-recv', frame });
  }

  private onPing(frame: PingRecord): void {
    const session = this.session;
    const id = frame.uniqueId;
    if (id === 0) return;
    if (session.ids.takePingEcho(id)) {
      session.emit({ type: 'ctrl-recv', frame });
    } else if (session.ids.isPeerPingId(id)) {
      // The peer's PING: echo it.
      session.replyPing(id);
      session.emit({ type: 'ctrl-recv', frame });
    }
  }

  private onGoaway(frame: GoawayRecord): void {
    const session = this.session;
    session.goaway.markReceived();
    session.emit({ type: 'ctrl-recv', frame });
    // Streams above last-good-stream-id were never processed by the peer
    // and never will be (draft 3 §2.6.6): the stream table closes ours.
    for (const stream of session.streams.values()) {
      if (stream.id > frame.lastGoodStreamId) session.step(stream, Input.RECV_GOAWAY, REFUSED_STREAM);
    }
  }

  private onWindowUpdate(frame: WindowUpdateRecord): void {
    const session = this.session;
    if (!session.facts.streamFlowControl) return; // SPDY/2 has no flow control; spdylay ignores it.
    if (frame.streamId === 0 && session.facts.sessionFlowControl) {
      const verdict = session.flow.recvWindowUpdate(null, frame.deltaWindowSize);
      if (verdict !== null) {
        session.emit({ type: 'invalid-ctrl-recv', frame, statusCode: PROTOCOL_ERROR });
        session.failSession(verdict.status, `a session WINDOW_UPDATE of ${frame.deltaWindowSize} that overflows the send window`);
        return;
      }
      if (session.flow.sessionSendOpen) session.resumeDeferredByWindow();
      session.emit({ type: 'ctrl-recv', frame });
      return;
    }
    const found = session.streams.get(frame.streamId);
    if (session.ruleFor(frame.streamId, found, Input.RECV_WINDOW_UPDATE).verdict !== ACCEPT) return;
    const stream = found!; // accepted only for a stream that exists
    const verdict = session.flow.recvWindowUpdate(stream, frame.deltaWindowSize);
    if (verdict !== null) {
      this.handleInvalidStream(frame, frame.streamId, verdict.status);
      return;
    }
    if (session.flow.mayResume(stream)) session.resumeDeferredByWindow(stream);
    session.emit({ type: 'ctrl-recv', frame });
  }
}
