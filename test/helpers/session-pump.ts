/**
 * Time limits and the smallest honest driver for a Session over a Node
 * duplex, for tests that talk to a real peer: bytes from the duplex go to
 * memRecv, memSend's output is written to the duplex (waiting for 'drain'
 * when the duplex pushes back), one pass per setImmediate, until the
 * session wants neither to read nor to write. The pump stops itself at its
 * Deadline or after a fixed number of passes, so a stuck exchange fails
 * instead of hanging.
 */
import type { Duplex } from 'node:stream';
import type { Session } from '../../src/index.js';

/** A per-test time limit: every wait and the pump check it. */
export class Deadline {
  readonly at: number;
  constructor(readonly ms: number) {
    this.at = Date.now() + ms;
  }
  get expired(): boolean {
    return Date.now() > this.at;
  }
}

const POLL_MS = 1;

/** Resolves once `condition()` holds; rejects at the deadline, naming what was awaited. */
export async function waitFor(condition: () => boolean, what: string, deadline: Deadline): Promise<void> {
  const maxPolls = Math.ceil(deadline.ms / POLL_MS) + 1;
  for (let poll = 0; poll < maxPolls; poll++) {
    if (condition()) return;
    if (deadline.expired) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** Lets both event loops run for about `ms` (used to show that nothing more happens). */
export async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Drives a Session over a duplex: bytes in to memRecv, memSend out, one pass per setImmediate. */
export class SessionPump {
  /** The first exception from the session (a callback's, rethrown by memRecv/memSend) or a limit. */
  error: unknown = null;
  passes = 0;
  private scheduled = false;
  private stopped = false;
  private waitingForDrain = false;
  /** Input kept back while held (see hold()). */
  private held: Buffer[] | null = null;

  constructor(
    private readonly session: Session,
    private readonly socket: Duplex,
    private readonly deadline: Deadline,
    private readonly maxPasses = 200_000,
  ) {
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
  }

  /** True once the session wants neither to read nor to write (or the pump was stopped). */
  get done(): boolean {
    return this.stopped;
  }

  /** Schedules a pass (after submit* calls made outside the session's callbacks). */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.pass);
  }

  /** Keeps incoming bytes back from the session until release(), so a test can make frames cross on the wire. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const chunk of held) this.onData(chunk);
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.socket.off('data', this.onData);
    this.socket.off('drain', this.onDrain);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    if (this.held !== null) {
      this.held.push(chunk);
      return;
    }
    try {
      this.session.memRecv(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.kick();
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.kick();
  };

  private readonly pass = (): void => {
    this.scheduled = false;
    if (this.stopped) return;
    if (++this.passes > this.maxPasses) return this.fail(new Error(`pump gave up after ${this.maxPasses} passes`));
    if (this.deadline.expired) return this.fail(new Error('pump stopped at the deadline'));
    try {
      while (!this.waitingForDrain) {
        const out = this.session.memSend();
        if (out === null) break;
        // Backpressure: a false return means the peer has not read what it has yet.
        if (!this.socket.write(out)) this.waitingForDrain = true;
      }
    } catch (err) {
      return this.fail(err);
    }
    if (!this.session.wantRead() && !this.session.wantWrite()) this.stop();
  };

  private fail(err: unknown): void {
    if (this.error === null) this.error = err;
    this.stop();
  }
}
