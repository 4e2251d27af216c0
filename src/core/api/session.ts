/**
 * python-spdylay's Session: the sans-IO machine (session/machine.ts) with
 * the Python module's callbacks on top, under their camelCase names.
 *
 * Callbacks are called at once, from inside send()/recv()/memSend()/
 * memRecv(), in spdylay's order; so submitResponse() inside
 * onRequestRecvCb sees what spdylay shows. An exception a callback throws
 * comes out of the call that ran it, as the same object, once the session
 * has finished the work in hand (state stays consistent, nothing is lost).
 */
import { CallbackFailureError, EOFError, InvalidArgumentError } from '../errors.js';
import type { NameValue, SettingsEntry } from '../frame/types.js';
import type { SessionEvent } from '../session/events.js';
import { SessionMachine } from '../session/machine.js';
import type { PreparedFrame } from '../session/machine.js';
import type { DataSource, ReadControl } from '../session/outbound.js';
import { RECV_CHUNK_SIZE } from '../wire.js';
import { concatBytes } from '../bytes.js';
import { DataProvider } from './data-provider.js';
import { frameFromRecord } from './frames.js';
import { checkedCallbacks } from './options.js';
import type { SessionCallbacks, SessionOptions } from './options.js';

export type { SendCallback, RecvCallback, SessionCallbacks, SessionOptions } from './options.js';

/** The frame being written through sendCb, with how much of it is out. */
interface ActiveFrame {
  readonly frame: PreparedFrame;
  readonly bytes: Uint8Array;
  offset: number;
}

export class Session {
  private readonly machine: SessionMachine;
  private readonly callbacks: SessionCallbacks;
  private readonly _userData: unknown;
  private active: ActiveFrame | null = null;

  /**
   * Throws InvalidArgumentError for a bad side, options that are not an
   * object, an unknown option or config key, a callback that is not a
   * function, or a config value out of range; UnsupportedVersionError for
   * an unknown version.
   */
  constructor(side: number, version: number, options?: SessionOptions) {
    this.callbacks = checkedCallbacks(options);
    this._userData = options?.userData ?? null;
    this.machine = new SessionMachine(side, version, (event) => this.dispatch(event), options?.config);
  }

  /** The userData given to the constructor (read-only). */
  get userData(): unknown {
    return this._userData;
  }

  // ---- I/O ----

  /**
   * Sends pending frames through sendCb, one frame at a time, until nothing
   * is left or sendCb would block (returns 0, null or undefined). A partly
   * written frame is resumed by the next call. Without a sendCb it throws
   * InvalidArgumentError and sends nothing (python-spdylay counts every
   * frame as written and drops it; memSend() is the way without a sendCb).
   */
  send(): void {
    const m = this.machine;
    const sendCb = this.callbacks.sendCb;
    if (sendCb === undefined) throw new InvalidArgumentError('send() needs a sendCb; without one, take the bytes from memSend()');
    m.beginSendPass();
    for (;;) {
      let active = this.active;
      if (active === null) {
        const frame = m.nextFrame();
        if (frame === null) break;
        const bytes = frame.payload === null ? frame.head : concatBytes([frame.head, frame.payload], frame.length);
        active = this.active = { frame, bytes, offset: 0 };
      }
      const rest = active.bytes.subarray(active.offset);
      const written = sendCb(this, rest);
      if (written === null || written === undefined || written === 0) break;
      if (!Number.isInteger(written) || written < 0 || written > rest.length) {
        throw new CallbackFailureError(`sendCb returned ${String(written)} for ${rest.length} bytes`);
      }
      active.offset += written;
      if (active.offset < active.bytes.length) continue;
      this.active = null;
      m.frameSent(active.frame);
    }
    m.rethrowPending();
  }

  /**
   * With `data`, processes it (as memRecv). Without, reads through recvCb in
   * 16384-byte requests until it would block (returns empty, null or
   * undefined) or the session stops wanting to read (wantRead(): it failed,
   * or the replies it owes the peer wait for send()). An EOFError thrown by
   * recvCb comes out of recv().
   */
  recv(data?: Uint8Array | null): void {
    if (data !== undefined && data !== null) {
      this.machine.memRecv(data);
      return;
    }
    const recvCb = this.callbacks.recvCb;
    if (recvCb === undefined) throw new CallbackFailureError('recv() without data needs a recvCb');
    while (this.machine.wantRead()) {
      let chunk: Uint8Array | null | undefined;
      try {
        chunk = recvCb(this, RECV_CHUNK_SIZE);
      } catch (error) {
        // At EOF the open streams can never finish: close them (their
        // callbacks fire here) before the EOFError comes out of recv().
        if (error instanceof EOFError) this.machine.connectionLost();
        throw error;
      }
      if (chunk === null || chunk === undefined || chunk.length === 0) return;
      if (!(chunk instanceof Uint8Array) || chunk.length > RECV_CHUNK_SIZE) {
        throw new CallbackFailureError(`recvCb must return at most ${RECV_CHUNK_SIZE} bytes`);
      }
      this.machine.memRecv(chunk);
    }
  }

  /**
   * Processes received bytes; returns how many were consumed, always all of
   * them. Once the session has failed (a GOAWAY of ours with a status other
   * than OK), lost its transport, or wants neither to read nor to write, the
   * bytes are dropped unread (no callback, no change) and still counted.
   */
  memRecv(data: Uint8Array): number {
    return this.machine.memRecv(data);
  }

  /** The next bytes to write, or null when nothing is pending. */
  memSend(): Uint8Array | null {
    if (this.active !== null) return this.takeActiveRest();
    return this.machine.memSend();
  }

  /** As memSend, but as views (frame heads and DATA payloads uncopied) for writev. */
  memSendv(): Uint8Array[] | null {
    if (this.active !== null) return [this.takeActiveRest()];
    return this.machine.memSendv();
  }

  // ---- state ----

  resumeData(streamId: number): boolean {
    return this.machine.resumeData(streamId);
  }

  wantRead(): boolean {
    return this.machine.wantRead();
  }

  wantWrite(): boolean {
    return this.active !== null || this.machine.wantWrite();
  }

  getStreamUserData(streamId: number): unknown {
    return this.machine.getStreamUserData(streamId);
  }

  getOutboundQueueSize(): number {
    return this.machine.getOutboundQueueSize();
  }

  getPriLowest(): number {
    return this.machine.getPriLowest();
  }

  failSession(statusCode: number): void {
    this.machine.failSession(statusCode);
  }

  /**
   * Not in python-spdylay: tells the session its transport ended, for
   * applications driving memRecv/memSend themselves (recv() does it when
   * recvCb raises EOFError). Open streams close with CANCEL through
   * onStreamCloseCb, queued SYN_STREAMs are reported through
   * onCtrlNotSendCb with ERR_EOF, and the session wants no more I/O.
   */
  connectionLost(): void {
    this.machine.connectionLost();
  }

  // ---- submit ----

  submitRequest<S>(pri: number, nv: readonly NameValue[], dataPrd?: DataProvider<S> | null, streamUserData?: unknown): void {
    this.machine.submitRequest(pri, nv, this.source(dataPrd), streamUserData);
  }

  submitResponse<S>(streamId: number, nv: readonly NameValue[], dataPrd?: DataProvider<S> | null): void {
    this.machine.submitResponse(streamId, nv, this.source(dataPrd));
  }

  submitSynStream(flags: number, pri: number, nv: readonly NameValue[], assocStreamId = 0, streamUserData?: unknown): void {
    this.machine.submitSynStream(flags, pri, nv, assocStreamId, streamUserData);
  }

  submitSynReply(flags: number, streamId: number, nv: readonly NameValue[]): void {
    this.machine.submitSynReply(flags, streamId, nv);
  }

  submitHeaders(flags: number, streamId: number, nv: readonly NameValue[]): void {
    this.machine.submitHeaders(flags, streamId, nv);
  }

  submitData<S>(streamId: number, flags: number, dataPrd: DataProvider<S>): void {
    const source = this.source(dataPrd);
    if (source === null) throw new InvalidArgumentError('submitData needs a DataProvider');
    this.machine.submitData(streamId, flags, source);
  }

  submitRstStream(streamId: number, statusCode: number): void {
    this.machine.submitRstStream(streamId, statusCode);
  }

  submitPing(): void {
    this.machine.submitPing();
  }

  submitGoaway(statusCode: number): void {
    this.machine.submitGoaway(statusCode);
  }

  submitSettings(flags: number, iv: readonly SettingsEntry[]): void {
    this.machine.submitSettings(flags, iv);
  }

  submitWindowUpdate(streamId: number, deltaWindowSize: number): void {
    this.machine.submitWindowUpdate(streamId, deltaWindowSize);
  }

  // ---- internals ----

  /** memSend after a partial sendCb write: the unwritten rest of that frame comes first. */
  private takeActiveRest(): Uint8Array {
    const active = this.active!;
    this.active = null;
    const rest = active.bytes.slice(active.offset);
    this.machine.frameSent(active.frame);
    this.machine.rethrowPending();
    return rest;
  }

  /** Adapts a DataProvider to the core's DataSource; readCb and source are read per call. */
  private source<S>(dataPrd: DataProvider<S> | null | undefined): DataSource | null {
    if (dataPrd === null || dataPrd === undefined) return null;
    if (!(dataPrd instanceof DataProvider) && (typeof dataPrd !== 'object' || typeof (dataPrd as DataProvider).readCb !== 'function')) {
      throw new InvalidArgumentError('dataPrd must be a DataProvider');
    }
    return {
      // null and undefined read as no bytes; other numbers than ERR_DEFERRED
      // and oversized results are refused by the machine as callback failures.
      read: (streamId: number, length: number, control: ReadControl): Uint8Array | number =>
        dataPrd.readCb(this, streamId, length, control, dataPrd.source) ?? EMPTY,
    };
  }

  /** One event, one callback: frame objects are built only when a callback takes them. */
  private dispatch(event: SessionEvent): void {
    const cb = this.callbacks;
    switch (event.type) {
      case 'ctrl-recv': {
        const frame = cb.onCtrlRecvCb && frameFromRecord(event.frame);
        if (frame) cb.onCtrlRecvCb!(this, frame);
        return;
      }
      case 'invalid-ctrl-recv': {
        const frame = cb.onInvalidCtrlRecvCb && frameFromRecord(event.frame);
        if (frame) cb.onInvalidCtrlRecvCb!(this, frame, event.statusCode);
        return;
      }
      case 'data-chunk-recv':
        cb.onDataChunkRecvCb?.(this, event.flags, event.streamId, event.data);
        return;
      case 'data-recv':
        cb.onDataRecvCb?.(this, event.flags, event.streamId, event.length);
        return;
      case 'before-ctrl-send': {
        const frame = cb.beforeCtrlSendCb && frameFromRecord(event.frame);
        if (frame) cb.beforeCtrlSendCb!(this, frame);
        return;
      }
      case 'ctrl-send': {
        const frame = cb.onCtrlSendCb && frameFromRecord(event.frame);
        if (frame) cb.onCtrlSendCb!(this, frame);
        return;
      }
      case 'ctrl-not-send': {
        const frame = cb.onCtrlNotSendCb && frameFromRecord(event.frame);
        if (frame) cb.onCtrlNotSendCb!(this, frame, event.errorCode);
        return;
      }
      case 'data-send':
        cb.onDataSendCb?.(this, event.flags, event.streamId, event.length);
        return;
      case 'stream-close':
        cb.onStreamCloseCb?.(this, event.streamId, event.statusCode);
        return;
      case 'request-recv':
        cb.onRequestRecvCb?.(this, event.streamId);
        return;
      case 'ctrl-recv-parse-error':
        cb.onCtrlRecvParseErrorCb?.(this, event.frameType, event.head, event.payload, event.errorCode);
        return;
      case 'unknown-ctrl-recv':
        cb.onUnknownCtrlRecvCb?.(this, event.head, event.payload);
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }
}

const EMPTY = new Uint8Array(0);
