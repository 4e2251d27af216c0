/**
 * The outbound queue, as spdylay orders it: two heaps keyed by (pri, seq).
 * SYN_STREAMs wait in their own heap so that they can be held back while
 * the peer's MAX_CONCURRENT_STREAMS is reached, without holding back
 * anything else. Everything else (other control frames and DATA) shares
 * the main heap. PING outranks every priority and SETTINGS comes next;
 * frames of a stream take the stream's priority; a GOAWAY takes the lowest.
 */
import { SYN_STREAM } from '../constants.js';
import type { ControlFrameRecord } from '../frame/types.js';
import type { PreparedHeaderBlock } from '../header-codec.js';
import { PriorityQueue } from './priority-queue.js';

/** Read control handed to a data source: set `flags = READ_EOF` at the end. */
export interface ReadControl {
  flags: number;
}

/**
 * Where DATA comes from. `read` returns at most `length` bytes, or
 * ERR_DEFERRED to wait for resumeData(). It may throw
 * TemporalCallbackFailureError (the stream is reset with INTERNAL_ERROR) or
 * CallbackFailureError (the session fails).
 */
export interface DataSource {
  read(streamId: number, length: number, control: ReadControl): Uint8Array | number;
}

/** spdylay's priority for PING: ahead of everything. */
export const PRI_PING = -10;
/** spdylay's priority for SETTINGS: ahead of every stream priority. */
export const PRI_SETTINGS = -1;

export const ITEM_CTRL = 0;
export const ITEM_DATA = 1;

export interface OutboundCtrlItem {
  kind: typeof ITEM_CTRL;
  pri: number;
  seq: number;
  frame: ControlFrameRecord;
  /** SYN_STREAM / SYN_REPLY: the body to send once this frame is out. */
  dataSource: DataSource | null;
  /** SYN_STREAM: user data for the stream it opens. */
  streamUserData: unknown;
  /** Header frames: the block the codec prepared at submit time, for the codec to encode. */
  block: PreparedHeaderBlock | null;
  /** Queued by the session in answer to the peer (reply-backlog.ts counts these), not submitted. */
  reply: boolean;
}

export interface OutboundDataItem {
  kind: typeof ITEM_DATA;
  pri: number;
  seq: number;
  streamId: number;
  /** DATA_FLAG_FIN when the last frame should carry FIN. */
  flags: number;
  source: DataSource;
  /** Set once the source has reported READ_EOF. */
  eof: boolean;
}

export type OutboundItem = OutboundCtrlItem | OutboundDataItem;

export class OutboundQueue {
  private readonly main = new PriorityQueue<OutboundItem>();
  private readonly synStreams = new PriorityQueue<OutboundCtrlItem>();

  /** spdylay's get_outbound_queue_size: both heaps, not the frame being sent. */
  get size(): number {
    return this.main.size + this.synStreams.size;
  }

  get hasMain(): boolean {
    return this.main.size > 0;
  }

  get hasSynStreams(): boolean {
    return this.synStreams.size > 0;
  }

  push(item: OutboundItem): void {
    if (item.kind === ITEM_CTRL && item.frame.type === SYN_STREAM) this.synStreams.push(item);
    else this.main.push(item);
  }

  /**
   * The item that would go next. A waiting SYN_STREAM competes by (pri, seq)
   * unless the peer's concurrency limit is reached, in which case it waits.
   */
  peek(synStreamBlocked: boolean): OutboundItem | undefined {
    return this.choose(synStreamBlocked, false);
  }

  pop(synStreamBlocked: boolean): OutboundItem | undefined {
    return this.choose(synStreamBlocked, true);
  }

  /** Empties both heaps (the session is over). */
  drain(): OutboundItem[] {
    return [...this.main.drain(), ...this.synStreams.drain()];
  }

  private choose(synStreamBlocked: boolean, remove: boolean): OutboundItem | undefined {
    const item = this.main.peek();
    const syn = synStreamBlocked ? undefined : this.synStreams.peek();
    if (syn === undefined) return remove ? this.main.pop() : item;
    if (item === undefined || syn.pri < item.pri || (syn.pri === item.pri && syn.seq < item.seq)) {
      return remove ? this.synStreams.pop() : syn;
    }
    return remove ? this.main.pop() : item;
  }
}
