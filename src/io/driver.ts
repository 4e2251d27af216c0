/**
 * The loop between a socket and a SessionMachine: bytes read go into
 * memRecv, memSendv's views go out with cork/writev, and the session's end
 * ends the socket. One loop per connection, owning no protocol state.
 *
 * Backpressure:
 * - Writing: memSendv is called only while the socket wants more
 *   (`writableNeedDrain` false); otherwise the loop waits for 'drain'. A
 *   data source is therefore read no faster than the socket drains, and a
 *   slow reader holds our memory flat.
 * - Reading: the session pauses the socket through holdReading() (SPDY/2
 *   has no flow control, so a stream whose reader falls behind can only
 *   push back on the whole connection); and while the socket cannot take
 *   our writes, reading stops once the replies we owe the peer (PING
 *   echoes, RST_STREAMs) pass a bound, so a peer that sends but never reads
 *   cannot grow our queue without end.
 *
 * Only documented public APIs of Node's streams are used (no handles, no
 * internals), so any Duplex works: net and TLS sockets, a socket handed
 * over by an HTTP 'upgrade', an in-memory pair.
 */
import type { Duplex } from 'node:stream';
import type { SessionMachine } from '../core/index.js';

export interface DriverHooks {
  /** The transport is gone; called once, just before the session is told (so its events can say why). */
  onTransportLost(): void;
  /** The socket closed; `error` says why when it was not a clean end. Called exactly once. */
  onClose(error: Error | null): void;
  /** The socket was idle for the idle timeout. */
  onTimeout(): void;
}

export interface DriverOptions {
  /** Idle timeout in ms (no bytes either way); 0 for none. */
  idleTimeout: number;
  /** How long to wait for the peer to close after we ended our side, in ms. */
  closeTimeout: number;
  /** Frames queued while the socket cannot take them, past which reading pauses. */
  maxQueuedWhileBlocked: number;
}

export const DEFAULT_DRIVER_OPTIONS: DriverOptions = {
  idleTimeout: 0,
  closeTimeout: 5000,
  maxQueuedWhileBlocked: 1000,
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

  constructor(
    readonly socket: Duplex,
    private readonly machine: SessionMachine,
    private readonly hooks: DriverHooks,
    private readonly options: DriverOptions = DEFAULT_DRIVER_OPTIONS,
  ) {}

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
    if (this.readHolds++ === 0 && !this.queueHold) this.socket.pause();
  }

  releaseReading(): void {
    if (this.readHolds === 0) return;
    if (--this.readHolds === 0 && !this.queueHold && !this.closed) this.socket.resume();
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
    try {
      this.machine.memRecv(chunk);
    } catch (error) {
      this.destroy(asError(error));
      return;
    }
    if (this.waitingDrain && !this.queueHold && this.machine.getOutboundQueueSize() > this.options.maxQueuedWhileBlocked) {
      this.queueHold = true;
      this.socket.pause();
    }
    this.flushSoon();
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
      if (chunks.length === 1) {
        socket.write(chunks[0]);
      } else {
        socket.cork();
        for (const chunk of chunks) socket.write(chunk);
        socket.uncork();
      }
    }
    if (socket.writableNeedDrain && !this.waitingDrain) {
      this.waitingDrain = true;
      socket.once('drain', this.onDrain);
    }
    this.endIfDone();
  };

  private readonly onDrain = (): void => {
    this.waitingDrain = false;
    if (this.queueHold) {
      this.queueHold = false;
      if (this.readHolds === 0 && !this.closed) this.socket.resume();
    }
    this.flush();
  };

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

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
