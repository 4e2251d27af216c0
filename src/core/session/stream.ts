/**
 * The per-stream record: state, half-close bits, windows, priority, the
 * deferred DATA item and the user's data. Rules about which frames may be
 * sent or received in which state live in receive.ts and send.ts; this file
 * only holds the facts.
 *
 * States follow spdylay:
 *
 *   INITIAL ──SYN_STREAM sent──▶ OPENING ──SYN_REPLY sent/received──▶ OPENED
 *      (ours, queued)             (ours: waiting for the reply;
 *                                  theirs: we have not replied yet)
 *   any ──RST_STREAM queued──▶ CLOSING (frames for it are ignored until the RST goes out)
 *
 * Independently, SHUT_RD is set when the peer's FIN arrives (or the stream is
 * unidirectional towards us... see receive.ts) and SHUT_WR when our FIN is
 * sent; with both set the stream closes.
 */
import type { OutboundDataItem } from './outbound.js';
import type { StreamWindow } from './window.js';

export const StreamState = {
  /** A SYN_STREAM of ours is being prepared; not on the wire yet. */
  INITIAL: 0,
  /** Ours: SYN_STREAM sent, no SYN_REPLY yet. Theirs: received, not replied. */
  OPENING: 1,
  /** SYN_REPLY exchanged. */
  OPENED: 2,
  /** RST_STREAM queued for it. */
  CLOSING: 3,
} as const;
export type StreamState = (typeof StreamState)[keyof typeof StreamState];

/** No more frames will be received on the stream. */
export const SHUT_RD = 1;
/** No more frames may be sent on the stream. */
export const SHUT_WR = 2;
export const SHUT_RDWR = SHUT_RD | SHUT_WR;

export class Stream {
  state: StreamState;
  shutFlags = 0;
  /** The DATA item waiting for resumeData() or for window, if any. */
  deferred: OutboundDataItem | null = null;
  /** True when `deferred` waits for window (not for resumeData). */
  deferredByFlowControl = false;
  /** Streams the server pushed in association with this one (null until the first). */
  pushed: number[] | null = null;
  /** Its stream-close event has been emitted (see SessionCore.closeStream). */
  closeReported = false;

  constructor(
    readonly id: number,
    /** The SYN_STREAM flags the stream was opened with. */
    readonly flags: number,
    readonly pri: number,
    state: StreamState,
    /** Its send and receive windows (window.ts owns their rules). */
    readonly window: StreamWindow,
    public userData: unknown,
  ) {
    this.state = state;
  }

  /** Records a stream pushed in association with this one. */
  addPushed(streamId: number): void {
    (this.pushed ??= []).push(streamId);
  }

  shutdown(flag: number): void {
    this.shutFlags |= flag;
  }

  deferData(item: OutboundDataItem, byFlowControl: boolean): void {
    this.deferred = item;
    this.deferredByFlowControl = byFlowControl;
  }

  /** Takes the deferred item back, leaving none. */
  detachDeferred(): OutboundDataItem | null {
    const item = this.deferred;
    this.deferred = null;
    this.deferredByFlowControl = false;
    return item;
  }
}
