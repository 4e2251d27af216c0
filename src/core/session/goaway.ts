/**
 * GOAWAY both ways (draft 3 §2.6.6): spdylay's goaway_flags, plus the
 * moment ours is queued.
 */

const SENT = 1;
const RECEIVED = 2;
/** Set by failSession: once the GOAWAY is out, the session wants no more I/O. */
const FAILING = 4;
/** Ours is queued (or sent); not one of spdylay's flags. */
const QUEUED = 8;
/** spdylay's goaway_flags. */
const SPDYLAY_FLAGS = SENT | RECEIVED | FAILING;

export class GoawayState {
  private flags = 0;
  /** Why the session failed itself, in words for a log; null when it did not, or the application failed it. */
  failureReason: string | null = null;

  /**
   * Our GOAWAY is queued. Its last-good-stream-id is fixed now (API.md), so
   * from here on streams the peer opens are past it: they are ignored, as
   * after sending, rather than processed while the peer is told they were
   * not (test: "streams opened after submitGoaway, before the GOAWAY is
   * sent, are ignored").
   */
  markQueued(): void {
    this.flags |= QUEUED;
  }

  markSent(): void {
    this.flags |= SENT;
  }

  markReceived(): void {
    this.flags |= RECEIVED;
  }

  /** The GOAWAY being queued ends the session (spdylay's fail_session); the first reason given stays. */
  markFailing(reason: string | null): void {
    this.flags |= FAILING;
    this.failureReason ??= reason;
  }

  /** Our GOAWAY has been written. */
  get sent(): boolean {
    return (this.flags & SENT) !== 0;
  }

  /** The peer's GOAWAY has arrived. */
  get received(): boolean {
    return (this.flags & RECEIVED) !== 0;
  }

  /** Our GOAWAY is queued or written. */
  get ours(): boolean {
    return (this.flags & QUEUED) !== 0;
  }

  /** A GOAWAY went either way, or ours is queued to fail the session: spdylay's goaway_flags set. */
  get any(): boolean {
    return (this.flags & SPDYLAY_FLAGS) !== 0;
  }

  /** Our failing GOAWAY has been written: the session is over. */
  get failedAndSent(): boolean {
    return (this.flags & (FAILING | SENT)) === (FAILING | SENT);
  }
}
