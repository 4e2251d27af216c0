/**
 * A SPDY stream as a Node Duplex: what the peer sends on it is readable,
 * what is written goes out as DATA. Both directions keep backpressure:
 *
 * - Reading: a chunk the reader has not taken is not acknowledged, so the
 *   peer's window closes and it stops (consume() once the reader has it;
 *   nghttp2 does the same). SPDY/2 has no windows: there the connection's
 *   reading pauses until the reader catches up.
 * - Writing: the session reads the written chunks through a data source
 *   only as windows and the socket allow; a write's callback runs once its
 *   bytes are handed to the session, so `write()` returns false while they
 *   wait and 'drain' follows as they go.
 *
 * Besides the Duplex events: 'remoteEnd' once the peer has finished
 * sending (its FIN), whether or not the reader has taken everything yet.
 */
import { Duplex } from 'node:stream';
import { CANCEL, ERR_DEFERRED, OK, READ_EOF } from '../core/index.js';
import type { DataSource, ReadControl } from '../core/index.js';
import type { BodyDeadline } from './body-deadline.js';
import { SpdyError, streamResetError } from './errors.js';
import type { IncomingHeaders } from './headers.js';

/** What a stream needs from its session. */
export interface StreamOwner {
  /** The application took `length` bytes of the stream's DATA. */
  consume(stream: SpdyStream, length: number): void;
  /** New bytes were written while the data source was deferred. */
  resumeData(stream: SpdyStream): void;
  /** Resets the stream (RST_STREAM) unless it is already closed. */
  resetStream(stream: SpdyStream, statusCode: number): void;
  /** Pause / resume reading the connection (SPDY/2 backpressure). */
  holdReading(): void;
  releaseReading(): void;
  /** True when the version has flow control (SPDY/3 and 3.1). */
  readonly flowControlled: boolean;
}

const EMPTY = new Uint8Array(0);
const STREAM_HIGH_WATER_MARK = 64 * 1024;
/** The Duplex options of a stream made with the defaults: one object for all of them. */
const DEFAULT_DUPLEX_OPTIONS = Object.freeze({
  allowHalfOpen: true,
  readableHighWaterMark: STREAM_HIGH_WATER_MARK,
  writableHighWaterMark: STREAM_HIGH_WATER_MARK,
});

/**
 * What the session machine keeps as the user data of a stream we open: a
 * slot emptied when the stream closes, so that whatever of the machine's
 * outlives the stream (a queued item, an event a callback kept) keeps a
 * few bytes alive instead of the stream with its headers and listeners.
 */
export interface StreamSlot {
  stream: SpdyStream | null;
}

export class SpdyStream extends Duplex {
  /** The stream id, 0 until the SYN_STREAM is sent. */
  id = 0;
  /** The RST_STREAM status the stream closed with (OK = 0 for a normal close), once closed. */
  rstCode: number | undefined = undefined;
  /** Headers received (SYN_STREAM or SYN_REPLY), once they are. */
  headers: IncomingHeaders | undefined = undefined;
  /**
   * When true, RST_STREAM CANCEL from the peer ends the stream as a FIN
   * would: what arrived stays readable, then 'end'; what is written from
   * then on is dropped, since nobody will read it. Kubernetes' peers
   * (spdystream) end their channels that way. Otherwise (HTTP) a reset is
   * an error and the stream is destroyed with it.
   */
  peerCancelEnds = false;
  /** @internal Times the peer's half while it is open (the server's request bodies), when set. */
  deadline: BodyDeadline | null = null;

  /** Written chunks not yet handed to the session, each with its write callback. */
  private readonly pending: Array<{ bytes: Uint8Array; length: number; done: (error?: Error | null) => void }> = [];
  /** Bytes taken by the data source whose write callbacks have not run yet (they run in a microtask). */
  private handedUncalled = 0;
  /** The FIN has gone to the data source (READ_EOF): _final has nothing left to do. */
  private eofHanded = false;
  private finalCallback: ((error?: Error | null) => void) | null = null;
  private writeEnded = false;
  private sourceDeferred = false;
  /** Received bytes the reader has not taken yet (not acknowledged). */
  private unconsumed = 0;
  private holdingConnection = false;
  private closedBySession = false;
  /** Set when the application aborted it: its CANCEL is not an error. */
  private abortedLocally = false;
  /** The stream was ended with its headers (FIN on SYN_STREAM/SYN_REPLY): no data source. */
  private noBody = false;
  /** The peer cancelled the stream and peerCancelEnds is set: writes are dropped. */
  private discardingWrites = false;
  private finReceived = false;

  private dataSource: DataSource | null = null;
  private machineSlot: StreamSlot | null = null;

  /** @internal The machine's user data for this stream (made when it is submitted). */
  get slot(): StreamSlot {
    this.machineSlot ??= { stream: this };
    return this.machineSlot;
  }

  /** The data source the session reads this stream's body from (made on first use: most GETs have none). */
  get source(): DataSource {
    this.dataSource ??= { read: (streamId: number, length: number, control: ReadControl) => this.readBody(streamId, length, control) };
    return this.dataSource;
  }

  constructor(
    protected readonly owner: StreamOwner,
    options?: { readableHighWaterMark?: number; writableHighWaterMark?: number },
  ) {
    super(
      options === undefined
        ? DEFAULT_DUPLEX_OPTIONS
        : {
            allowHalfOpen: true,
            readableHighWaterMark: options.readableHighWaterMark ?? STREAM_HIGH_WATER_MARK,
            writableHighWaterMark: options.writableHighWaterMark ?? STREAM_HIGH_WATER_MARK,
          },
    );
  }

  /** Ends the writable side with the headers: no DATA will follow (the FIN rides on the header frame). */
  endWithHeaders(): void {
    this.noBody = true;
    this.end();
  }

  /** Aborts the stream: RST_STREAM CANCEL, and the stream is destroyed with `error` (none by default). */
  close(statusCode = CANCEL, error?: Error): void {
    this.abortedLocally = true;
    this.owner.resetStream(this, statusCode);
    this.destroy(error);
  }

  // ---- called by the session ----

  /** DATA arrived. `data` is a view of the socket's chunk, which Node never reuses: no copy. */
  receiveData(data: Uint8Array): void {
    this.deadline?.data(data.length);
    this.deliver(data, data.length);
  }

  /**
   * Hands `data` to the reader, standing for `received` bytes of DATA (a
   * decoded body's chunks stand for the coded bytes they came from): those
   * are acknowledged once the reader takes the chunk.
   */
  protected deliver(data: Uint8Array, received: number): void {
    if (this.readableEnded || this.destroyed || data.length === 0) {
      this.owner.consume(this, received);
      return;
    }
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.push(chunk)) {
      this.owner.consume(this, received);
      return;
    }
    this.unconsumed += received;
    // Its window stays shut until the reader catches up: the peer is not to blame meanwhile.
    this.deadline?.setHeld('reader', true);
    if (!this.owner.flowControlled && !this.holdingConnection) {
      this.holdingConnection = true;
      this.owner.holdReading();
    }
  }

  /** The peer finished sending (FIN). */
  receiveEnd(): void {
    const first = !this.finReceived;
    this.finReceived = true;
    this.deadline?.stop();
    if (!this.readableEnded && !this.destroyed) this.push(null);
    // 'end' waits for the reader to take everything; this says the peer is done now.
    if (first) this.emit('remoteEnd');
  }

  /** True once the peer has finished sending on this stream (its FIN arrived). */
  get remoteEnded(): boolean {
    return this.finReceived;
  }

  /**
   * The session closed the stream with `statusCode`. OK ends it normally;
   * anything else destroys it with an error, unless we reset it ourselves.
   * `error` overrides the error (a lost connection, a GOAWAY).
   */
  sessionClosed(statusCode: number, error?: SpdyError): void {
    if (this.closedBySession) return;
    this.closedBySession = true;
    this.deadline?.stop();
    if (this.machineSlot !== null) this.machineSlot.stream = null;
    this.rstCode = statusCode;
    this.releaseConnection();
    if (statusCode === OK && error === undefined) {
      this.receiveEnd();
      // Bytes still unwritten can no longer go out.
      if (!this.writableFinished && this.pending.length > 0) {
        this.destroy(new SpdyError('ERR_SPDY_STREAM_RESET', `stream ${this.id} closed with bytes unwritten`));
      }
      return;
    }
    if (this.abortedLocally && error === undefined) {
      this.destroy();
      return;
    }
    if (this.peerCancelEnds && statusCode === CANCEL && error === undefined) {
      this.receiveEnd();
      this.discardingWrites = true;
      for (const { done } of this.pending.splice(0)) done();
      this.finishWriting();
      return;
    }
    this.destroy(error ?? streamResetError(this.id, statusCode, true));
  }

  /** True once the session has closed the stream. */
  get isClosed(): boolean {
    return this.closedBySession;
  }

  /**
   * @internal True once the stream has closed the way a stream ends well:
   * the peer's FIN arrived, and no RST_STREAM either way, lost connection,
   * GOAWAY or timeout cut it short. Node may close the Duplex (both sides
   * done) before the session has sent our last frame: `rstCode` is then
   * still unset, and that close is a clean one too.
   */
  get closedCleanly(): boolean {
    return (
      this.destroyed &&
      this.finReceived &&
      !this.abortedLocally &&
      this.errored === null &&
      (this.rstCode === undefined || this.rstCode === OK)
    );
  }

  // ---- Duplex ----

  override _read(): void {
    this.releaseConnection();
    if (this.unconsumed > 0) {
      const n = this.unconsumed;
      this.unconsumed = 0;
      this.deadline?.setHeld('reader', false);
      this.owner.consume(this, n);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writeChunk(chunk, done);
  }

  /** What _write does with a chunk: it waits for the data source, and `done` runs once the session took it. */
  protected writeChunk(chunk: Uint8Array, done: (error?: Error | null) => void): void {
    if (this.discardingWrites) {
      done();
      return;
    }
    if (this.closedBySession) {
      done(new SpdyError('ERR_SPDY_STREAM_RESET', `stream ${this.id} is closed`));
      return;
    }
    if (this.noBody) {
      done(new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `stream ${this.id} was ended with its headers: no body can follow`));
      return;
    }
    if (chunk.length === 0) {
      // Nothing to send: queued, it would be read as "nothing now, more
      // later", and in SPDY/2 no WINDOW_UPDATE would ever ask again.
      done();
      return;
    }
    this.pending.push({ bytes: chunk, length: chunk.length, done });
    this.wakeSource();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.writeEnded = true;
    if (this.closedBySession || this.noBody || this.eofHanded) {
      done();
      return;
    }
    this.finalCallback = done;
    this.wakeSource();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.deadline?.stop();
    this.releaseConnection();
    // Node's autoDestroy comes once both sides have ended, which can be
    // before the session has sent our last frame: that closes the stream
    // by itself, so there is nothing to cancel.
    const endedBothWays = error === null && this.readableEnded && this.writableFinished;
    if (!this.closedBySession && !endedBothWays) {
      this.abortedLocally = true;
      this.owner.resetStream(this, CANCEL);
    }
    for (const { done: writeDone } of this.pending.splice(0)) writeDone(error ?? new SpdyError('ERR_SPDY_ABORTED', 'stream destroyed'));
    // Bytes received but never read still count for the session window.
    if (this.unconsumed > 0) {
      this.owner.consume(this, this.unconsumed);
      this.unconsumed = 0;
    }
    done(error);
  }

  // ---- the body's data source ----

  /** True when the stream has a body to send (not ended at creation). */
  protected get writeOpen(): boolean {
    return !this.writeEnded || this.pending.length > 0;
  }

  private wakeSource(): void {
    if (!this.sourceDeferred) return;
    this.sourceDeferred = false;
    this.owner.resumeData(this);
  }

  private readBody(streamId: number, length: number, control: ReadControl): Uint8Array | number {
    this.id = streamId;
    const head = this.pending[0];
    if (head === undefined) {
      if (!this.isLastWrite()) {
        this.sourceDeferred = true;
        return ERR_DEFERRED;
      }
      control.flags = READ_EOF;
      this.finishWriting();
      return EMPTY;
    }
    let bytes: Uint8Array;
    if (head.bytes.length <= length) {
      bytes = head.bytes;
      this.pending.shift();
      this.handedUncalled += head.length;
      queueMicrotask(() => {
        this.handedUncalled -= head.length;
        head.done();
      });
    } else {
      bytes = head.bytes.subarray(0, length);
      head.bytes = head.bytes.subarray(length);
    }
    if (this.pending.length === 0 && this.isLastWrite()) {
      control.flags = READ_EOF;
      this.finishWriting();
    }
    return bytes;
  }

  /**
   * True when no more bytes can come: end() was called and every byte the
   * Writable holds is one we have already taken. Then the last DATA frame
   * carries FIN instead of an empty frame after it.
   */
  private isLastWrite(): boolean {
    return this.writeEnded || (this.writableEnded && this.writableLength === this.handedUncalled);
  }

  private finishWriting(): void {
    this.eofHanded = true;
    const done = this.finalCallback;
    this.finalCallback = null;
    if (done !== null) queueMicrotask(() => done());
  }

  private releaseConnection(): void {
    if (!this.holdingConnection) return;
    this.holdingConnection = false;
    this.owner.releaseReading();
  }
}
