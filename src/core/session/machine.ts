/**
 * The sans-IO SPDY session: bytes in through memRecv, bytes out through
 * memSend, submit* to queue frames, events into a sink. No timers, sockets,
 * clock or randomness: the same calls with the same bytes give the same
 * output bytes and the same events, however the input is chunked.
 *
 * This is python-spdylay's Session without its callbacks; api/session.ts
 * puts those on top.
 */
import {
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  ERR_STREAM_ID_NOT_AVAILABLE,
  HEADERS,
  SERVER,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX,
  SYN_REPLY,
  SYN_STREAM,
} from '../constants.js';
import { EOFError, InvalidArgumentError, SpdylayError, StreamClosedError, UnsupportedVersionError } from '../errors.js';
import { FrameDecoder } from '../frame/decoder.js';
import type { HeadersRecord, NameValue, SettingsEntry, SynReplyRecord, SynStreamRecord } from '../frame/types.js';
import type { DeferringHeaderCodec, HeaderBlockEncoder, HeaderCodec, HeaderEncoding } from '../header-codec.js';
import { createHeaderCodec } from '../headers/spdy-codec.js';
import { versionFacts, withoutFlowControl } from '../version.js';
import type { VersionFacts } from '../version.js';
import { concatBytes } from '../bytes.js';
import { MAX_31BIT } from '../wire.js';
import { describeValue } from '../option-keys.js';
import { resolveConfig } from './config.js';
import type { SessionConfig } from './config.js';
import { SessionState } from './session-state.js';
import type { SessionEventSink } from './events.js';
import type { DataSource } from './outbound.js';
import { CodecWait, DeferralProbe } from './codec-wait.js';
import { Receiver } from './receive.js';
import { Sender } from './send.js';
import type { EncodedFrame } from './send.js';
import { isValidSettingsId } from './settings.js';
import { settingsIdName } from '../names.js';

/**
 * A frame nextFrame() prepared: its bytes are `head`, then `payload` (DATA
 * only: a view of what the data source returned, never copied), `length`
 * in all. Hand it back to frameSent() once all of it is written.
 */
export interface PreparedFrame {
  readonly head: Uint8Array;
  readonly payload: Uint8Array | null;
  readonly length: number;
}

export class SessionMachine {
  readonly side: typeof CLIENT | typeof SERVER;
  readonly facts: VersionFacts;
  private readonly state: SessionState;
  private readonly sender: Sender;
  private readonly decoder: FrameDecoder;
  private readonly memSendChunkSize: number;
  private readonly headerEncoding: HeaderEncoding;
  /** Prepares submitted header lists (the codec's, which alone reads what it prepares). */
  private readonly headerEncoder: HeaderBlockEncoder;
  /** Bytes memSend produced but could not hand out because a callback threw (null: none, and no array kept). */
  private unsent: Uint8Array[] | null = null;
  /** The frame nextFrame() handed out and frameSent() has not taken back. */
  private handedOut: EncodedFrame | null = null;
  /** With a deferring header codec: what waits for its answers (codec-wait.ts); null otherwise. */
  private readonly wait: CodecWait | null = null;
  /** Bytes the send pass stopped at a header frame had already counted. */
  private passTotal = 0;
  /** connectionLost() came while inputs were held: later input is dropped, as it would have been. */
  private lostWhileHolding = false;

  constructor(side: number, version: number, sink: SessionEventSink, config?: SessionConfig | null) {
    if (side !== CLIENT && side !== SERVER) throw new InvalidArgumentError('side must be either CLIENT or SERVER');
    const versionOnly = versionFacts(version);
    if (versionOnly === undefined) throw new UnsupportedVersionError(`unsupported SPDY version ${String(version)}`);
    if (typeof sink !== 'function') throw new InvalidArgumentError(`sink must be a function, got ${describeValue(sink)}`);
    const c = resolveConfig(config);
    const facts = c.flowControl ? versionOnly : withoutFlowControl(versionOnly);
    this.side = side;
    this.facts = facts;
    this.headerEncoding = c.headerEncoding;
    this.memSendChunkSize = c.memSendChunkSize;
    const codec =
      c.headerCodec ??
      createHeaderCodec({ version, side, encoding: c.headerEncoding, maxInflatedSize: c.maxHeaderBlockSize });
    const state = new SessionState(side, facts, sink, c);
    this.state = state;
    const isOver = () => this.isOver();
    if (isDeferring(codec)) {
      const probe = new DeferralProbe(codec.encoder);
      this.headerEncoder = probe;
      this.sender = new Sender(state, probe, c.dataChunkSize, probe);
      this.wait = new CodecWait(new Receiver(state, null, c.maxStreamHeaderBytes, isOver), codec.decoder);
      this.decoder = new FrameDecoder({
        facts,
        sink: this.wait,
        maxControlFrameLength: c.maxControlFrameLength,
        maxSettingsEntries: c.maxSettingsEntries,
      });
    } else {
      this.headerEncoder = codec.encoder;
      this.sender = new Sender(state, codec.encoder, c.dataChunkSize);
      this.decoder = new FrameDecoder({
        facts,
        sink: new Receiver(state, codec.decoder, c.maxStreamHeaderBytes, isOver),
        maxControlFrameLength: c.maxControlFrameLength,
        maxSettingsEntries: c.maxSettingsEntries,
      });
    }
    // Once input ends, the rest of the buffer being read is dropped unread too.
    const decoder = this.decoder;
    state.onInputEnd(() => decoder.stop());
  }

  // ---- bytes in ----

  /**
   * Consumes all of `data` and returns its length. Events fire as frames
   * complete; DATA payloads reach the sink as views of `data`, so nothing on
   * the DATA path is copied. An exception thrown by the sink is rethrown
   * once all of `data` has been processed.
   *
   * Once the session has failed (a GOAWAY of ours with a status other than
   * OK is queued or sent), its transport is lost, or it wants neither to
   * read nor to write, input has ended for good: memRecv drops `data`
   * unread and still returns its length, as spdylay and nghttp2 report
   * bytes consumed (nghttp2 returns the whole length once it ignores all
   * input). No event fires and no state changes. This holds mid-buffer too:
   * frames after the one that failed the session are not processed.
   */
  memRecv(data: Uint8Array): number {
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError('memRecv expects a Uint8Array');
    if (this.inputHasEnded()) return data.length;
    this.decoder.push(data);
    this.state.rethrowPending();
    return data.length;
  }

  // ---- bytes out ----

  /**
   * Returns the next bytes to write, or null when nothing is pending. The
   * buffer is new and never reused by the session, so it may be kept (a
   * socket write holds on to it). Several frames may share one buffer.
   */
  memSend(): Uint8Array | null {
    const chunks = this.memSendv();
    if (chunks === null) return null;
    return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
  }

  /**
   * Like memSend, but as a list of views: frame heads and DATA payloads
   * exactly as the data sources returned them, for writev-style output with
   * no copy at all.
   */
  memSendv(): Uint8Array[] | null {
    if (this.state.transportLost) return null;
    if (this.wait !== null) return this.memSendvDeferring(this.wait);
    let chunks = this.unsent ?? [];
    this.unsent = null;
    let total = 0;
    for (const c of chunks) total += c.length;
    this.sender.beginPass();
    while (total < this.memSendChunkSize) {
      const frame = this.sender.next();
      if (frame === null) break;
      chunks.push(frame.head);
      if (frame.payload !== null && frame.payload.length > 0) chunks.push(frame.payload);
      total += frame.length;
      this.sender.sent(frame);
    }
    if (this.state.hasPendingError) {
      // Keep the bytes for the next call: a callback's exception must not lose frames.
      this.unsent = chunks.length > 0 ? chunks : null;
      chunks = [];
      this.state.rethrowPending();
    }
    return chunks.length > 0 ? chunks : null;
  }

  /**
   * memSendv with a deferring codec: a pass whose output waits in `unsent`
   * and that may stop at a header frame the codec has not compressed yet;
   * while the session waits, the pass is recorded and run in its turn.
   * Either way the bytes ready now are returned.
   */
  private memSendvDeferring(wait: CodecWait): Uint8Array[] | null {
    if (wait.holding) wait.hold(() => this.deferredPass());
    else this.deferredPass();
    const chunks = this.unsent;
    this.unsent = null;
    if (this.state.hasPendingError) {
      this.unsent = chunks;
      this.state.rethrowPending();
    }
    return chunks;
  }

  private deferredPass(): void {
    this.sender.beginPass();
    this.runPass(0);
  }

  /** Adds frames to `unsent` until the pass is full or done; false when it stopped to wait for the codec. */
  private runPass(total: number): boolean {
    while (total < this.memSendChunkSize) {
      const frame = this.sender.next();
      if (frame === null) {
        if (!this.sender.awaitingCodec) return true;
        this.passTotal = total;
        this.wait!.sendWaiting = true;
        return false;
      }
      const chunks = (this.unsent ??= []);
      chunks.push(frame.head);
      if (frame.payload !== null && frame.payload.length > 0) chunks.push(frame.payload);
      total += frame.length;
      this.sender.sent(frame);
    }
    return true;
  }

  /**
   * The explicit input of a deferring header codec (config.headerCodec):
   * call it when the codec has answered. The session goes on from where it
   * waited: the stopped send pass first, then what was received and what
   * was called meanwhile, in order, as far as the codec's answers go (call
   * it again after its next answer). Its bytes come from the next memSend.
   * An exception that an input recorded meanwhile would have thrown, or a
   * callback's, is thrown here. Does nothing with a synchronous codec.
   */
  resumeHeaderBlocks(): void {
    this.wait?.replay(() => this.runPass(this.passTotal));
    this.state.rethrowPending();
  }

  /**
   * Why the session ended itself with a GOAWAY, in words for a log (a
   * flood, a window overrun, a frame it could not parse), or null: it has
   * not, or the application ended it (failSession, submitGoaway). The
   * GOAWAY's status alone often cannot tell these apart: SPDY has few.
   */
  get failureReason(): string | null {
    return this.state.goaway.failureReason;
  }

  /** True while a deferring header codec's answer is awaited (memSend then has nothing new). */
  get awaitingHeaderCodec(): boolean {
    return this.wait !== null && this.wait.holding;
  }

  /**
   * With a deferring codec, an input made while the session waits is
   * recorded to run in its turn (its exception then comes from
   * resumeHeaderBlocks()); returns true when it was. Callers test
   * `this.wait !== null` first, so that the built-in codec's path makes no
   * closure.
   */
  private held(run: () => void): boolean {
    const wait = this.wait;
    if (wait === null || !wait.holding) return false;
    wait.hold(() => {
      try {
        run();
      } catch (error) {
        this.state.keepError(error);
      }
    });
    return true;
  }

  /**
   * The frame-at-a-time send interface that send() uses: prepares one frame
   * (firing before-ctrl-send), or returns null. Call frameSent() once all
   * of it has been written, and beginSendPass() at the start of each pass.
   */
  nextFrame(): PreparedFrame | null {
    if (this.wait !== null) throw new InvalidArgumentError('a deferring header codec sends through memSend() or memSendv(), not frame by frame');
    const frame = this.sender.next();
    this.handedOut = frame;
    return frame;
  }

  frameSent(frame: PreparedFrame): void {
    const sent = this.handedOut;
    if (sent === null || frame !== sent) throw new InvalidArgumentError('frameSent() takes the frame nextFrame() last returned, once');
    this.handedOut = null;
    this.sender.sent(sent);
  }

  beginSendPass(): void {
    this.sender.beginPass();
  }

  /** Rethrows the exception a callback raised during the current call, if any. */
  rethrowPending(): void {
    this.state.rethrowPending();
  }

  /** True when input has ended (SessionState.endInput), or ends now because the session is over. */
  private inputHasEnded(): boolean {
    const state = this.state;
    if (state.inputEnded || this.lostWhileHolding) return true;
    if (!this.isOver()) return false;
    state.endInput();
    return true;
  }

  /**
   * spdylay's rule for dropping the connection: the session wants neither
   * to read nor to write (nor is a frame handed out by nextFrame() still
   * being written).
   */
  private isOver(): boolean {
    return !this.wantRead() && !this.wantWrite() && this.handedOut === null;
  }

  // ---- state ----

  /**
   * spdylay's want_read: false after GOAWAY with no stream left. Also false
   * once the session has failed (from when its GOAWAY is queued, since
   * nothing more is read from then on) and while the replies it owes the
   * peer are at config.maxQueuedReplies (until memSend takes some).
   */
  wantRead(): boolean {
    const state = this.state;
    if (state.isTerminated || state.inputEnded || state.replies.full) return false;
    // Waiting for a deferring codec, the session cannot tell yet: it reads on.
    if (this.wait !== null && this.wait.holding) return true;
    return !state.goaway.any || state.streams.size > 0;
  }

  /**
   * spdylay's want_write, except that frames already queued after a GOAWAY
   * (the GOAWAY itself, RST_STREAMs, PING echoes) still count: spdylay
   * reports false there and a loop driven by it never sends them (test:
   * "wantWrite stays true until the failing GOAWAY is sent").
   */
  wantWrite(): boolean {
    const state = this.state;
    if (state.isTerminated) return false;
    if (this.unsent !== null) return true;
    // Waiting for a deferring codec: nothing can go out until it answers.
    if (this.wait !== null && this.wait.holding) return false;
    if (!state.goaway.any || state.streams.size > 0) return this.sender.hasPending;
    return state.hasQueuedNonSynStream;
  }

  /** User data of a stream we opened; null for unknown streams and the peer's streams. */
  getStreamUserData(streamId: number): unknown {
    const stream = this.state.streams.get(streamId);
    if (stream === undefined || !this.state.isMyStreamId(streamId)) return null;
    return stream.userData ?? null;
  }

  getOutboundQueueSize(): number {
    return this.state.queueSize;
  }

  getPriLowest(): number {
    return this.facts.priLowest;
  }

  /** Whether stream `streamId` exists (open or half-closed). */
  isStreamOpen(streamId: number): boolean {
    return this.state.streams.has(streamId);
  }

  /**
   * Puts DATA deferred by its source (ERR_DEFERRED) back in the queue and
   * returns true. Returns false when the DATA waits for flow-control window,
   * which only the peer can open. Throws InvalidArgumentError when the
   * stream does not exist or has no deferred DATA (as spdylay and the
   * python-spdylay tests do).
   */
  resumeData(streamId: number): boolean {
    // While a deferring codec is awaited, it runs in its turn; whether it
    // waits for window is not known yet.
    if (this.wait !== null && this.held(() => this.resumeData(streamId))) return true;
    const stream = this.state.streams.get(streamId);
    if (stream === undefined || stream.deferred === null) {
      throw new InvalidArgumentError(`stream ${String(streamId)} has no deferred DATA`);
    }
    if (stream.deferredByFlowControl) return false;
    this.state.resumeDeferred(stream);
    return true;
  }

  failSession(statusCode: number): void {
    if (this.wait !== null && this.held(() => this.failSession(statusCode))) return;
    this.state.failSession(checkedUint32(statusCode, 'statusCode'), null);
  }

  /**
   * Tells the session its transport has ended (EOF, an error, a timeout):
   * open streams close with CANCEL and queued SYN_STREAMs are reported not
   * sent with ERR_EOF, both through the usual events; then wantRead() and
   * wantWrite() are false, memRecv() drops its input, memSend() returns
   * null, and submitting a new stream throws EOFError. Calling it again
   * does nothing.
   */
  connectionLost(): void {
    if (this.wait !== null && this.held(() => this.connectionLost())) {
      this.lostWhileHolding = true;
      return;
    }
    this.unsent = null;
    this.state.connectionLost();
    this.state.rethrowPending();
  }

  /**
   * With autoWindowUpdate off: the application has taken `length` bytes of
   * DATA received on `streamId` (0 when the stream is gone: the bytes still
   * count for the session window). WINDOW_UPDATE goes out once half a window
   * has been consumed, per stream (half of our INITIAL_WINDOW_SIZE) and, in
   * SPDY/3.1, per session (half of the session window), as the automatic
   * policy does on arrival. This is how an application that falls behind
   * pushes back on its peer (nghttp2's session_consume).
   */
  consume(streamId: number, length: number): void {
    if (this.wait !== null && this.held(() => this.consume(streamId, length))) return;
    const state = this.state;
    if (state.flow.automatic) throw new InvalidArgumentError('consume() needs config.autoWindowUpdate = false');
    checkedStreamId(streamId, 'streamId', true);
    if (!Number.isInteger(length) || length < 0 || length > MAX_31BIT) {
      throw new InvalidArgumentError(`length must be an integer 0..2^31-1, got ${describeValue(length)}`);
    }
    if (state.transportLost) return;
    state.flow.consume(streamId === 0 ? undefined : state.streams.get(streamId), length);
  }

  // ---- submit ----

  submitRequest(pri: number, nv: readonly NameValue[], data?: DataSource | null, streamUserData?: unknown): void {
    if (this.wait !== null && this.held(() => this.submitRequest(pri, nv, data, streamUserData))) return;
    const flags = data ? 0 : CTRL_FLAG_FIN;
    this.submitSynStreamShared(flags, pri, nv, 0, data ?? null, streamUserData);
  }

  submitSynStream(flags: number, pri: number, nv: readonly NameValue[], assocStreamId = 0, streamUserData?: unknown): void {
    if (this.wait !== null && this.held(() => this.submitSynStream(flags, pri, nv, assocStreamId, streamUserData))) return;
    checkedFlags(flags);
    this.submitSynStreamShared(flags & (CTRL_FLAG_FIN | CTRL_FLAG_UNIDIRECTIONAL), pri, nv, checkedStreamId(assocStreamId, 'assocStreamId', true), null, streamUserData);
  }

  submitResponse(streamId: number, nv: readonly NameValue[], data?: DataSource | null): void {
    if (this.wait !== null && this.held(() => this.submitResponse(streamId, nv, data))) return;
    const flags = data ? 0 : CTRL_FLAG_FIN;
    this.submitReplyLike(SYN_REPLY, flags, streamId, nv, data ?? null);
  }

  submitSynReply(flags: number, streamId: number, nv: readonly NameValue[]): void {
    if (this.wait !== null && this.held(() => this.submitSynReply(flags, streamId, nv))) return;
    checkedFlags(flags);
    this.submitReplyLike(SYN_REPLY, flags & CTRL_FLAG_FIN, streamId, nv, null);
  }

  submitHeaders(flags: number, streamId: number, nv: readonly NameValue[]): void {
    if (this.wait !== null && this.held(() => this.submitHeaders(flags, streamId, nv))) return;
    checkedFlags(flags);
    this.submitReplyLike(HEADERS, flags & CTRL_FLAG_FIN, streamId, nv, null);
  }

  submitData(streamId: number, flags: number, data: DataSource): void {
    if (this.wait !== null && this.held(() => this.submitData(streamId, flags, data))) return;
    checkedFlags(flags);
    if (data === null || typeof data !== 'object' || typeof data.read !== 'function') {
      throw new InvalidArgumentError('submitData needs a data provider');
    }
    this.state.addData(checkedStreamId(streamId, 'streamId'), flags & DATA_FLAG_FIN, data);
  }

  submitRstStream(streamId: number, statusCode: number): void {
    if (this.wait !== null && this.held(() => this.submitRstStream(streamId, statusCode))) return;
    this.state.addRstStream(checkedStreamId(streamId, 'streamId'), checkedUint32(statusCode, 'statusCode'));
  }

  /** Queues a PING with the next id of our parity (clients odd, servers even), wrapping past 2^31-1. */
  submitPing(): void {
    if (this.wait !== null && this.held(() => this.submitPing())) return;
    this.state.addPing(this.state.ids.takePingId());
  }

  /** Queues GOAWAY naming the highest stream id the peer has opened so far. */
  submitGoaway(statusCode: number): void {
    if (this.wait !== null && this.held(() => this.submitGoaway(statusCode))) return;
    this.state.addGoaway(checkedUint32(statusCode, 'statusCode'));
  }

  /**
   * Queues SETTINGS. Ids must be 1..SETTINGS_MAX and unique (else
   * InvalidArgumentError, nothing changed); entries are sent sorted by id.
   * As in spdylay, the values take effect locally at once: a lower
   * MAX_CONCURRENT_STREAMS refuses the peer's next streams, and
   * INITIAL_WINDOW_SIZE sets the automatic WINDOW_UPDATE threshold.
   */
  submitSettings(flags: number, iv: readonly SettingsEntry[]): void {
    if (this.wait !== null && this.held(() => this.submitSettings(flags, iv))) return;
    checkedFlags(flags);
    if (!Array.isArray(iv)) throw new InvalidArgumentError('iv must be an array of [settingsId, flags, value]');
    const seen = new Set<number>();
    const entries: SettingsEntry[] = [];
    for (const entry of iv) {
      if (!Array.isArray(entry) || entry.length !== 3) {
        throw new InvalidArgumentError('each settings entry must be [settingsId, flags, value]');
      }
      const [id, entryFlags, value] = entry;
      if (!isValidSettingsId(id)) {
        throw new InvalidArgumentError(`settings id ${String(id)} is unknown (ids are 1..${SETTINGS_MAX})`);
      }
      if (seen.has(id)) throw new InvalidArgumentError(`settings id ${settingsIdName(id)} (${id}) is given twice`);
      seen.add(id);
      entries.push([id, checkedFlags(entryFlags), checkedUint32(value, 'settings value')]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const state = this.state;
    state.addControl({ type: SETTINGS, version: this.facts.wireVersion, flags, length: 0, iv: entries });
    for (const [id, , value] of entries) state.settings.setLocal(id, value);
    const initialWindowSize = entries.find(([id]) => id === SETTINGS_INITIAL_WINDOW_SIZE);
    if (initialWindowSize !== undefined) state.flow.localInitialWindowSize(initialWindowSize[2], state.streams);
  }

  /**
   * Queues WINDOW_UPDATE granting `deltaWindowSize` more bytes on a stream
   * (or, in SPDY/3.1, stream 0: the session). Throws InvalidArgumentError
   * for a delta outside 1..2^31-1 or a session without flow control
   * (config.flowControl false), and StreamClosedError for a stream that
   * does not exist.
   */
  submitWindowUpdate(streamId: number, deltaWindowSize: number): void {
    if (this.wait !== null && this.held(() => this.submitWindowUpdate(streamId, deltaWindowSize))) return;
    const state = this.state;
    checkedStreamId(streamId, 'streamId', true);
    if (!this.facts.streamFlowControl && this.facts.wireVersion === 3) {
      throw new InvalidArgumentError('flow control is off (config.flowControl = false): there is no window to update');
    }
    if (!Number.isInteger(deltaWindowSize) || deltaWindowSize <= 0 || deltaWindowSize > MAX_31BIT) {
      throw new InvalidArgumentError(`deltaWindowSize must be an integer 1..2^31-1, got ${describeValue(deltaWindowSize)}`);
    }
    const stream = state.streams.get(streamId);
    if (streamId !== 0 && stream === undefined) throw new StreamClosedError(`stream ${streamId} is not open`);
    state.flow.submitWindowUpdate(streamId, stream, deltaWindowSize);
  }

  private submitSynStreamShared(
    flags: number,
    pri: number,
    nv: readonly NameValue[],
    assocStreamId: number,
    data: DataSource | null,
    streamUserData: unknown,
  ): void {
    const state = this.state;
    if (state.transportLost) throw new EOFError('the connection is lost: no new stream can be opened');
    // spdylay takes pri as a uint8_t and clamps a priority lower than the
    // lowest (a number above getPriLowest()) to the lowest; python-spdylay
    // refuses what does not fit a uint8_t. Both submitters come through here.
    if (!Number.isInteger(pri) || pri < 0 || pri > 255) {
      throw new InvalidArgumentError(
        `pri must be an integer 0..255 (above ${this.facts.priLowest}, the lowest, it is clamped to ${this.facts.priLowest}), got ${describeValue(pri)}`,
      );
    }
    const clamped = Math.min(pri, this.facts.priLowest);
    const prepared = this.headerEncoder.prepare(nv, this.headerEncoding);
    // Ids are assigned at send time; refuse now what could never get one
    // (spdylay reports this only through on_ctrl_not_send).
    if (!state.ids.synStreamIdLeft) {
      throw new SpdylayError('stream ids are exhausted: open a new session', ERR_STREAM_ID_NOT_AVAILABLE);
    }
    // Only a server pushes; spdylay silently drops a client's associated id.
    const assoc = state.isServer ? assocStreamId : 0;
    const frame: SynStreamRecord = {
      type: SYN_STREAM,
      version: this.facts.wireVersion,
      flags,
      length: 0,
      streamId: 0,
      assocStreamId: assoc,
      pri: clamped,
      slot: 0,
      nv: prepared.nv,
    };
    state.addHeaderFrame(frame, prepared, data, streamUserData ?? null);
  }

  private submitReplyLike(
    type: typeof SYN_REPLY | typeof HEADERS,
    flags: number,
    streamId: number,
    nv: readonly NameValue[],
    data: DataSource | null,
  ): void {
    checkedStreamId(streamId, 'streamId');
    const prepared = this.headerEncoder.prepare(nv, this.headerEncoding);
    const frame: SynReplyRecord | HeadersRecord = {
      type,
      version: this.facts.wireVersion,
      flags,
      length: 0,
      streamId,
      nv: prepared.nv,
    };
    this.state.addHeaderFrame(frame, prepared, data, null);
  }
}

function checkedFlags(flags: number): number {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff) {
    throw new InvalidArgumentError(`flags must be an integer 0..255, got ${describeValue(flags)}`);
  }
  return flags;
}

function checkedStreamId(streamId: number, name: string, zeroAllowed = false): number {
  if (!Number.isInteger(streamId) || streamId < (zeroAllowed ? 0 : 1) || streamId > MAX_31BIT) {
    throw new InvalidArgumentError(`${name} must be an integer ${zeroAllowed ? 0 : 1}..2^31-1, got ${describeValue(streamId)}`);
  }
  return streamId;
}

function checkedUint32(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${name} must be an integer 0..2^32-1, got ${describeValue(value)}`);
  }
  return value;
}

export type { SessionConfig };

function isDeferring(codec: HeaderCodec | DeferringHeaderCodec): codec is DeferringHeaderCodec {
  return (codec as Partial<DeferringHeaderCodec>).deferring === true;
}
