/**
 * The frontend write timeout (shrpx's --frontend-write-timeout): a client
 * that leaves what we send unread for that long loses its connection.
 *
 * "Unread" is seen from the socket: it wants draining (our writes are
 * backed up) and no 'drain' has come for the whole timeout. A client that
 * reads slowly still drains now and then and is left alone. One sweep
 * timer serves every connection, rather than a timer per write.
 */
import type { Duplex } from 'node:stream';

interface Watched {
  /** When the socket was last seen able to take more, or drained. */
  lastProgress: number;
}

export class WriteStallWatch {
  private readonly sockets = new Map<Duplex, Watched>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly onStall: (socket: Duplex) => void,
  ) {}

  /** Watches `socket` until it closes. */
  add(socket: Duplex): void {
    if (this.timeoutMs === 0 || this.sockets.has(socket)) return;
    const watched: Watched = { lastProgress: performance.now() };
    this.sockets.set(socket, watched);
    const onDrain = () => {
      watched.lastProgress = performance.now();
    };
    socket.on('drain', onDrain);
    socket.once('close', () => {
      socket.off('drain', onDrain);
      this.sockets.delete(socket);
      if (this.sockets.size === 0) this.stopTimer();
    });
    if (this.timer === null) {
      const period = Math.min(Math.max(this.timeoutMs / 4, 50), 5000);
      this.timer = setInterval(() => this.sweep(), period);
      this.timer.unref();
    }
  }

  /** Stops watching everything. */
  stop(): void {
    this.stopTimer();
    this.sockets.clear();
  }

  private sweep(): void {
    const now = performance.now();
    for (const [socket, watched] of this.sockets) {
      if (!socket.writableNeedDrain) {
        watched.lastProgress = now;
      } else if (now - watched.lastProgress >= this.timeoutMs) {
        this.sockets.delete(socket);
        this.onStall(socket);
      }
    }
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
