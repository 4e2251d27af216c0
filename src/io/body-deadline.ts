/**
 * Times the peer's half of one stream (on the server, a request whose body
 * has not ended), so that a client cannot hold a stream open by sending
 * nothing or by trickling its body (slowloris). Two rules:
 *
 * - idle: no DATA for `idleTimeout` ms;
 * - rate: past the first `idleTimeout` ms, the body must average at least
 *   `minRate` bytes per second (Apache's mod_reqtimeout MinRate rule: each
 *   `minRate` bytes received buy one more second).
 *
 * Only time spent waiting on the peer counts: while we hold it back (the
 * stream's reader is behind, so its window stays shut, or the connection's
 * reading is paused) the clock stops. One timer per stream, touched
 * neither per DATA frame nor per pause: it goes off at the earliest moment
 * a rule could be broken and looks again then (a pause only makes it look
 * too early, and it is set again for what is left).
 */

export interface BodyLimits {
  /** Most ms without DATA (0: no clock at all). */
  idleTimeout: number;
  /** Least average bytes per second past the first idleTimeout (0: no rate rule). */
  minRate: number;
}

/** Why the peer is not being waited on. */
export type Hold = 'reader' | 'connection';

export class BodyDeadline {
  private received = 0;
  /** Waited time (ms) at the last DATA. */
  private lastData = 0;
  /** Waited time (ms) in spells that have ended. */
  private waitedBefore = 0;
  /** When the current spell of waiting began (performance.now()); -1 while held. */
  private spellStart = -1;
  private readonly holds = new Set<Hold>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly limits: BodyLimits,
    /** Called once, with what the peer failed to do. */
    private readonly onExpire: (reason: string) => void,
    held: readonly Hold[] = [],
  ) {
    for (const hold of held) this.holds.add(hold);
    if (this.holds.size === 0) this.startSpell();
  }

  /** `length` bytes of DATA arrived. */
  data(length: number): void {
    if (this.stopped || length === 0) return;
    this.received += length;
    this.lastData = this.waited();
  }

  /** We hold the peer back for `hold`, or stopped doing so. */
  setHeld(hold: Hold, held: boolean): void {
    if (this.stopped || this.holds.has(hold) === held) return;
    const wasWaiting = this.holds.size === 0;
    if (held) this.holds.add(hold);
    else this.holds.delete(hold);
    const waiting = this.holds.size === 0;
    if (wasWaiting && !waiting) this.endSpell();
    else if (!wasWaiting && waiting) this.startSpell();
  }

  /** The peer finished its half (or the stream closed): nothing more to time. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private waited(): number {
    return this.waitedBefore + (this.spellStart >= 0 ? performance.now() - this.spellStart : 0);
  }

  private startSpell(): void {
    this.spellStart = performance.now();
    if (this.timer === null) this.arm();
  }

  private endSpell(): void {
    this.waitedBefore = this.waited();
    this.spellStart = -1;
  }

  /** The waited time at which a rule is broken, given what has arrived so far. */
  private deadline(): number {
    const { idleTimeout, minRate } = this.limits;
    const idle = this.lastData + idleTimeout;
    if (minRate <= 0) return idle;
    return Math.min(idle, idleTimeout + (this.received * 1000) / minRate);
  }

  private arm(): void {
    const left = this.deadline() - this.waited();
    this.timer = setTimeout(this.check, Math.max(1, Math.ceil(left)));
    this.timer.unref?.();
  }

  private readonly check = (): void => {
    this.timer = null;
    // Held: the next spell of waiting sets it again.
    if (this.stopped || this.spellStart < 0) return;
    const waited = this.waited();
    if (waited < this.deadline()) {
      this.arm();
      return;
    }
    this.stop();
    const { idleTimeout, minRate } = this.limits;
    if (waited - this.lastData >= idleTimeout) {
      this.onExpire(`no DATA from the peer for ${idleTimeout} ms`);
    } else {
      const seconds = waited / 1000;
      this.onExpire(`the body came at under ${minRate} bytes/s (${this.received} bytes in ${seconds.toFixed(1)} s of waiting)`);
    }
  };

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
