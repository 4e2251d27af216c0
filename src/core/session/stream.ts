/**
 * The per-stream record: state, windows, priority, the deferred DATA item
 * and the user's data. The rules about which frames may be sent or
 * received in which state, and where each leads, are the table in
 * stream-table.ts; this file only holds the facts.
 */
import type { OutboundDataItem } from './outbound.js';
import type { StreamState } from './stream-table.js';
import type { StreamWindow } from './window.js';

export class Stream {
  /** Its state in the stream table (stream-table.ts), half-closed bits included. */
  state: StreamState;
  /** The DATA item waiting for resumeData() or for window, if any. */
  deferred: OutboundDataItem | null = null;
  /** True when `deferred` waits for window (not for resumeData). */
  deferredByFlowControl = false;
  /** Streams the server pushed in association with this one (null until the first). */
  pushed: number[] | null = null;
  /** Its stream-close event has been emitted (see SessionState.closeStream). */
  closeReported = false;
  /** The header data received on it so far, as header-budget.ts counts it. */
  headerBytes = 0;

  constructor(
    readonly id: number,
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
