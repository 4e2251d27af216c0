/**
 * What client and server sessions share: a SessionMachine on a socket (the
 * Driver), the machine's events turned into stream and session events,
 * PING round trips, graceful close and destroy.
 *
 * Events: 'connect' (the session speaks SPDY), 'goaway' (statusCode,
 * lastGoodStreamId), 'remoteSettings' (entries), 'frameError' (message),
 * 'error' (only when a listener is attached: a network failure must not
 * crash a process that did not ask to hear of it; the error is also kept
 * in `session.error` and reaches every open stream), 'close'.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  CANCEL,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  HEADERS,
  OK,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3_1,
  REFUSED_STREAM,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SYN_REPLY,
  SYN_STREAM,
  GOAWAY,
  SessionMachine,
} from '../core/index.js';
import type {
  ControlFrameRecord,
  SessionConfig,
  SessionEvent,
  SettingsEntry,
} from '../core/index.js';
import { errorCodeName, frameTypeName, statusCodeName } from '../core/names.js';
import { Driver } from './driver.js';
import type { DriverOptions } from './driver.js';
import { SpdyError, goawayError } from './errors.js';
import { fromNv } from './headers.js';
import type { SpdyProtocol } from './alpn.js';
import type { SpdyStream, StreamOwner, StreamSlot } from './stream.js';
import { StreamMap } from '../core/session/stream-map.js';
import { PooledHeaderCodec } from '../workers/pooled-codec.js';
import type { ZlibPool } from '../workers/zlib-pool.js';

/** Options every session takes. */
export interface SessionOptions {
  /**
   * The receive window we announce per stream (SETTINGS
   * INITIAL_WINDOW_SIZE, SPDY/3 and 3.1). Default 1 MiB. In SPDY/2, which
   * has no flow control, we announce the largest window instead: some
   * peers apply windows in SPDY/2 too and would stall at 64 KiB.
   */
  initialWindowSize?: number;
  /** SPDY/3.1: the session receive window, opened at start (default 16 MiB). */
  sessionWindowSize?: number;
  /**
   * SPDY/3.1: how far a peer may overrun the session window before it is
   * an error (default 64 KiB: some peers miscount by a frame or more).
   */
  sessionWindowOverrunTolerance?: number;
  /** Close the connection after this many ms without a byte either way (0: never). */
  idleTimeout?: number;
  /**
   * The largest control frame payload accepted (default 64 KiB, the limit
   * nghttp2's proxy sets on its spdylay sessions; spdylay's default and the
   * core's is 2^24-1, more than a peer on a socket should make us buffer).
   * A longer frame is refused as spdylay refuses it (a header frame's
   * stream with RST_STREAM FRAME_TOO_LARGE); inflated header blocks are
   * held to the same size.
   */
  maxControlFrameLength?: number;
  /**
   * How long a control frame may take to arrive whole, from its first
   * byte, in ms (default 30000; 0: no limit). A peer that announces a
   * frame and then goes silent (or trickles it) fails the session with
   * GOAWAY PROTOCOL_ERROR. DATA is not timed.
   */
  frameTimeout?: number;
  /** Largest DATA payload we send (default 16 KiB). */
  dataChunkSize?: number;
  /**
   * false: no flow control, for peers that have none (Kubernetes'
   * spdystream): no SETTINGS INITIAL_WINDOW_SIZE or WINDOW_UPDATE is sent,
   * DATA goes out without waiting for window, and the peer's DATA is
   * charged against none. Memory stays bounded as in SPDY/2: while a
   * stream's reader is behind, the connection's reading pauses. Default true.
   */
  flowControl?: boolean;
  /** Header names and values as UTF-8 (default) or latin1 (lossless bytes, for proxies). */
  headerEncoding?: 'utf8' | 'latin1';
  /**
   * Sees every event of the session machine as it happens (frames sent and
   * received, DATA, stream closes), for tracing (`spdycat -v`). Byte
   * fields are views valid only during the call.
   */
  trace?: (event: SessionEvent, session: SpdySession) => void;
  /**
   * Compress and decompress this session's header blocks in a worker of
   * this zlib pool instead of in-thread (src/workers/pooled-codec.ts). Off
   * by default: on the machines measured the in-thread codec was faster
   * at every load (BENCHMARKS.md, "Header compression in the pool").
   */
  headerCompressionPool?: ZlibPool;
}

export const DEFAULT_WINDOW = 1 << 20;
export const DEFAULT_SESSION_WINDOW = 16 << 20;
export const DEFAULT_MAX_CONTROL_FRAME_LENGTH = 64 * 1024;
export const DEFAULT_FRAME_TIMEOUT = 30_000;
const DEFAULT_OVERRUN_TOLERANCE = 64 * 1024;
const DEFAULT_DATA_CHUNK = 16 * 1024;
const LARGEST_WINDOW = 0x7fffffff;
const SPDY_INITIAL_WINDOW = 65536;

interface PingWaiter {
  resolve(ms: number): void;
  reject(error: Error): void;
}

export abstract class SpdySession extends EventEmitter implements StreamOwner {
  /** PROTO_SPDY2, PROTO_SPDY3 or PROTO_SPDY3_1, once connected. */
  version = 0;
  /** The protocol id (`spdy/3.1`, ...), once connected. */
  protocol: SpdyProtocol | undefined = undefined;
  socket: Duplex | undefined = undefined;
  /** Why the session ended, when it did not end cleanly. */
  error: Error | null = null;
  /** True once close() or destroy() was called, or a GOAWAY arrived: no new streams. */
  closing = false;
  /** True once the connection has closed. */
  destroyed = false;

  protected machine: SessionMachine | null = null;
  /** This session's header codec when it runs in the zlib pool. */
  private pooledCodec: PooledHeaderCodec | null = null;
  protected driver: Driver | null = null;
  protected readonly streams = new StreamMap<SpdyStream>();
  /** The peer's GOAWAY, once received. */
  protected goaway: { statusCode: number; lastGoodStreamId: number } | null = null;
  private transportLost = false;
  /** The last thing the peer did wrong, for the message of the session's error. */
  private lastProblem: string | null = null;
  private readonly pings: PingWaiter[] = [];
  private pingStartedAt = 0;
  private readonly closeWaiters: Array<() => void> = [];

  constructor(protected readonly options: SessionOptions, private readonly side: number) {
    super();
  }

  // ---- public ----

  /** Whether the session uses flow control (SPDY/3 and 3.1, unless the `flowControl` option is false). */
  get flowControlled(): boolean {
    return this.version !== PROTO_SPDY2 && this.options.flowControl !== false;
  }

  /** Sends a PING; resolves with the round trip in ms. PINGs go one at a time. */
  ping(): Promise<number> {
    if (this.destroyed || this.error !== null) {
      return Promise.reject(new SpdyError('ERR_SPDY_SESSION_CLOSED', 'the session is closed'));
    }
    return new Promise((resolve, reject) => {
      this.pings.push({ resolve, reject });
      if (this.pings.length === 1 && this.machine !== null) this.sendPing();
    });
  }

  /**
   * Ends the session gracefully: GOAWAY (status OK), no new streams, the
   * open ones finish, then the connection closes. Resolves at 'close'.
   */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (this.destroyed) resolve();
      else this.closeWaiters.push(resolve);
    });
    if (!this.closing && !this.destroyed) {
      this.closing = true;
      if (this.machine !== null) {
        this.machine.submitGoaway(GOAWAY_OK);
        this.driver!.flushSoon();
      } else {
        this.beforeConnectClosed();
      }
    }
    return closed;
  }

  /** Ends the session at once: open streams fail with `error` (or a connection-lost error). */
  destroy(error?: Error): void {
    if (this.destroyed) return;
    if (error !== undefined && this.error === null) this.error = error;
    this.closing = true;
    if (this.driver !== null) this.driver.destroy(error ?? null);
    else this.beforeConnectClosed();
  }

  // ---- StreamOwner ----

  consume(stream: SpdyStream, length: number): void {
    const m = this.machine;
    if (m === null || !this.flowControlled || this.transportLost) return;
    m.consume(stream.id, length);
    this.driver!.flushSoon();
  }

  resumeData(stream: SpdyStream): void {
    const m = this.machine;
    if (m === null || stream.id === 0 || !m.isStreamOpen(stream.id)) return;
    try {
      m.resumeData(stream.id);
    } catch {
      return; // Not deferred (any more): the next read will find the bytes.
    }
    this.driver!.flushSoon();
  }

  resetStream(stream: SpdyStream, statusCode: number): void {
    const m = this.machine;
    if (m === null || this.transportLost) return;
    if (stream.id === 0) {
      this.cancelWhenSent.add(stream);
      return;
    }
    if (!m.isStreamOpen(stream.id)) return;
    m.submitRstStream(stream.id, statusCode);
    this.driver!.flushSoon();
  }

  holdReading(): void {
    this.driver?.holdReading();
  }

  releaseReading(): void {
    this.driver?.releaseReading();
  }

  // ---- for subclasses ----

  /** Streams reset before their SYN_STREAM went out: reset as soon as it does. */
  private readonly cancelWhenSent = new Set<SpdyStream>();

  /**
   * Starts speaking SPDY `version` on `socket` (bytes in `head` were read
   * already): opens the windows we announce, then runs the loop.
   */
  protected attach(socket: Duplex, version: number, protocol: SpdyProtocol, head?: Uint8Array): void {
    const o = this.options;
    const config: SessionConfig = {
      autoWindowUpdate: false,
      dataChunkSize: o.dataChunkSize ?? DEFAULT_DATA_CHUNK,
      sessionWindowOverrunTolerance: o.sessionWindowOverrunTolerance ?? DEFAULT_OVERRUN_TOLERANCE,
      headerEncoding: o.headerEncoding ?? 'utf8',
      maxControlFrameLength: o.maxControlFrameLength ?? DEFAULT_MAX_CONTROL_FRAME_LENGTH,
      flowControl: o.flowControl !== false,
    };
    this.version = version;
    this.protocol = protocol;
    this.socket = socket;
    const pooled =
      o.headerCompressionPool === undefined
        ? null
        : new PooledHeaderCodec(o.headerCompressionPool, {
            version,
            side: this.side,
            encoding: config.headerEncoding,
            maxInflatedSize: config.maxControlFrameLength,
          });
    if (pooled !== null) config.headerCodec = pooled;
    const machine = new SessionMachine(this.side, version, (event) => this.onEvent(event), config);
    this.machine = machine;
    if (pooled !== null) this.drivePooledCodec(pooled, machine);
    this.driver = new Driver(
      socket,
      machine,
      {
        onTransportLost: () => {
          this.transportLost = true;
        },
        onClose: (error) => this.onTransportClosed(error),
        onTimeout: () => this.onIdle(),
        onProtocolViolation: (reason) => this.onProtocolViolation(reason),
        onReadingPaused: (paused) => {
          for (const stream of this.streams.values()) stream.deadline?.setHeld('connection', paused);
        },
      },
      this.driverOptions(),
    );
    const settings = this.initialSettings();
    if (settings.length > 0) machine.submitSettings(0, settings);
    if (version === PROTO_SPDY3_1 && this.flowControlled) {
      const sessionWindow = o.sessionWindowSize ?? DEFAULT_SESSION_WINDOW;
      if (sessionWindow > SPDY_INITIAL_WINDOW) machine.submitWindowUpdate(0, sessionWindow - SPDY_INITIAL_WINDOW);
    }
    this.driver.start(head);
    if (this.closing) {
      machine.submitGoaway(GOAWAY_OK);
    }
    if (this.pings.length > 0) this.sendPing();
    this.emit('connect', this);
  }

  /** The SETTINGS entries sent at start (none without flow control). */
  protected initialSettings(): SettingsEntry[] {
    if (this.version !== PROTO_SPDY2 && !this.flowControlled) return [];
    const window = this.version === PROTO_SPDY2 ? LARGEST_WINDOW : this.options.initialWindowSize ?? DEFAULT_WINDOW;
    return [[SETTINGS_INITIAL_WINDOW_SIZE, 0, window]];
  }

  protected driverOptions(): DriverOptions {
    return {
      idleTimeout: this.options.idleTimeout ?? 0,
      closeTimeout: 5000,
      maxQueuedWhileBlocked: 1000,
      frameTimeout: this.options.frameTimeout ?? DEFAULT_FRAME_TIMEOUT,
    };
  }

  protected flush(): void {
    this.driver?.flushSoon();
  }

  /** True while the connection is not read (a reader is behind, or the peer does not read our replies). */
  protected get readingPaused(): boolean {
    return this.driver?.readingPaused ?? false;
  }

  /** The pooled codec's answers are the session's explicit input; its failure ends the session. */
  private drivePooledCodec(codec: PooledHeaderCodec, machine: SessionMachine): void {
    this.pooledCodec = codec;
    codec.onAnswer = () => {
      if (this.destroyed || this.machine !== machine) return;
      try {
        machine.resumeHeaderBlocks();
      } catch (error) {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      this.flush();
    };
    codec.onError = (error) => {
      this.destroy(new SpdyError('ERR_SPDY_CONNECTION_LOST', `the header codec's worker failed: ${error.message}`, { cause: error }));
    };
  }

  /** The peer opened a stream (server: a request; client: a push). */
  protected abstract onSynStream(frame: SynStreamRecord): void;
  /** SYN_REPLY for one of our streams. */
  protected onSynReply(_stream: SpdyStream, _frame: SynReplyRecord): void {}
  /** Our SYN_STREAM was written. */
  protected onSynStreamSent(_stream: SpdyStream): void {}
  /** Close before a connection existed (client still connecting). */
  protected beforeConnectClosed(): void {}

  protected registerStream(stream: SpdyStream): void {
    this.streams.set(stream.id, stream);
  }

  // ---- events from the machine ----

  private onEvent(event: SessionEvent): void {
    this.options.trace?.(event, this);
    switch (event.type) {
      case 'ctrl-recv':
        this.onControl(event.frame);
        return;
      case 'data-chunk-recv': {
        const stream = this.streams.get(event.streamId);
        if (stream !== undefined) stream.receiveData(event.data);
        else if (this.flowControlled) this.machine!.consume(0, event.data.length);
        return;
      }
      case 'data-recv':
        if (event.flags & 1 /* FIN */) this.streams.get(event.streamId)?.receiveEnd();
        return;
      case 'before-ctrl-send':
        if (event.frame.type === SYN_STREAM) this.bindStreamId(event.frame.streamId);
        return;
      case 'ctrl-send':
        this.onControlSent(event.frame);
        return;
      case 'ctrl-not-send':
        if (event.frame.type === SYN_STREAM) this.synStreamNotSent(event.streamUserData as StreamSlot | null | undefined, event.errorCode);
        return;
      case 'stream-close':
        this.onStreamClose(event.streamId, event.statusCode);
        return;
      case 'invalid-ctrl-recv':
        this.problem(`invalid ${frameTypeName(event.frame.type)} frame (${statusCodeName(event.statusCode)})`);
        return;
      case 'ctrl-recv-parse-error':
        this.problem(`unparsable ${frameTypeName(event.frameType)} frame (${errorCodeName(event.errorCode)})`);
        return;
      case 'data-send':
      case 'request-recv':
      case 'unknown-ctrl-recv':
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  private onControl(frame: ControlFrameRecord): void {
    switch (frame.type) {
      case SYN_STREAM:
        this.onSynStream(frame);
        return;
      case SYN_REPLY: {
        const stream = this.streams.get(frame.streamId);
        if (stream === undefined) return;
        this.onSynReply(stream, frame);
        if (frame.flags & 1 /* FIN */) stream.receiveEnd();
        return;
      }
      case HEADERS: {
        const stream = this.streams.get(frame.streamId);
        if (stream === undefined) return;
        stream.emit('headers', fromNv(frame.nv), frame.nv);
        if (frame.flags & 1 /* FIN */) stream.receiveEnd();
        return;
      }
      case SETTINGS:
        this.emit('remoteSettings', frame.iv);
        return;
      case PING:
        if ((frame.uniqueId % 2 === 1) === (this.side === 1)) this.pingAnswered();
        return;
      case GOAWAY:
        this.goaway = { statusCode: frame.statusCode, lastGoodStreamId: frame.lastGoodStreamId };
        this.closing = true;
        if (frame.statusCode !== GOAWAY_OK) this.error ??= goawayError(frame.statusCode, false, null);
        this.emit('goaway', frame.statusCode, frame.lastGoodStreamId);
        this.flush();
        return;
      default:
        return;
    }
  }

  private onControlSent(frame: ControlFrameRecord): void {
    if (frame.type === SYN_STREAM) {
      const stream = this.streams.get(frame.streamId);
      if (stream === undefined) return;
      if (this.cancelWhenSent.delete(stream)) {
        this.machine!.submitRstStream(stream.id, CANCEL);
        this.flush();
        return;
      }
      this.onSynStreamSent(stream);
    } else if (frame.type === GOAWAY && frame.statusCode !== GOAWAY_OK) {
      // We failed the session because of something the peer did.
      this.error ??= goawayError(frame.statusCode, true, this.machine!.failureReason ?? this.lastProblem);
    }
  }

  private bindStreamId(streamId: number): void {
    const stream = (this.machine!.getStreamUserData(streamId) as StreamSlot | null)?.stream;
    if (stream === null || stream === undefined) return;
    stream.id = streamId;
    this.streams.set(streamId, stream);
    stream.emit('ready', streamId);
  }

  private synStreamNotSent(slot: StreamSlot | null | undefined, errorCode: number): void {
    const stream = slot?.stream;
    if (stream === undefined || stream === null) return;
    this.cancelWhenSent.delete(stream);
    const error = this.transportLost
      ? this.connectionLostError()
      : this.closing
        ? new SpdyError('ERR_SPDY_REFUSED', 'the session is closing (GOAWAY): the stream was not opened; safe to retry on a new session')
        : new SpdyError('ERR_SPDY_NOT_SENT', `SYN_STREAM was not sent: ${errorCodeName(errorCode)}`);
    stream.sessionClosed(CANCEL, error);
  }

  private onStreamClose(streamId: number, statusCode: number): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    this.streams.delete(streamId);
    stream.sessionClosed(statusCode, this.closeError(streamId, statusCode));
  }

  /** The error a stream closing with `statusCode` gets, when the status alone does not say it. */
  private closeError(streamId: number, statusCode: number): SpdyError | undefined {
    if (statusCode === OK) return undefined;
    if (this.transportLost) return this.connectionLostError();
    if (statusCode === REFUSED_STREAM && this.goaway !== null && streamId > this.goaway.lastGoodStreamId) {
      return new SpdyError(
        'ERR_SPDY_REFUSED',
        `stream ${streamId} was refused: the peer sent GOAWAY (last good stream ${this.goaway.lastGoodStreamId}); safe to retry`,
        { statusCode, statusName: statusCodeName(statusCode) },
      );
    }
    return undefined;
  }

  private connectionLostError(): SpdyError {
    if (this.error instanceof SpdyError) return this.error;
    return new SpdyError('ERR_SPDY_CONNECTION_LOST', 'the connection was lost', this.error ? { cause: this.error } : {});
  }

  private problem(message: string): void {
    this.lastProblem = message;
    this.emit('frameError', message);
  }

  /**
   * The driver caught the peer breaking a rule and is failing the session:
   * the reason is the session's error from now on, even if the GOAWAY
   * never gets out.
   */
  private onProtocolViolation(reason: string): void {
    this.problem(reason);
    this.error ??= goawayError(GOAWAY_PROTOCOL_ERROR, true, reason);
  }

  // ---- PING ----

  private sendPing(): void {
    this.pingStartedAt = performance.now();
    this.machine!.submitPing();
    this.flush();
  }

  private pingAnswered(): void {
    const waiter = this.pings.shift();
    if (waiter === undefined) return;
    waiter.resolve(performance.now() - this.pingStartedAt);
    if (this.pings.length > 0) this.sendPing();
  }

  // ---- the end ----

  private onIdle(): void {
    if (this.streams.size === 0) {
      void this.close();
      return;
    }
    this.destroy(new SpdyError('ERR_SPDY_TIMEOUT', `no bytes for ${this.options.idleTimeout} ms`));
  }

  /** The driver saw the socket close: settle everything. */
  protected onTransportClosed(error: Error | null): void {
    this.transportLost = true;
    if (error !== null && this.error === null) this.error = error;
    this.finish();
  }

  protected finish(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pooledCodec?.close();
    this.closing = true;
    const error = this.error;
    for (const stream of this.streams.values()) stream.sessionClosed(CANCEL, this.connectionLostError());
    this.streams.clear();
    const pingError = new SpdyError('ERR_SPDY_SESSION_CLOSED', 'the session closed before the PING was answered');
    for (const waiter of this.pings.splice(0)) waiter.reject(pingError);
    if (error !== null && this.listenerCount('error') > 0) this.emit('error', error);
    this.emit('close');
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}

/** The SYN_STREAM record, as the machine reports it. */
export type SynStreamRecord = Extract<ControlFrameRecord, { type: typeof SYN_STREAM }>;
type SynReplyRecord = Extract<ControlFrameRecord, { type: typeof SYN_REPLY }>;
