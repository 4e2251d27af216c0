/**
 * Flow control: the send and receive windows of every stream (SPDY/3) and
 * of the session (SPDY/3.1, stream 0), the automatic WINDOW_UPDATE policy,
 * and the verdict on a peer that sends past a receive window. Nothing else
 * in the session does window arithmetic: receive.ts, send.ts and the
 * machine report what happened (DATA in or out, WINDOW_UPDATE in or out,
 * SETTINGS, consume()) and act on what this module answers.
 *
 * The drafts' words (draft 3 §2.6.8, draft 3.1 §2.6.8): the send window is
 * what we may still send, the receive window what the peer may still send
 * us; WINDOW_UPDATE carries a delta-window-size; every window starts at
 * INITIAL_WINDOW_SIZE, 64 KiB unless SETTINGS says otherwise (the session
 * window always 64 KiB).
 *
 * Receiving, a window is counted down as DATA arrives and up again when our
 * WINDOW_UPDATE is written (not when it is queued: the peer cannot count on
 * one it has not received). What arrived and is not yet acknowledged is the
 * `unacked` count; the policy sends a WINDOW_UPDATE for all of it once it
 * reaches half the window, as spdylay does:
 *
 *   automatic (default)   DATA in ──▶ recvUnacked ──half──▶ WINDOW_UPDATE
 *   autoWindowUpdate off  consume() ──▶ consumedUnacked ──half──▶ WINDOW_UPDATE
 *                         dropped DATA ──▶ droppedUnacked ──half──▶ WINDOW_UPDATE (session only)
 *
 * "Half" is half our INITIAL_WINDOW_SIZE for a stream and half the session
 * window we advertise for the session (64 KiB, widened by a WINDOW_UPDATE
 * for stream 0 the application submits beyond what it acknowledges).
 */
import { FLOW_CONTROL_ERROR, GOAWAY_PROTOCOL_ERROR, SETTINGS_INITIAL_WINDOW_SIZE } from '../constants.js';
import type { VersionFacts } from '../version.js';
import { INITIAL_WINDOW_SIZE, MAX_31BIT } from '../wire.js';
import type { Settings } from './settings.js';
import type { Stream } from './stream.js';
import type { ReadonlyStreamMap } from './stream-map.js';
import { SHUT_RD } from './stream-table.js';

/**
 * A flow-control violation by the peer, and the answer it gets: a stream
 * error (RST_STREAM with `status`) or a session error (GOAWAY with
 * `status`). A record, not an exception: the caller answers it.
 */
export type FlowVerdict =
  | { readonly scope: 'stream'; readonly streamId: number; readonly status: number }
  | { readonly scope: 'session'; readonly status: number };

const SESSION_OVERRUN: FlowVerdict = Object.freeze({ scope: 'session', status: GOAWAY_PROTOCOL_ERROR });

/**
 * What flow control needs of the session: its SETTINGS, and its outbound
 * queue for WINDOW_UPDATE (stream 0 is the session), either one the
 * application asked for or a reply to the peer's DATA (which counts
 * against maxQueuedReplies, reply-backlog.ts).
 */
export interface FlowControlSession {
  readonly settings: Settings;
  addWindowUpdate(streamId: number, deltaWindowSize: number): void;
  replyWindowUpdate(streamId: number, deltaWindowSize: number): void;
}

/** One stream's windows and its unacknowledged counts. */
export class StreamWindow {
  /** What we may still send; below zero after the peer lowered INITIAL_WINDOW_SIZE. */
  private send: number;
  /** What the peer may still send us; below zero means it overran. */
  private recv: number;
  /** Received DATA bytes not yet acknowledged (spdylay's recv_window_size). */
  private recvUnacked = 0;
  /** With autoWindowUpdate off: bytes the application consumed, not yet acknowledged. */
  private consumedUnacked = 0;

  constructor(sendWindow: number, recvWindow: number) {
    this.send = sendWindow;
    this.recv = recvWindow;
  }

  get sendWindow(): number {
    return this.send;
  }

  /** Spends send window on DATA going out. */
  spend(length: number): void {
    this.send -= length;
  }

  /** A WINDOW_UPDATE or a new INITIAL_WINDOW_SIZE from the peer; false (nothing changed) past 2^31-1. */
  widen(deltaWindowSize: number): boolean {
    if (MAX_31BIT - deltaWindowSize < this.send) return false;
    this.send += deltaWindowSize;
    return true;
  }

  /** The peer changed INITIAL_WINDOW_SIZE: the window moves by the difference, below zero if need be. */
  shift(delta: number): void {
    this.send += delta;
  }

  /** Charges DATA arriving against the receive window: false when it overran. */
  charge(length: number): boolean {
    this.recv -= length;
    return this.recv >= 0;
  }

  /** Our WINDOW_UPDATE (or a raised INITIAL_WINDOW_SIZE) lets the peer send that much more. */
  grant(deltaWindowSize: number): void {
    this.recv += deltaWindowSize;
  }

  /** Counts received bytes; returns the amount to acknowledge now, or null. */
  received(length: number, threshold: number, automatic: boolean): number | null {
    this.recvUnacked += length;
    if (!automatic || this.recvUnacked < threshold) return null;
    const delta = this.recvUnacked;
    this.recvUnacked = 0;
    return delta;
  }

  /** Takes the unacknowledged bytes if there are any and they reach `threshold`; else null. */
  takeUnacked(threshold: number): number | null {
    if (this.recvUnacked === 0 || this.recvUnacked < threshold) return null;
    const delta = this.recvUnacked;
    this.recvUnacked = 0;
    return delta;
  }

  /** Counts bytes the application consumed; returns the amount to acknowledge now, or null. */
  consumed(length: number, threshold: number): number | null {
    this.consumedUnacked += length;
    if (this.consumedUnacked < threshold) return null;
    const delta = this.consumedUnacked;
    this.consumedUnacked = 0;
    return delta;
  }

  /** The application submitted a WINDOW_UPDATE: it acknowledges up to what was received. */
  acknowledged(deltaWindowSize: number): void {
    this.recvUnacked -= Math.min(deltaWindowSize, this.recvUnacked);
  }
}

/**
 * The session's windows (SPDY/3.1) and the rules for every stream's:
 * what may be sent, what may be received, when to send WINDOW_UPDATE.
 */
export class FlowControl {
  /** Session send window: what we may still send on all streams together. */
  private sessionSend = INITIAL_WINDOW_SIZE;
  /** Session receive window: what the peer may still send on all streams together. */
  private sessionRecv = INITIAL_WINDOW_SIZE;
  /**
   * The session receive window we advertise: 64 KiB, widened by every
   * WINDOW_UPDATE for stream 0 the application grants beyond what it
   * acknowledges, so the automatic updates grow with it.
   */
  private sessionRecvSize = INITIAL_WINDOW_SIZE;
  private sessionRecvUnacked = 0;
  /** With autoWindowUpdate off: bytes of dropped DATA, which the session acknowledges itself. */
  private sessionDroppedUnacked = 0;
  /** With autoWindowUpdate off: bytes the application consumed, not yet acknowledged. */
  private sessionConsumedUnacked = 0;
  /**
   * The largest INITIAL_WINDOW_SIZE we ever advertised. A peer may send
   * under an older, larger window until our SETTINGS reaches it, so a new
   * stream's receive window starts here: the check is never stricter than
   * the peer's view.
   */
  private streamRecvCeiling = INITIAL_WINDOW_SIZE;

  constructor(
    private readonly facts: VersionFacts,
    /**
     * Our INITIAL_WINDOW_SIZE sets the stream threshold, the peer's starts
     * our stream send windows; WINDOW_UPDATEs go to its queue.
     */
    private readonly session: FlowControlSession,
    /** Send WINDOW_UPDATE as DATA arrives (config.autoWindowUpdate). */
    readonly automatic: boolean,
    /** How far the peer may overrun the session receive window before it is a session error (config). */
    private readonly overrunTolerance: number,
  ) {}

  /** The windows a new stream starts with. */
  openStream(): StreamWindow {
    return new StreamWindow(this.session.settings.remote(SETTINGS_INITIAL_WINDOW_SIZE), this.streamRecvCeiling);
  }

  // ---- sending ----

  /**
   * The most a data source may be asked for now: `chunkSize`, bounded by the
   * stream window (SPDY/3) and the session window (SPDY/3.1). 0 means the
   * DATA must wait for a WINDOW_UPDATE or SETTINGS.
   */
  sendable(stream: Stream, chunkSize: number): number {
    if (!this.facts.streamFlowControl) return chunkSize;
    let length = Math.min(chunkSize, stream.window.sendWindow);
    if (this.facts.sessionFlowControl) length = Math.min(length, this.sessionSend);
    return length > 0 ? length : 0;
  }

  /** A DATA frame of `length` goes out: it uses that much of the send windows. */
  spend(stream: Stream, length: number): void {
    if (!this.facts.streamFlowControl) return;
    stream.window.spend(length);
    if (this.facts.sessionFlowControl) this.sessionSend -= length;
  }

  /** True when DATA deferred for window on `stream` may try again (its stream window is open). */
  mayResume(stream: Stream): boolean {
    return stream.window.sendWindow > 0;
  }

  /**
   * A WINDOW_UPDATE from the peer, for `stream` or (null) the session. A
   * window past 2^31-1 is FLOW_CONTROL_ERROR for a stream (draft 3 §2.6.8)
   * and a session error for the session (draft 3.1 §2.6.8); the window is
   * then left as it was. Returns null when the window grew.
   */
  recvWindowUpdate(stream: Stream | null, deltaWindowSize: number): FlowVerdict | null {
    if (stream === null) {
      if (MAX_31BIT - deltaWindowSize < this.sessionSend) return SESSION_OVERRUN;
      this.sessionSend += deltaWindowSize;
      return null;
    }
    if (stream.window.widen(deltaWindowSize)) return null;
    return { scope: 'stream', streamId: stream.id, status: FLOW_CONTROL_ERROR };
  }

  /** True when the session send window is open (SPDY/3.1), so deferred DATA may try again. */
  get sessionSendOpen(): boolean {
    return this.sessionSend > 0;
  }

  /**
   * The peer sent INITIAL_WINDOW_SIZE `value` (call before storing it).
   * Every open stream's send window moves by the difference, below zero if
   * need be (draft 3 §2.6.4); the session window stays. A window is 31 bits
   * (draft 3 §2.6.8): spdylay skips applying a larger value to open streams
   * but records it, so every later stream opens with a negative window; we
   * ignore the entry altogether, and return false so that it is not stored
   * (test: "INITIAL_WINDOW_SIZE of 2^31 or more is ignored").
   */
  remoteInitialWindowSize(value: number, streams: ReadonlyStreamMap<Stream>): boolean {
    if (value > MAX_31BIT) return false;
    if (!this.facts.streamFlowControl) return true;
    const delta = value - this.session.settings.remote(SETTINGS_INITIAL_WINDOW_SIZE);
    for (const stream of streams.values()) stream.window.shift(delta);
    return true;
  }

  // ---- receiving ----

  /**
   * The head of a DATA frame of `length` is in, for `stream` (undefined when
   * the frame is dropped whatever its size). Windows are charged with the
   * declared length, so the verdict never depends on how the bytes were
   * chunked. The session window counts every frame, dropped or not: the
   * peer counted them too. Returns null when the frame fits.
   *
   * spdylay never checks that the peer stays inside a receive window. We do:
   * a stream overrun is RST_STREAM FLOW_CONTROL_ERROR (test: "a peer
   * overrunning a stream window gets FLOW_CONTROL_ERROR"); a session
   * overrun beyond the configured allowance (sessionWindowOverrunTolerance,
   * for peers that miscount by a frame) is a session error (test: "a peer
   * overrunning the session window gets GOAWAY PROTOCOL_ERROR").
   */
  recvData(stream: Stream | undefined, length: number): FlowVerdict | null {
    if (this.facts.sessionFlowControl) {
      this.sessionRecv -= length;
      if (this.sessionRecv < -this.overrunTolerance) return SESSION_OVERRUN;
    }
    if (stream === undefined || !this.facts.streamFlowControl || stream.window.charge(length)) return null;
    return { scope: 'stream', streamId: stream.id, status: FLOW_CONTROL_ERROR };
  }

  /**
   * A DATA frame of `length` has been received whole: delivered on `stream`,
   * or dropped (undefined). Counts it towards the automatic WINDOW_UPDATEs.
   *
   * spdylay counts per input chunk, so its amounts depend on how the bytes
   * were cut; we count whole frames, so the same bytes give the same frames
   * whatever the chunking (test: "automatic WINDOW_UPDATE amounts do not
   * depend on chunking"). A frame with FIN counts nothing for its stream: a
   * finished stream needs no more window (as spdylay). Dropped bytes still
   * count for the session: with autoWindowUpdate off the application is
   * never given them (a stream reset meanwhile, a refused frame), so
   * without this they would close the session window for good; spdylay's
   * NO_AUTO_WINDOW_UPDATE2 does the same (test: "with autoWindowUpdate off,
   * dropped DATA is acknowledged at session level"). A session overrun
   * fails the session, which reads nothing more: its GOAWAY is the answer.
   */
  dataReceived(stream: Stream | undefined, length: number, fin: boolean): void {
    if (this.facts.sessionFlowControl) this.sessionReceived(length, stream === undefined);
    if (stream === undefined || fin || !this.facts.streamFlowControl) return;
    const delta = stream.window.received(length, this.streamThreshold, this.automatic);
    if (delta !== null) this.session.replyWindowUpdate(stream.id, delta);
  }

  /**
   * spdylay uses half the initial 64 KiB whatever the session window, so a
   * widened window is topped up in small steps; ours are half the window
   * we advertise.
   */
  private sessionReceived(length: number, dropped: boolean): void {
    const threshold = this.sessionRecvSize / 2;
    if (!this.automatic && dropped) {
      this.sessionDroppedUnacked += length;
      if (this.sessionDroppedUnacked >= threshold) {
        this.session.replyWindowUpdate(0, this.sessionDroppedUnacked);
        this.sessionDroppedUnacked = 0;
      }
      return;
    }
    this.sessionRecvUnacked += length;
    if (this.automatic && this.sessionRecvUnacked >= threshold) {
      this.session.replyWindowUpdate(0, this.sessionRecvUnacked);
      this.sessionRecvUnacked = 0;
    }
  }

  /** Half our INITIAL_WINDOW_SIZE: when a stream's unacknowledged bytes are acknowledged. */
  private get streamThreshold(): number {
    return this.session.settings.local(SETTINGS_INITIAL_WINDOW_SIZE) / 2;
  }

  /**
   * With autoWindowUpdate off: the application has taken `length` bytes of
   * DATA received on `stream` (undefined when the stream is gone: the bytes
   * still count for the session). A WINDOW_UPDATE goes out once half a
   * window has been consumed, per session (SPDY/3.1) and per stream, as the
   * automatic policy does on arrival. A stream whose peer has finished
   * sending needs no more window.
   */
  consume(stream: Stream | undefined, length: number): void {
    if (length === 0 || !this.facts.streamFlowControl) return;
    if (this.facts.sessionFlowControl) {
      this.sessionConsumedUnacked += length;
      if (this.sessionConsumedUnacked >= this.sessionRecvSize / 2) {
        this.session.addWindowUpdate(0, this.sessionConsumedUnacked);
        this.sessionConsumedUnacked = 0;
      }
    }
    if (stream === undefined || stream.state & SHUT_RD) return;
    const delta = stream.window.consumed(length, this.streamThreshold);
    if (delta !== null) this.session.addWindowUpdate(stream.id, delta);
  }

  /**
   * The application submits a WINDOW_UPDATE for `stream` or (null) the
   * session; it is queued here. It acknowledges up to what was received;
   * for the session, what goes beyond widens the window we advertise.
   */
  submitWindowUpdate(streamId: number, stream: Stream | undefined, deltaWindowSize: number): void {
    if (streamId === 0) {
      const acknowledged = Math.min(deltaWindowSize, this.sessionRecvUnacked);
      this.sessionRecvUnacked -= acknowledged;
      this.sessionRecvSize = Math.min(MAX_31BIT, this.sessionRecvSize + deltaWindowSize - acknowledged);
    } else {
      stream?.window.acknowledged(deltaWindowSize);
    }
    this.session.addWindowUpdate(streamId, deltaWindowSize);
  }

  /**
   * A WINDOW_UPDATE of ours has been written: the peer may now send that
   * much more, on `stream` or (stream 0) the session.
   */
  windowUpdateSent(streamId: number, stream: Stream | undefined, deltaWindowSize: number): void {
    if (streamId === 0) this.sessionRecv += deltaWindowSize;
    else stream?.window.grant(deltaWindowSize);
  }

  /**
   * Our INITIAL_WINDOW_SIZE is now `value` (call after storing it). Raising
   * it above every value advertised before widens the receive window of open
   * streams by the difference (draft 3 §2.6.4); lowering it leaves them
   * alone, since the peer may not have applied it yet.
   *
   * The automatic threshold moves with it, and is otherwise checked only as
   * DATA arrives; a lowered value can close the peer's window so that no
   * DATA comes, and both sides would wait for ever. So every stream whose
   * unacknowledged bytes reach the new threshold is acknowledged now (test:
   * "lowering INITIAL_WINDOW_SIZE acknowledges what already reached the new
   * threshold").
   */
  localInitialWindowSize(value: number, streams: ReadonlyStreamMap<Stream>): void {
    if (value > this.streamRecvCeiling) {
      const delta = value - this.streamRecvCeiling;
      this.streamRecvCeiling = value;
      for (const stream of streams.values()) stream.window.grant(delta);
    }
    if (!this.automatic || !this.facts.streamFlowControl) return;
    const threshold = this.streamThreshold;
    for (const stream of streams.values()) {
      if (stream.state & SHUT_RD) continue;
      const delta = stream.window.takeUnacked(threshold);
      if (delta !== null) this.session.addWindowUpdate(stream.id, delta);
    }
  }
}
