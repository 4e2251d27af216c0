/**
 * The replies the session owes the peer and has queued but not yet handed
 * to memSend: PING echoes, RST_STREAMs answering its frames, WINDOW_UPDATEs
 * for the DATA it sent. A peer that sends and never reads could otherwise
 * grow this queue without end (a PING flood: spdylay queues an echo for
 * every PING, ~160 bytes each). nghttp2 bounds the same replies
 * (max_outbound_ack, 1000 by default); so do we (config maxQueuedReplies).
 *
 * At the bound the session stops reading: wantRead() is false until
 * memSend has taken some of them. A frame that arrives anyway fails the
 * session (receive.ts). Frames the application submits are not counted:
 * they are its own to bound.
 */

/** Default config.maxQueuedReplies: nghttp2's default max_outbound_ack. */
export const DEFAULT_MAX_QUEUED_REPLIES = 1000;

export class ReplyBacklog {
  private queued = 0;

  constructor(readonly bound: number) {}

  /** A reply went into the outbound queue. */
  added(): void {
    this.queued++;
  }

  /** A reply left the outbound queue (to be sent, or refused at send time). */
  taken(): void {
    this.queued--;
  }

  /** The queue was emptied (the transport is gone). */
  cleared(): void {
    this.queued = 0;
  }

  /** Replies waiting in the queue. */
  get size(): number {
    return this.queued;
  }

  /** The bound is reached: the session reads nothing more until memSend takes some. */
  get full(): boolean {
    return this.queued >= this.bound;
  }
}
