/**
 * The rapid-reset guard: a peer that opens streams and resets them itself
 * before they complete makes us do the work of starting each one (the
 * application's handler runs on every SYN_STREAM) at no cost to itself.
 * nghttp2 meets this with a token bucket per session (1000 tokens, 33 more
 * a second) and ends the session with GOAWAY INTERNAL_ERROR when it runs
 * dry. The sans-IO core has no clock, so its bucket refills per stream
 * instead of per second: each stream of the peer's that it resets spends a
 * token, each stream of the peer's that completes (closes with OK) gives
 * one back, up to the bound (config maxPeerStreamResets). A peer that
 * completes streams as it resets others never runs dry; one that only
 * resets is ended after the bound, whatever the time it takes.
 *
 * Bounded work per reset: a reset costs the stream's close (and the close
 * of what was pushed for it), one callback each, and nothing queued.
 */

/** Default config.maxPeerStreamResets: nghttp2's burst of stream resets. */
export const DEFAULT_MAX_PEER_STREAM_RESETS = 1000;

export class ResetBudget {
  private tokens: number;

  constructor(readonly bound: number) {
    this.tokens = bound;
  }

  /** The peer reset one of its streams; false when that was one too many. */
  spend(): boolean {
    if (this.tokens === 0) return false;
    this.tokens--;
    return true;
  }

  /** One of the peer's streams completed. */
  refund(): void {
    if (this.tokens < this.bound) this.tokens++;
  }
}
