/**
 * Our side of an interop pair: a Session whose every callback is recorded
 * per stream (headers, DATA, closes, frames sent and received, flow-control
 * events in order), plus the byte helpers the interop tests share.
 */
import {
  DataProvider,
  READ_EOF,
  RST_STREAM,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SYN_REPLY,
  SYN_STREAM,
  Session,
  WINDOW_UPDATE,
} from '../../src/index.js';
import type {
  AnyCtrlFrame,
  NameValue,
  ReadCallback,
  RstStreamFrame,
  SessionConfig,
  SessionOptions,
  SettingsFrame,
  SynReplyFrame,
  SynStreamFrame,
  WindowUpdateFrame,
} from '../../src/index.js';
import type { SessionPump } from './session-pump.js';

/** The initial window of SPDY/3 and 3.1 (streams and, in 3.1, the session). */
export const DEFAULT_WINDOW = 65536;

/** Deterministic pseudo-random bytes (xorshift32): the same seed gives the same body. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

/** Byte-exact comparison that reports the first difference instead of dumping megabytes. */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) if (actual[i] !== expected[i]) return `byte ${i} differs`;
  return actual.length === expected.length ? null : `length ${actual.length}, expected ${expected.length}`;
}

interface ByteSource {
  data: Uint8Array;
  offset: number;
}

const readBytes: ReadCallback<ByteSource> = (_session, _streamId, length, control, source) => {
  const chunk = source.data.subarray(source.offset, source.offset + length);
  source.offset += chunk.length;
  if (source.offset >= source.data.length) control.flags = READ_EOF;
  return chunk;
};

/** A DataProvider that sends `data` and ends the stream. */
export function bytesProvider(data: Uint8Array): DataProvider<ByteSource> {
  return new DataProvider<ByteSource>({ data, offset: 0 }, readBytes);
}

export function header(nv: readonly NameValue[], name: string): string | undefined {
  return nv.find(([n]) => n === name)?.[1];
}

/** What our side saw of one stream. */
export interface OurStream {
  readonly id: number;
  /** streamUserData given to submitRequest (our streams), else null. */
  tag: unknown;
  /** SYN_STREAM headers, sent (our streams) or received (the peer's). */
  request: NameValue[] | null;
  /** SYN_REPLY headers, sent or received. */
  reply: NameValue[] | null;
  /** DATA payload received, copied. */
  readonly chunks: Uint8Array[];
  /** Every DATA frame received: flags and length (onDataRecvCb). */
  readonly dataFrames: Array<{ flags: number; length: number }>;
  /** DATA bytes we sent on it. */
  sentBytes: number;
  /** onStreamCloseCb's status, null while open. */
  closeStatus: number | null;
}

/** One entry of our flow-control log, in the order things happened. */
export type FlowEvent =
  | { kind: 'data-send'; streamId: number; length: number }
  | { kind: 'window-update-recv'; streamId: number; delta: number }
  | { kind: 'initial-window-recv'; value: number };

export interface OurOptions {
  config?: SessionConfig;
  /** Server side: called once a request is complete (onRequestRecvCb). */
  onRequest?: (ours: OurEndpoint, stream: OurStream) => void;
  /** Extra callbacks, run after the recording ones. */
  callbacks?: SessionOptions;
}

/** Our Session with every callback recorded. */
export class OurEndpoint {
  readonly session: Session;
  readonly streams = new Map<number, OurStream>();
  readonly received: AnyCtrlFrame[] = [];
  readonly sent: AnyCtrlFrame[] = [];
  readonly invalid: Array<{ frame: AnyCtrlFrame; statusCode: number }> = [];
  readonly parseErrors: Array<{ type: number; errorCode: number }> = [];
  readonly notSent: Array<{ frame: AnyCtrlFrame; errorCode: number }> = [];
  readonly flow: FlowEvent[] = [];
  /** RST_STREAMs received for streams already closed here (they crossed our last frames). */
  readonly lateRsts: Array<{ streamId: number; statusCode: number }> = [];
  pump!: SessionPump;

  constructor(side: number, version: number, options: OurOptions = {}) {
    const extra = options.callbacks ?? {};
    this.session = new Session(side, version, {
      config: options.config ?? {},
      onCtrlRecvCb: (s, frame) => {
        this.received.push(frame);
        this.recordCtrl(frame, 'recv');
        extra.onCtrlRecvCb?.(s, frame);
      },
      onCtrlSendCb: (s, frame) => {
        this.sent.push(frame);
        this.recordCtrl(frame, 'send');
        extra.onCtrlSendCb?.(s, frame);
      },
      onCtrlNotSendCb: (s, frame, errorCode) => {
        this.notSent.push({ frame, errorCode });
        extra.onCtrlNotSendCb?.(s, frame, errorCode);
      },
      onInvalidCtrlRecvCb: (s, frame, statusCode) => {
        this.invalid.push({ frame, statusCode });
        extra.onInvalidCtrlRecvCb?.(s, frame, statusCode);
      },
      onCtrlRecvParseErrorCb: (s, type, head, payload, errorCode) => {
        this.parseErrors.push({ type, errorCode });
        extra.onCtrlRecvParseErrorCb?.(s, type, head, payload, errorCode);
      },
      onDataChunkRecvCb: (s, flags, streamId, data) => {
        this.stream(streamId).chunks.push(data.slice());
        extra.onDataChunkRecvCb?.(s, flags, streamId, data);
      },
      onDataRecvCb: (s, flags, streamId, length) => {
        this.stream(streamId).dataFrames.push({ flags, length });
        extra.onDataRecvCb?.(s, flags, streamId, length);
      },
      onDataSendCb: (s, flags, streamId, length) => {
        this.stream(streamId).sentBytes += length;
        this.flow.push({ kind: 'data-send', streamId, length });
        extra.onDataSendCb?.(s, flags, streamId, length);
      },
      onStreamCloseCb: (s, streamId, statusCode) => {
        this.stream(streamId).closeStatus = statusCode;
        extra.onStreamCloseCb?.(s, streamId, statusCode);
      },
      onRequestRecvCb: (s, streamId) => {
        options.onRequest?.(this, this.stream(streamId));
        extra.onRequestRecvCb?.(s, streamId);
      },
    });
  }

  /** The record for `streamId`, created on first sight. */
  stream(streamId: number): OurStream {
    let stream = this.streams.get(streamId);
    if (stream === undefined) {
      stream = { id: streamId, tag: null, request: null, reply: null, chunks: [], dataFrames: [], sentBytes: 0, closeStatus: null };
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  /** Our stream that carries `tag` as its streamUserData. */
  byTag(tag: unknown): OurStream | undefined {
    for (const stream of this.streams.values()) if (stream.tag === tag) return stream;
    return undefined;
  }

  /** Ids of streams opened and not yet closed. */
  openStreamIds(): number[] {
    return [...this.streams.values()].filter((s) => s.request !== null && s.closeStatus === null).map((s) => s.id);
  }

  body(streamId: number): Uint8Array {
    return concatChunks(this.stream(streamId).chunks);
  }

  receivedOfType<T extends AnyCtrlFrame>(frameType: number): T[] {
    return this.received.filter((f) => f.frameType === frameType) as T[];
  }

  sentOfType<T extends AnyCtrlFrame>(frameType: number): T[] {
    return this.sent.filter((f) => f.frameType === frameType) as T[];
  }

  private recordCtrl(frame: AnyCtrlFrame, direction: 'send' | 'recv'): void {
    switch (frame.frameType) {
      case SYN_STREAM: {
        const f = frame as SynStreamFrame;
        const stream = this.stream(f.streamId);
        stream.request = f.nv;
        if (direction === 'send') stream.tag = this.session.getStreamUserData(f.streamId);
        return;
      }
      case SYN_REPLY: {
        const f = frame as SynReplyFrame;
        this.stream(f.streamId).reply = f.nv;
        return;
      }
      case RST_STREAM:
        if (direction === 'recv') {
          const f = frame as RstStreamFrame;
          if ((this.streams.get(f.streamId)?.closeStatus ?? null) !== null) {
            this.lateRsts.push({ streamId: f.streamId, statusCode: f.statusCode });
          }
        }
        return;
      case WINDOW_UPDATE:
        if (direction === 'recv') {
          const f = frame as WindowUpdateFrame;
          this.flow.push({ kind: 'window-update-recv', streamId: f.streamId, delta: f.deltaWindowSize });
        }
        return;
      case SETTINGS:
        if (direction === 'recv') {
          for (const [id, , value] of (frame as SettingsFrame).iv) {
            if (id === SETTINGS_INITIAL_WINDOW_SIZE) this.flow.push({ kind: 'initial-window-recv', value });
          }
        }
        return;
    }
  }
}

/**
 * Replays our flow-control log: the most DATA we ever had outstanding on
 * one stream (sent, not yet granted back), and by how much we ever exceeded
 * a stream window or (SPDY/3.1) the session window in force at that moment
 * (0 or less: never). Draft 3 §2.6.8: a sender stays inside the receiver's
 * window.
 */
export function flowHighWater(flow: readonly FlowEvent[]): {
  streamOverrun: number;
  sessionOverrun: number;
  maxStreamOutstanding: number;
} {
  let initial = DEFAULT_WINDOW;
  const outstanding = new Map<number, number>();
  let session = 0;
  let sessionWindow = DEFAULT_WINDOW;
  let streamOverrun = 0;
  let sessionOverrun = 0;
  let maxStreamOutstanding = 0;
  for (const event of flow) {
    if (event.kind === 'initial-window-recv') {
      initial = event.value;
    } else if (event.kind === 'window-update-recv') {
      if (event.streamId === 0) sessionWindow += event.delta;
      else outstanding.set(event.streamId, (outstanding.get(event.streamId) ?? 0) - event.delta);
    } else {
      const now = (outstanding.get(event.streamId) ?? 0) + event.length;
      outstanding.set(event.streamId, now);
      session += event.length;
      maxStreamOutstanding = Math.max(maxStreamOutstanding, now);
      streamOverrun = Math.max(streamOverrun, now - initial);
      sessionOverrun = Math.max(sessionOverrun, session - sessionWindow);
    }
  }
  return { streamOverrun, sessionOverrun, maxStreamOutstanding };
}
