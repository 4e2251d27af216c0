/**
 * What every fuzz input must satisfy. `checkCase` runs the case three times
 * on fresh sessions and throws a PropertyViolation naming the first
 * property broken:
 *
 * - `exception`: nothing escapes memRecv or memSend but the exception a
 *   callback threw (the case's throwAt), as the same object; memRecv
 *   consumes every byte.
 * - `bounded-work`: callbacks, frames sent and memSend calls stay within a
 *   linear bound of the input (plus what answering whole requests takes).
 * - `well-formed-output`: everything sent parses, with an independent
 *   splitter and decoder and a fresh peer inflater: whole frames of the
 *   session's version, header blocks in step.
 * - `quiet-after-failure`: once the session has failed (it sent GOAWAY
 *   with a non-OK status, or wants neither to read nor to write), later
 *   input fires no callback and makes it send nothing more.
 * - `still-working`: a session that has not failed still answers: a PING
 *   goes out when asked, and a client not told to stop opens a stream.
 * - `chunking-invariant`: the case's cuts and the whole input at once give
 *   the same callbacks (DATA chunks joined per frame) and the same bytes.
 *
 * Memory is the campaign's to watch (campaign.ts samples the heap a
 * session keeps after its input).
 */
import {
  CLIENT,
  GOAWAY,
  GOAWAY_OK,
  PING,
  PROTO_SPDY2,
  SERVER,
  SETTINGS,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SYN_STREAM,
} from '../src/core/constants.js';
import { Session } from '../src/core/api/session.js';
import type { SessionOptions } from '../src/core/api/session.js';
import type { GoawayFrame, SettingsFrame } from '../src/core/api/frames.js';
import { createHeaderCodec } from '../src/core/headers/spdy-codec.js';
import { FrameSplitter, malformation, pingId } from '../test/helpers/frame-splitter.js';
import type { RawFrame } from '../test/helpers/frame-splitter.js';
import { naiveDecode } from '../test/helpers/naive-decoder.js';
import { prime, REQUEST_NV, serverCallbacks } from '../test/helpers/peer-bytes.js';
import { concat, hex } from './bytes.js';
import { CONFIGS } from './case.js';
import type { FuzzCase } from './case.js';

export type PropertyName =
  | 'exception'
  | 'bounded-work'
  | 'well-formed-output'
  | 'quiet-after-failure'
  | 'still-working'
  | 'chunking-invariant';

export const PROPERTIES: readonly PropertyName[] = [
  'exception',
  'bounded-work',
  'well-formed-output',
  'quiet-after-failure',
  'still-working',
  'chunking-invariant',
];

export class PropertyViolation extends Error {
  constructor(
    readonly property: PropertyName,
    message: string,
  ) {
    super(`${property}: ${message}`);
    this.name = 'PropertyViolation';
  }
}

/** What a callback throws when the case says so: it must come out as this very object. */
class CallbackMarker extends Error {}

/** memSend calls one drain may take; each returns up to 256 KiB, so a few suffice. */
const MEM_SEND_CAP = 64;

export interface CheckOptions {
  /** Properties not checked (all are by default). */
  skip?: readonly PropertyName[];
}

/** Throws PropertyViolation when `c` breaks a property. */
export function checkCase(c: FuzzCase, options: CheckOptions = {}): void {
  const skip = new Set(options.skip ?? []);
  observedRun(c, skip);
  if (!skip.has('chunking-invariant')) {
    const cut = transcriptRun(c, c.cuts);
    const whole = transcriptRun(c, [0]);
    compareTranscripts(cut, whole);
  }
}

// ---- the observed run: the case's own cuts, drains and throw ----

function observedRun(c: FuzzCase, skip: ReadonlySet<PropertyName>): void {
  const violate = (property: PropertyName, message: string): void => {
    if (!skip.has(property)) throw new PropertyViolation(property, message);
  };
  const marker = new CallbackMarker('thrown by a callback, as the case asks');
  let calls = 0;
  let recvEvents = 0;
  let requests = 0;
  let goawayReceived = false;
  let concurrencyCapped = false;
  let failingGoawaySent = false;
  /** Receive callbacks while memRecv runs: a failed session must fire none. */
  let inRecv = false;
  let recvEventsInCall = 0;
  const count = (receiving: boolean): void => {
    if (receiving) {
      recvEvents++;
      if (inRecv) recvEventsInCall++;
    }
    if (calls++ === c.throwAt) throw marker;
  };
  const server = serverCallbacks(c.script?.responseSize ?? 100);
  const session = new Session(c.side, c.version, {
    config: CONFIGS[c.config],
    onCtrlRecvCb: (_s, frame) => {
      if (frame.frameType === GOAWAY) goawayReceived = true;
      if (frame.frameType === SETTINGS && (frame as SettingsFrame).iv.some(([id]) => id === SETTINGS_MAX_CONCURRENT_STREAMS)) concurrencyCapped = true;
      count(true);
    },
    onInvalidCtrlRecvCb: () => count(true),
    onDataChunkRecvCb: () => count(true),
    onDataRecvCb: () => count(true),
    onStreamCloseCb: () => count(true),
    onCtrlRecvParseErrorCb: () => count(true),
    onUnknownCtrlRecvCb: () => count(true),
    onRequestRecvCb: (s, streamId) => {
      requests++;
      if (c.side === SERVER) server.onRequestRecvCb!(s, streamId);
      count(true);
    },
    beforeCtrlSendCb: () => count(false),
    onCtrlSendCb: (_s, frame) => {
      if (frame.frameType === GOAWAY && (frame as GoawayFrame).statusCode !== GOAWAY_OK) failingGoawaySent = true;
      count(false);
    },
    onCtrlNotSendCb: () => count(false),
    onDataSendCb: () => count(false),
  });

  const sent: Uint8Array[] = [];
  const tap = new FrameSplitter();
  const frames: RawFrame[] = [];
  /** Takes what memSend has, up to the cap. */
  const drain = (): void => {
    for (let n = 0; ; n++) {
      if (n >= MEM_SEND_CAP) return violate('bounded-work', `memSend still had output after ${MEM_SEND_CAP} calls`);
      let out: Uint8Array | null;
      try {
        out = session.memSend();
      } catch (error) {
        if (error === marker) continue;
        return violate('exception', `memSend threw ${describe(error)}`);
      }
      if (out === null) return;
      sent.push(out);
      frames.push(...tap.push(out));
    }
  };

  if (c.script !== null) {
    prime(session, c.side === CLIENT ? 'client' : 'server', c.script);
    drain();
  }
  const primed = frames.length;

  const failed = (): boolean => failingGoawaySent || (!session.wantRead() && !session.wantWrite());
  /** Frames sent by the time the session was seen failed, everything queued drained; -1 before. */
  let framesAtFailure = -1;
  let at = 0;
  let pieces = 0;
  while (at < c.input.length) {
    const size = c.cuts[pieces % c.cuts.length]!;
    const piece = c.input.slice(at, size === 0 ? c.input.length : at + size);
    at += piece.length;
    const failedBefore = framesAtFailure >= 0;
    inRecv = true;
    recvEventsInCall = 0;
    let consumed = piece.length;
    try {
      consumed = session.memRecv(piece);
    } catch (error) {
      if (error !== marker) violate('exception', `memRecv threw ${describe(error)} on piece ${pieces} (${piece.length} bytes at ${at - piece.length})`);
    } finally {
      inRecv = false;
    }
    if (consumed !== piece.length) violate('exception', `memRecv consumed ${consumed} of ${piece.length} bytes`);
    if (failedBefore && recvEventsInCall > 0) {
      violate('quiet-after-failure', `${recvEventsInCall} callbacks from a piece of ${piece.length} bytes (at ${at - piece.length}) after the session failed`);
    }
    if (c.drains[pieces % c.drains.length]) {
      drain();
      if (failedBefore && frames.length > framesAtFailure) {
        violate('quiet-after-failure', `${frames.length - framesAtFailure} frames sent for input that arrived after the session failed`);
      }
      if (!failedBefore && failed()) {
        drain();
        framesAtFailure = frames.length;
      }
    }
    pieces++;
  }
  drain();

  // Bounded work: a frame takes at least 8 bytes and causes a few events; a
  // DATA chunk needs a piece; a close needs a stream, which needed a frame.
  if (recvEvents > c.input.length + pieces + 16) violate('bounded-work', `${recvEvents} receive callbacks for ${c.input.length} bytes in ${pieces} pieces`);
  const responseFrames = c.side === SERVER ? requests * (2 + (c.script?.responseSize ?? 100)) : 0;
  if (frames.length - primed > 2 * c.input.length + responseFrames + 16) {
    violate('bounded-work', `${frames.length - primed} frames sent for ${c.input.length} bytes of input`);
  }

  if (!failed()) {
    const before = frames.length;
    session.submitPing();
    const mayOpen = c.side === CLIENT && !goawayReceived && !concurrencyCapped;
    if (mayOpen) session.submitRequest(0, REQUEST_NV);
    drain();
    const added = frames.slice(before);
    if (!added.some((f) => f.control && f.type === PING && pingId(f) % 2 === (c.side === CLIENT ? 1 : 0))) {
      violate('still-working', 'a session that did not fail sent no PING when asked');
    }
    if (mayOpen && !failed() && !added.some((f) => f.control && f.type === SYN_STREAM)) {
      violate('still-working', 'a client that did not fail sent no SYN_STREAM when asked');
    }
  }

  if (tap.pending !== 0) violate('well-formed-output', `output ends inside a frame (${tap.pending} bytes)`);
  const wire = c.version === PROTO_SPDY2 ? 2 : 3;
  for (const f of frames) {
    const bad = malformation(f, wire);
    if (bad !== null) violate('well-formed-output', `sent a malformed frame: ${bad}`);
  }
  const peer = createHeaderCodec({ version: c.version, side: c.side === CLIENT ? SERVER : CLIENT, encoding: CONFIGS[c.config]!.headerEncoding ?? 'utf8' });
  const decoded = naiveDecode(concat(sent), { sessionVersion: wire, headers: peer.decoder });
  const broken = decoded.find((e) => e.e !== 'ctrl' && e.e !== 'data');
  if (broken !== undefined) violate('well-formed-output', `output the peer cannot parse: ${JSON.stringify(broken, bytesAsHex)}`);
}

// ---- the transcript runs: callbacks and bytes, for comparing chunkings ----

interface Transcript {
  events: string[];
  output: string;
}

function transcriptRun(c: FuzzCase, cuts: readonly number[]): Transcript {
  const events: string[] = [];
  /** Consecutive DATA chunks of one stream, joined: chunks follow the input's cuts, their concatenation must not. */
  let chunkStream = -1;
  let chunkBytes: Uint8Array[] = [];
  const flushChunks = () => {
    if (chunkStream >= 0) events.push(`data-chunk ${chunkStream} ${hex(concat(chunkBytes))}`);
    chunkStream = -1;
    chunkBytes = [];
  };
  const log = (line: string) => {
    flushChunks();
    events.push(line);
  };
  const server = serverCallbacks(c.script?.responseSize ?? 100);
  const options: SessionOptions = {
    config: CONFIGS[c.config],
    onCtrlRecvCb: (_s, frame) => log(`ctrl-recv ${JSON.stringify(frame)}`),
    onInvalidCtrlRecvCb: (_s, frame, status) => log(`invalid-ctrl-recv ${status} ${JSON.stringify(frame)}`),
    onDataChunkRecvCb: (_s, _flags, streamId, data) => {
      if (data.length === 0) return;
      if (streamId !== chunkStream) flushChunks();
      chunkStream = streamId;
      chunkBytes.push(data.slice());
    },
    onDataRecvCb: (_s, flags, streamId, length) => log(`data-recv ${flags} ${streamId} ${length}`),
    onStreamCloseCb: (_s, streamId, status) => log(`stream-close ${streamId} ${status}`),
    onCtrlRecvParseErrorCb: (_s, type, head, payload, error) => log(`parse-error ${type} ${hex(head)} ${hex(payload)} ${error}`),
    onUnknownCtrlRecvCb: (_s, head, payload) => log(`unknown ${hex(head)} ${hex(payload)}`),
    onRequestRecvCb: (s, streamId) => {
      log(`request-recv ${streamId}`);
      if (c.side === SERVER) server.onRequestRecvCb!(s, streamId);
    },
  };
  const session = new Session(c.side, c.version, options);
  const output: Uint8Array[] = [];
  const drain = () => {
    for (let n = 0; n < MEM_SEND_CAP; n++) {
      const out = session.memSend();
      if (out === null) return;
      output.push(out);
    }
  };
  if (c.script !== null) prime(session, c.side === CLIENT ? 'client' : 'server', c.script);
  drain();
  let at = 0;
  for (let piece = 0; at < c.input.length; piece++) {
    const size = cuts[piece % cuts.length]!;
    const end = size === 0 ? c.input.length : at + size;
    session.memRecv(c.input.slice(at, end));
    at = Math.min(end, c.input.length);
  }
  flushChunks();
  drain();
  return { events, output: hex(concat(output)) };
}

function compareTranscripts(cut: Transcript, whole: Transcript): void {
  const n = Math.min(cut.events.length, whole.events.length);
  for (let i = 0; i < n; i++) {
    if (cut.events[i] !== whole.events[i]) {
      throw new PropertyViolation('chunking-invariant', `callback ${i} differs: cut input gave ${clip(cut.events[i]!)}, whole input ${clip(whole.events[i]!)}`);
    }
  }
  if (cut.events.length !== whole.events.length) {
    throw new PropertyViolation('chunking-invariant', `${cut.events.length} callbacks for the cut input, ${whole.events.length} for the whole`);
  }
  if (cut.output !== whole.output) {
    let i = 0;
    while (cut.output[i] === whole.output[i]) i++;
    throw new PropertyViolation('chunking-invariant', `the bytes sent differ from byte ${i >> 1} (${cut.output.length >> 1} against ${whole.output.length >> 1} bytes)`);
  }
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function bytesAsHex(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? hex(value) : value;
}

/**
 * A session primed as the case says that has taken `input` in the case's
 * cuts, its output drained and dropped: what the campaign weighs to see
 * what a session keeps after its input.
 */
export function sessionAfter(c: FuzzCase, input: Uint8Array): Session {
  const server = serverCallbacks(c.script?.responseSize ?? 100);
  const session = new Session(c.side, c.version, {
    config: CONFIGS[c.config],
    onRequestRecvCb: c.side === SERVER ? server.onRequestRecvCb : undefined,
  });
  const drain = () => {
    for (let n = 0; n < MEM_SEND_CAP && session.memSend() !== null; n++);
  };
  if (c.script !== null) prime(session, c.side === CLIENT ? 'client' : 'server', c.script);
  drain();
  let at = 0;
  for (let piece = 0; at < input.length; piece++) {
    const size = c.cuts[piece % c.cuts.length]!;
    const end = size === 0 ? input.length : at + size;
    session.memRecv(input.slice(at, end));
    at = Math.min(end, input.length);
    if (c.drains[piece % c.drains.length]) drain();
  }
  drain();
  return session;
}
