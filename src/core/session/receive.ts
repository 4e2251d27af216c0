/**
 * The receiving half of the session: frames from the decoder in, stream
 * state changes, queued answers (RST_STREAM, GOAWAY, PING echoes, automatic
 * WINDOW_UPDATE) and events out. Each handler follows spdylay's
 * spdylay_session_on_*_received; where spdylay departs from the SPDY drafts
 * the draft wins, and the handler says so and names its test.
 *
 * Peer violations never throw: they become RST_STREAM (a stream error) or a
 * GOAWAY (a session error) plus the matching event.
 */
import {
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  ERR_FRAME_TOO_LARGE,
  ERR_INVALID_HEADER_BLOCK,
  FRAME_TOO_LARGE,
  GOAWAY_PROTOCOL_ERROR,
  HEADERS,
  INVALID_STREAM,
  OK,
  PROTOCOL_ERROR,
  REFUSED_STREAM,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX,
  STREAM_ALREADY_CLOSED,
  STREAM_IN_USE,
  SYN_REPLY,
  SYN_STREAM,
  UNSUPPORTED_VERSION,
  WINDOW_UPDATE,
} from '../constants.js';
import type { FrameSink } from '../frame/sink.js';
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
import { GOAWAY_RECV, GOAWAY_SEND, SessionCore } from './core.js';
import { headerFrameVerdict } from './header-verdict.js';
import { SHUT_RD, SHUT_WR, StreamState } from './stream.js';
import type { Stream } from './stream.js';

export class Receiver implements FrameSink {
  /** The DATA frame being received: its stream and whether its payload is dropped. */
  private dataStream: Stream | undefined = undefined;
  private dataIgnored = false;
  /** The current DATA frame overran its stream window and was answered with FLOW_CONTROL_ERROR. */
  private flowRejected = false;

  constructor(
    private readonly s: SessionCore,
    /**
     * The session's receive-side header codec, fed the blocks the decoder
     * reports; null with a deferring codec, which codec-wait.ts feeds.
     */
    private readonly headers: HeaderBlockDecoder | null,
  ) {}

  onControlFrame(frame: ControlFrameRecord): void {
    // spdylay drops a control frame whose version is not the session's, except
    // SYN_STREAM, which it answers with UNSUPPORTED_VERSION (validate_syn_stream).
    if (frame.version !== this.s.facts.wireVersion && frame.type !== SYN_STREAM) return;
    switch (frame.type) {
      case SYN_STREAM:
        return this.onSynStream(this.withSpdy3Names(frame));
      case SYN_REPLY:
        return this.onSynReply(this.withSpdy3Names(frame));
      case HEADERS:
        return this.onHeaders(this.withSpdy3Names(frame));
      case 3:
        return this.onRstStream(frame);
      case 4:
        return this.onSettings(frame);
      case 6:
        return this.onPing(frame);
      case 7:
        return this.onGoaway(frame);
      case WINDOW_UPDATE:
        return this.onWindowUpdate(frame);
      case 5: // NOOP: SPDY/2 defines it as ignorable.
      case 10: // CREDENTIAL: spdylay takes no action on it.
        return;
    }
  }

  // ---- header blocks: the decoder reports the bytes, the codec decodes them ----

  onHeaderBlockBegin(): void {
    this.headers!.begin();
  }

  onHeaderBlockChunk(chunk: Uint8Array): void {
    this.headers!.push(chunk);
  }

  onHeaderBlockEnd(frame: HeaderFrameRecord, framingError: number, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void {
    this.finishHeaderBlock(frame, framingError, this.headers!.end(), head, fixed, fixedLength);
  }

  /** A header frame with its block decoded (a deferring codec's result comes later, codec-wait.ts). */
  finishHeaderBlock(frame: HeaderFrameRecord, framingError: number, result: HeaderBlockResult, head: Uint8Array, fixed: Uint8Array, fixedLength: number): void {
    const error = headerFrameVerdict(framingError, result);
    if (error === 0 && result.ok) {
      frame.nv = result.nv;
      this.onControlFrame(frame);
    } else {
      this.onHeaderBlockError(frame, error, head.slice(), fixed.slice(0, fixedLength));
    }
  }

  /** A header frame refused (see header-verdict.ts); `head` and `payload` are fresh copies. */
  private onHeaderBlockError(frame: HeaderFrameRecord, error: number, head: Uint8Array, payload: Uint8Array): void {
    if (error === ERR_INVALID_HEADER_BLOCK || error === ERR_FRAME_TOO_LARGE) {
      // A stream error: the zlib context is still in step, only this stream suffers.
      this.handleInvalidStream(frame, frame.streamId, error === ERR_FRAME_TOO_LARGE ? FRAME_TOO_LARGE : PROTOCOL_ERROR);
      return;
    }
    // A broken compression context cannot be recovered: session error.
    this.onParseError(frame.type, head, payload, error);
  }

  onParseError(type: number, head: Uint8Array, payload: Uint8Array, errorCode: number): void {
    this.s.emit({ type: 'ctrl-recv-parse-error', frameType: type, head, payload, errorCode });
    this.s.failSession(GOAWAY_PROTOCOL_ERROR);
  }

  onUnknownFrame(head: Uint8Array, payload: Uint8Array): void {
    this.s.emit({ type: 'unknown-ctrl-recv', head, payload });
  }

  // ---- DATA ----

  /**
   * The head of a DATA frame is in. Windows are charged here, with the
   * declared length, so the verdict on a frame never depends on how its
   * bytes were chunked.
   */
  onDataBegin(streamId: number, _flags: number, length: number): void {
    const s = this.s;
    const stream = s.streams.get(streamId);
    this.dataStream = stream;
    this.dataIgnored = stream === undefined || !this.dataAllowed(stream);
    this.flowRejected = false;
    // After a session-window overrun the GOAWAY is the answer: later frames
    // are dropped without a word (test: "a peer overrunning the session
    // window gets GOAWAY PROTOCOL_ERROR").
    if (s.flow.sessionOverrun) {
      this.dataIgnored = true;
      return;
    }
    const verdict = s.flow.recvData(this.dataIgnored ? undefined : stream, length);
    if (verdict === null) return;
    this.dataIgnored = true;
    if (verdict.scope === 'session') {
      s.failSession(verdict.status);
    } else {
      this.flowRejected = true;
      s.addRstStream(verdict.streamId, verdict.status);
    }
  }

  onDataChunk(streamId: number, flags: number, chunk: Uint8Array): void {
    if (!this.dataIgnored) this.s.emit({ type: 'data-chunk-recv', flags, streamId, data: chunk });
  }

  onDataEnd(streamId: number, flags: number, length: number): void {
    const s = this.s;
    const stream = this.dataStream;
    const ignored = this.dataIgnored;
    this.dataStream = undefined;
    this.dataIgnored = false;
    // Our RST_STREAM may have been queued (or sent) while the frame was
    // arriving: then, as spdylay re-checks at the end of the frame, it is
    // dropped there, FIN included, and the stream closes with our status
    // (test: "a DATA frame that ends after our RST_STREAM is queued does not close the stream").
    const lateDrop = !ignored && (s.streams.get(streamId) !== stream || !this.dataAllowed(stream!));
    const delivered = ignored || lateDrop ? undefined : stream;
    s.flow.dataReceived(delivered, length, (flags & DATA_FLAG_FIN) !== 0);
    if (lateDrop) return;
    if (delivered !== undefined) {
      s.emit({ type: 'data-recv', flags, streamId, length });
      if (flags & DATA_FLAG_FIN) {
        if (!s.isMyStreamId(streamId)) s.emit({ type: 'request-recv', streamId });
        delivered.shutdown(SHUT_RD);
        s.closeStreamIfShutRdwr(delivered);
      }
      return;
    }
    // A frame dropped for a window overrun has had its answer.
    if (!s.flow.sessionOverrun && !this.flowRejected) this.rejectData(streamId, stream);
    this.flowRejected = false;
  }

  /** spdylay's check_data_recv_allowed. */
  private dataAllowed(stream: Stream): boolean {
    if (stream.shutFlags & SHUT_RD) return false;
    if (this.s.isMyStreamId(stream.id)) return stream.state === StreamState.OPENED;
    return stream.state !== StreamState.CLOSING;
  }

  /**
   * Answers a DATA frame that was not accepted. spdylay ignores DATA for
   * streams that are not open and tears the whole session down for the rest;
   * the SPDY drafts ask for stream errors, and that is what we send
   * (tests: "DATA on a stream that is not open gets INVALID_STREAM",
   * "DATA before SYN_REPLY gets PROTOCOL_ERROR", "DATA after FIN gets
   * STREAM_ALREADY_CLOSED").
   */
  private rejectData(streamId: number, stream: Stream | undefined): void {
    const s = this.s;
    if (stream === undefined) {
      if (streamId === 0) {
        s.failSession(GOAWAY_PROTOCOL_ERROR);
      } else if (!(s.goawayFlags & GOAWAY_SEND) && !s.goawayQueued) {
        // Draft 3 §2.2.2: DATA for a stream that is not open, before we sent
        // GOAWAY, is a stream error INVALID_STREAM. (Once our GOAWAY is
        // queued, such DATA belongs to a stream it already excludes.)
        s.addRstStream(streamId, INVALID_STREAM);
      }
      return;
    }
    if (stream.state === StreamState.CLOSING) return; // Our RST_STREAM is on its way: a race, not an error.
    if (stream.shutFlags & SHUT_RD) {
      // Draft 3 §2.3.6: DATA after the sender's FIN gets STREAM_ALREADY_CLOSED
      // (SPDY/2, which lacks that code: PROTOCOL_ERROR).
      s.addRstStream(streamId, s.facts.wireVersion === 2 ? PROTOCOL_ERROR : STREAM_ALREADY_CLOSED);
    } else {
      // Draft 3 §2.2.2: DATA before the SYN_REPLY is a stream error PROTOCOL_ERROR.
      s.addRstStream(streamId, PROTOCOL_ERROR);
    }
  }

  // ---- control frames ----

  /** SPDY/2 sessions present SPDY/3 names (`url` → `:path` ...), as spdylay's nv_2to3. */
  private withSpdy3Names<T extends HeaderFrameRecord>(frame: T): T {
    if (this.s.facts.wireVersion === 2) frame.nv = mapNamesFrom2(frame.nv);
    return frame;
  }

  /** Queues RST_STREAM and reports the frame as invalid (spdylay's handle_invalid_stream). */
  private handleInvalidStream(frame: ControlFrameRecord, streamId: number, statusCode: number): void {
    this.s.addRstStream(streamId, statusCode);
    this.s.emit({ type: 'invalid-ctrl-recv', frame, statusCode });
  }

  private onSynStream(frame: SynStreamRecord): void {
    const s = this.s;
    // After GOAWAY either way, new streams are neither accepted nor answered;
    // once ours is queued too, since its last-good-stream-id is fixed (core.ts).
    if (s.goawayFlags || s.goawayQueued) return;
    let statusCode: number;
    if (frame.streamId === s.lastRecvStreamId) {
      // Draft 3 §2.3.2: the same stream id twice is a stream error.
      statusCode = PROTOCOL_ERROR;
    } else if (!s.isNewPeerStreamId(frame.streamId)) {
      // Draft 3 §2.3.2: an id below one already used (or of our parity) is a session error.
      s.emit({ type: 'invalid-ctrl-recv', frame, statusCode: PROTOCOL_ERROR });
      s.failSession(GOAWAY_PROTOCOL_ERROR);
      return;
    } else {
      s.lastRecvStreamId = frame.streamId;
      statusCode = this.validateSynStream(frame);
    }
    if (statusCode !== 0) {
      this.handleInvalidStream(frame, frame.streamId, statusCode);
      return;
    }
    const flags = frame.flags;
    const fin = (flags & CTRL_FLAG_FIN) !== 0;
    const unidirectional = (flags & CTRL_FLAG_UNIDIRECTIONAL) !== 0;
    // A unidirectional stream that is already finished needs no stream at all.
    if (!(fin && unidirectional)) {
      const stream = s.openStream(frame.streamId, flags, frame.pri, StreamState.OPENING, null);
      if (fin) stream.shutdown(SHUT_RD);
      if (unidirectional) stream.shutdown(SHUT_WR);
      if (frame.assocStreamId !== 0) s.streams.get(frame.assocStreamId)?.addPushed(frame.streamId);
    }
    s.emit({ type: 'ctrl-recv', frame });
    if (fin) {
      s.emit({ type: 'request-recv', streamId: frame.streamId });
      if (unidirectional) s.emit({ type: 'stream-close', streamId: frame.streamId, statusCode: OK });
    }
  }

  /** spdylay's validate_syn_stream: 0 or the RST_STREAM status to answer with. */
  private validateSynStream(frame: SynStreamRecord): number {
    const s = this.s;
    if (frame.version !== s.facts.wireVersion) return UNSUPPORTED_VERSION;
    if (s.isServer) {
      // Clients cannot push.
      if (frame.assocStreamId !== 0 || frame.flags & CTRL_FLAG_UNIDIRECTIONAL) return PROTOCOL_ERROR;
    } else {
      // A server's SYN_STREAM is a push: it must name its parent (SPDY/2 §2.6.1)
      // and, as spdylay requires, be unidirectional towards us.
      if (frame.assocStreamId === 0) return INVALID_STREAM;
      if (!(frame.flags & CTRL_FLAG_UNIDIRECTIONAL) || !s.streams.has(frame.assocStreamId)) return PROTOCOL_ERROR;
    }
    // spdylay follows mod_spdy: over our limit, the stream is refused.
    if (s.incomingStreamsAtMax) return REFUSED_STREAM;
    return 0;
  }

  private onSynReply(frame: SynReplyRecord): void {
    const s = this.s;
    const stream = s.streams.get(frame.streamId);
    let statusCode = PROTOCOL_ERROR;
    if (stream !== undefined && !(stream.shutFlags & SHUT_RD) && s.isMyStreamId(frame.streamId)) {
      if (stream.state === StreamState.OPENING) {
        stream.state = StreamState.OPENED;
        s.emit({ type: 'ctrl-recv', frame });
        if (frame.flags & CTRL_FLAG_FIN) {
          stream.shutdown(SHUT_RD);
          s.closeStreamIfShutRdwr(stream);
        }
        return;
      }
      // Our RST_STREAM for it is queued: the reply crossed it. Drop it.
      if (stream.state === StreamState.CLOSING) return;
      // Draft 3 §2.6.2: a second SYN_REPLY is STREAM_IN_USE (SPDY/2 lacks the code).
      if (s.facts.wireVersion === 3) statusCode = STREAM_IN_USE;
    }
    this.handleInvalidStream(frame, frame.streamId, statusCode);
  }

  private onHeaders(frame: HeadersRecord): void {
    const s = this.s;
    const stream = s.streams.get(frame.streamId);
    if (stream !== undefined && !(stream.shutFlags & SHUT_RD)) {
      const fin = (frame.flags & CTRL_FLAG_FIN) !== 0;
      if (s.isMyStreamId(frame.streamId)) {
        if (stream.state === StreamState.OPENED) {
          s.emit({ type: 'ctrl-recv', frame });
          if (fin) {
            stream.shutdown(SHUT_RD);
            s.closeStreamIfShutRdwr(stream);
          }
          return;
        }
        if (stream.state === StreamState.CLOSING) return;
      } else {
        // The peer's stream may carry HEADERS until its FIN; a CLOSING stream
        // drops them (our RST is on its way).
        if (stream.state !== StreamState.CLOSING) {
          s.emit({ type: 'ctrl-recv', frame });
          if (fin) {
            s.emit({ type: 'request-recv', streamId: frame.streamId });
            stream.shutdown(SHUT_RD);
            s.closeStreamIfShutRdwr(stream);
          }
        }
        return;
      }
    }
    this.handleInvalidStream(frame, frame.streamId, PROTOCOL_ERROR);
  }

  private onRstStream(frame: RstStreamRecord): void {
    const s = this.s;
    s.emit({ type: 'ctrl-recv', frame });
    // A client cancelling a stream also cancels what was pushed for it.
    if (s.isServer && !s.isMyStreamId(frame.streamId) && frame.statusCode === 5 /* CANCEL */) {
      s.closePushedStreams(frame.streamId, frame.statusCode);
    }
    s.closeStream(frame.streamId, frame.statusCode);
  }

  private onSettings(frame: SettingsRecord): void {
    const s = this.s;
    const seen = new Array<boolean>(SETTINGS_MAX + 1).fill(false);
    for (const [id, , value] of frame.iv) {
      // Draft 3 §2.6.4: of several values for one id, the first counts.
      if (id < 1 || id > SETTINGS_MAX || seen[id]) continue;
      seen[id] = true;
      if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
        if (!s.flow.remoteInitialWindowSize(value, s.streams)) continue;
        s.resumeDeferredByWindow();
      }
      s.remoteSettings[id] = value;
    }
    s.emit({ type: 'ctrl-recv', frame });
  }

  private onPing(frame: PingRecord): void {
    const s = this.s;
    const id = frame.uniqueId;
    if (id === 0) return;
    if (s.lastPingUniqueId === id) {
      // The echo of our PING; forget the id so a repeat is not taken as one.
      s.lastPingUniqueId = 0;
      s.emit({ type: 'ctrl-recv', frame });
    } else if ((id % 2 === 1) === s.isServer) {
      // The peer's PING: echo it.
      s.addPing(id);
      s.emit({ type: 'ctrl-recv', frame });
    }
  }

  private onGoaway(frame: GoawayRecord): void {
    const s = this.s;
    s.lastGoodStreamId = frame.lastGoodStreamId;
    s.goawayFlags |= GOAWAY_RECV;
    s.emit({ type: 'ctrl-recv', frame });
    // Streams of ours above last-good-stream-id were never processed by the
    // peer and never will be (draft 3 §2.6.6). spdylay leaves them open for
    // ever; we close them as REFUSED_STREAM so nothing waits on them (test:
    // "GOAWAY closes our streams above last-good-stream-id").
    for (const stream of [...s.streams.values()]) {
      if (s.isMyStreamId(stream.id) && stream.id > frame.lastGoodStreamId && stream.state !== StreamState.INITIAL) {
        s.closeStream(stream.id, REFUSED_STREAM);
      }
    }
  }

  private onWindowUpdate(frame: WindowUpdateRecord): void {
    const s = this.s;
    if (!s.facts.streamFlowControl) return; // SPDY/2 has no flow control; spdylay ignores it.
    if (frame.streamId === 0 && s.facts.sessionFlowControl) {
      const verdict = s.flow.recvWindowUpdate(null, frame.deltaWindowSize);
      if (verdict !== null) {
        s.emit({ type: 'invalid-ctrl-recv', frame, statusCode: PROTOCOL_ERROR });
        s.failSession(verdict.status);
        return;
      }
      if (s.flow.sessionSendOpen) s.resumeDeferredByWindow();
      s.emit({ type: 'ctrl-recv', frame });
      return;
    }
    const stream = s.streams.get(frame.streamId);
    if (stream === undefined) return;
    const verdict = s.flow.recvWindowUpdate(stream, frame.deltaWindowSize);
    if (verdict !== null) {
      this.handleInvalidStream(frame, frame.streamId, verdict.status);
      return;
    }
    if (s.flow.mayResume(stream)) s.resumeDeferredByWindow(stream);
    s.emit({ type: 'ctrl-recv', frame });
  }
}
