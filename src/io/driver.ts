/**
 * The loop between a socket and a SessionMachine: bytes read go into
 * memRecv, memSendv's frames go out corked as one writev (small ones
 * joined, bulk payloads as the views they are), and the session's end
 * ends the socket. One loop per connection, owning no protocol state.
 *
 * Backpressure:
 * - Writing: memSendv is called only while the socket wants more
 *   (`writableNeedDrain` false); otherwise the loop waits for 'drain'. A
 *   data source is therefore read no faster than the socket drains, and a
 *   slow reader holds our memory flat.
 * - Reading: the session pauses the socket through holdReading() (SPDY/2
 *   has no flow control, so a stream whose reader falls behind can only
 *   push back on the whole connection); and reading stops while the
 *   machine does not want to read but has frames to write (the replies it
 *   owes the peer are at their bound, or its failing GOAWAY waits), and
 *   while the socket cannot take our writes and the queue passes a bound,
 *   so a peer that sends but never reads cannot grow our queue without
 *   end. Reading resumes once the socket has taken what was queued.
 *
 * Bad input (see FrameWatch): the peer's first frame must be a control
 * frame of the session's version, and a control frame must arrive whole
 * within frameTimeout of its first byte. Otherwise the session fails with
 * GOAWAY PROTOCOL_ERROR, the reason goes to onProtocolViolation, and
 * nothing more the peer sends is read.
 *
 * Only documented public APIs of Node's streams are used (no handles, no
 * internals), so any Duplex works: net and TLS sockets, a socket handed
 * over by an HTTP 'upgrade', an in-memory pair.
 */
import type { Duplex, Writable } from 'node:stream';
import { GOAWAY_PROTOCOL_ERROR } from '../core/index.js';
import type { SessionMachine } from '../core/index.js';
import { describeForeignBytes } from './foreign-bytes.js';
import { FrameWatch } from './frame-watch.js';

export interface DriverHooks {
  /** The transport is gone; called once, just before the session is told (so its events can say why). */
  onTransportLost(): void;
  /** The socket closed; `error` says why when it was not a clean end. Called exactly once. */
  onClose(error: Error | null): void;
  /** The socket was idle for the idle timeout. */
  onTimeout(): void;
  /**
   * The peer broke a rule the machine cannot check (it does not speak SPDY,
   * or a control frame stalled); `reason` says what it did. The driver
   * fails the session with GOAWAY PROTOCOL_ERROR right after this call.
   */
  onProtocolViolation(reason: string): void;
  /** Reading the socket paused (true) or resumed (false): the peer cannot make progress meanwhile. */
  onReadingPaused?(paused: boolean): void;
}

export interface DriverOptions {
  /** Idle timeout in ms (no bytes either way); 0 for none. */
  idleTimeout: number;
  /** How long to wait for the peer to close after we ended our side, in ms. */
  closeTimeout: number;
  /** Frames queued while the socket cannot take them, past which reading pauses. */
  maxQueuedWhileBlocked: number;
  /**
   * How long a control frame may take to arrive whole, from its first byte,
   * in ms (0: no limit). Not counted while reading is paused on our side.
   */
  frameTimeout: number;
}

export const DEFAULT_DRIVER_OPTIONS: DriverOptions = {
  idleTimeout: 0,
  closeTimeout: 5000,
  maxQueuedWhileBlocked: 1000,
  frameTimeout: 30_000,
};

export class Driver {
  private writeScheduled = false;
  private waitingDrain = false;
  /** Reasons reading is paused (holdReading without releaseReading), plus the queue bound. */
  private readHolds = 0;
  private queueHold = false;
  private ending = false;
  private closed = false;
  private error: Error | null = null;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private lost = false;
  private readonly watch: FrameWatch;
  /** The peer broke a rule: the session is failing and its input is dropped. */
  private violated = false;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  /** The frame (FrameWatch's index) stallTimer is timing; -1 for none. */
  private stallFrame = -1;
  /** What onReadingPaused last said. */
  private pausedReported = false;

  constructor(
    readonly socket: Duplex,
    private readonly machine: SessionMachine,
    private readonly hooks: DriverHooks,
    private readonly options: DriverOptions = DEFAULT_DRIVER_OPTIONS,
  ) {
    this.watch = new FrameWatch(machine.facts.wireVersion);
  }

  /** Starts the loop; `head` holds bytes already read from the socket (an upgrade's head). */
  start(head?: Uint8Array): void {
    const socket = this.socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
    if (this.options.idleTimeout > 0 && 'setTimeout' in socket) {
      (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(this.options.idleTimeout);
      socket.on('timeout', this.onTimeout);
    }
    if (socket.destroyed) {
      this.onSocketClose();
      return;
    }
    if (head !== undefined && head.length > 0) this.receive(head);
    socket.resume();
    this.flushSoon();
  }

  /** True once the socket has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes what the session has to send, soon (submits in one tick share one write). */
  flushSoon(): void {
    if (this.writeScheduled || this.closed) return;
    this.writeScheduled = true;
    queueMicrotask(this.flush);
  }

  /** Pauses reading until a matching releaseReading(). */
  holdReading(): void {
    if (this.readHolds++ === 0 && !this.queueHold) {
      this.socket.pause();
      this.timeStalls();
      this.reportPaused();
    }
  }

  releaseReading(): void {
    if (this.readHolds === 0) return;
    if (--this.readHolds === 0 && !this.queueHold && !this.closed) {
      this.socket.resume();
      this.timeStalls();
      this.reportPaused();
    }
  }

  /**
   * Ends the connection at once: the session learns its transport is gone
   * (open streams close), and the socket is destroyed. `error` is what
   * onClose reports.
   */
  destroy(error: Error | null): void {
    if (this.closed) return;
    if (error !== null && this.error === null) this.error = error;
    this.loseTransport();
    this.socket.destroy();
  }

  // ---- the loop ----

  private readonly onData = (chunk: Uint8Array | string): void => {
    if (typeof chunk === 'string') {
      this.destroy(new TypeError('the socket delivered a string: it must not have an encoding set'));
      return;
    }
    this.receive(chunk);
  };

  private receive(chunk: Uint8Array): void {
    if (this.violated) return;
    const watch = this.watch;
    if (watch.firstFrame !== 'spdy' || this.options.frameTimeout > 0) watch.scan(chunk);
    if (watch.firstFrame === 'foreign') {
      const version = this.machine.facts.wireVersion;
      this.violation(`the peer does not speak SPDY/${version}: it sent ${describeForeignBytes(watch.openingBytes, version)}`);
      return;
    }
    try {
      this.machine.memRecv(chunk);
    } catch (error) {
      this.destroy(asError(error));
      return;
    }
    if (!this.queueHold && this.queueTooLong()) {
      this.queueHold = true;
      this.socket.pause();
      this.reportPaused();
    }
    this.timeStalls();
    this.flushSoon();
  }

  /** Reading must wait for the socket to take what is queued (see the header). */
  private queueTooLong(): boolean {
    const machine = this.machine;
    if (!machine.wantRead() && machine.wantWrite()) return true;
    return this.waitingDrain && machine.getOutboundQueueSize() > this.options.maxQueuedWhileBlocked;
  }

  /** Fails the session for something the peer did: GOAWAY PROTOCOL_ERROR, then nothing more is read. */
  private violation(reason: string): void {
    if (this.violated || this.closed) return;
    this.violated = true;
    this.clearStallTimer();
    this.hooks.onProtocolViolation(reason);
    try {
      this.machine.failSession(GOAWAY_PROTOCOL_ERROR);
    } catch (error) {
      this.destroy(asError(error));
      return;
    }
    // A peer that reads neither our GOAWAY nor closes must not hold the socket.
    this.armCloseTimer();
    this.flushSoon();
  }

  /**
   * Times the control frame the peer left incomplete, from its first byte
   * (a trickle of bytes does not restart the clock); a timer runs only
   * while we read, since a paused socket stalls the peer too.
   */
  private timeStalls(): void {
    if (this.options.frameTimeout <= 0 || this.violated || this.closed) return;
    const paused = this.readHolds > 0 || this.queueHold;
    const pending = paused ? -1 : this.watch.pendingControlFrame;
    if (pending === this.stallFrame) return;
    this.clearStallTimer();
    if (pending < 0) return;
    this.stallFrame = pending;
    this.stallTimer = setTimeout(this.onFrameStalled, this.options.frameTimeout);
    this.stallTimer.unref?.();
  }

  private reportPaused(): void {
    const paused = this.readHolds > 0 || this.queueHold;
    if (paused === this.pausedReported) return;
    this.pausedReported = paused;
    this.hooks.onReadingPaused?.(paused);
  }

  /** True while we do not read the socket (a reader is behind, or the peer does not read our replies). */
  get readingPaused(): boolean {
    return this.pausedReported;
  }

  private readonly onFrameStalled = (): void => {
    this.stallTimer = null;
    this.violation(`${this.watch.describePending()} did not arrive whole within ${this.options.frameTimeout} ms`);
  };

  private clearStallTimer(): void {
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.stallFrame = -1;
  }

  private readonly flush = (): void => {
    this.writeScheduled = false;
    if (this.closed) return;
    const socket = this.socket;
    while (!socket.writableNeedDrain && !socket.writableEnded) {
      let chunks: Uint8Array[] | null;
      try {
        chunks = this.machine.memSendv();
      } catch (error) {
        this.destroy(asError(error));
        return;
      }
      if (chunks === null) break;
      writeChunks(socket, chunks);
    }
    if (socket.writableNeedDrain && !this.waitingDrain) {
      this.waitingDrain = true;
      socket.once('drain', this.onDrain);
    }
    // The socket took everything queued: reading may go on.
    if (!this.waitingDrain) this.releaseQueueHold();
    this.endIfDone();
  };

  private readonly onDrain = (): void => {
    this.waitingDrain = false;
    this.releaseQueueHold();
    this.flush();
  };

  private releaseQueueHold(): void {
    if (!this.queueHold) return;
    this.queueHold = false;
    if (this.readHolds === 0 && !this.closed) {
      this.socket.resume();
      this.timeStalls();
      this.reportPaused();
    }
  }

  /** spdylay's rule: the session is over when it wants neither to read nor to write. */
  private endIfDone(): void {
    if (this.ending || this.closed) return;
    if (this.machine.wantRead() || this.machine.wantWrite()) return;
    this.ending = true;
    this.socket.end();
    // Keep reading (and dropping) until the peer closes too: closing with
    // unread bytes would make the kernel reset the connection, and the peer
    // could lose the last frames we wrote. A peer that never closes is cut
    // off after closeTimeout.
    this.armCloseTimer();
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== null || this.closed) return;
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeout);
    this.closeTimer.unref?.();
  }

  private readonly onEnd = (): void => {
    // The peer will send nothing more: whatever is open cannot finish.
    this.loseTransport();
    this.endIfDone();
  };

  private readonly onError = (error: Error): void => {
    if (this.error === null) this.error = error;
  };

  private readonly onTimeout = (): void => {
    this.hooks.onTimeout();
  };

  private readonly onSocketClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.clearStallTimer();
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('timeout', this.onTimeout);
    socket.off('drain', this.onDrain);
    // 'error' stays handled: a late error on a closed socket must not crash the process.
    this.loseTransport();
    this.hooks.onClose(this.error);
  };

  /** Tells the session, once, that nothing more will be read or written. */
  private loseTransport(): void {
    if (this.lost) return;
    this.lost = true;
    this.hooks.onTransportLost();
    try {
      this.machine.connectionLost();
    } catch (error) {
      if (this.error === null) this.error = asError(error);
    }
  }
}

/**
 * Neighbouring chunks are copied into one buffer of at most this many
 * bytes rather than written one by one: every socket write costs a
 * Writable entry, a Buffer made of the Uint8Array and an iovec, more than
 * copying the few KiB. Below 4 KiB, Buffer.allocUnsafe slices Node's
 * shared pool, so the copies cost no allocation of their own. Larger chunks
 * (bulk DATA payloads) go out as the views they are.
 */
export const JOIN_LIMIT = 4095;

/**
 * Writes one memSendv pass in order, corked so that it is one writev:
 * runs of frame heads, control frames and small payloads joined up to
 * JOIN_LIMIT, larger chunks uncopied.
 */
export function writeChunks(socket: Writable, chunks: Uint8Array[]): void {
  const n = chunks.length;
  if (n === 1) {
    socket.write(chunks[0]!);
    return;
  }
  socket.cork();
  let runStart = 0;
  let runBytes = 0;
  for (let i = 0; i < n; i++) {
    const length = chunks[i]!.length;
    if (runBytes + length > JOIN_LIMIT && i > runStart) {
      socket.write(joined(chunks, runStart, i, runBytes));
      runStart = i;
      runBytes = 0;
    }
    if (length > JOIN_LIMIT) {
      socket.write(chunks[i]!);
      runStart = i + 1;
      continue;
    }
    runBytes += length;
  }
  if (n > runStart) socket.write(joined(chunks, runStart, n, runBytes));
  socket.uncork();
}

/** chunks[from..to) as one buffer of `bytes` bytes (the chunk itself when the run is one). */
function joined(chunks: Uint8Array[], from: number, to: number, bytes: number): Uint8Array {
  if (to - from === 1) return chunks[from]!;
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = from; i < to; i++) {
    out.set(chunks[i]!, at);
    at += chunks[i]!.length;
  }
  return out;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
