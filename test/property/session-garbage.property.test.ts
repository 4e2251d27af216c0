/**
 * Network input is never trusted: whatever bytes reach a session (either
 * side, every version), memRecv consumes them all and never throws, the
 * work it does stays bounded by the input, and afterwards the session has
 * either failed cleanly (its GOAWAY is out and it wants no more I/O) or
 * still works (a PING goes out and is well formed; a client can still send
 * a SYN_STREAM whose header block the peer's inflater decodes, so the
 * compressor stayed in step). Everything memSend hands out is parsed by an
 * independent splitter and the naive decoder with a fresh peer inflater:
 * no partial frame, no malformed frame, no header block that fails.
 *
 * Inputs, 1,000 runs each (each run is a few hundred bytes: about 1 ms):
 * - random bytes;
 * - frames with valid-looking heads (either version, any type, lengths
 *   right or wrong) and random payloads;
 * - a real exchange between two sessions (test/helpers/peer-bytes.ts),
 *   fed to a session primed as the real receiver, with random corruption:
 *   flipped and overwritten bytes, inserted and deleted spans, duplicated
 *   spans, truncation.
 * Every input is cut at random points, single bytes included, and the
 * session's output is drained at random points in between. Fixed seeds.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  CLIENT,
  GOAWAY,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SERVER,
  SYN_STREAM,
} from '../../src/core/constants.js';
import { Session } from '../../src/core/api/session.js';
import type { SessionOptions } from '../../src/core/api/session.js';
import { createHeaderCodec } from '../../src/core/headers/spdy-codec.js';
import { FrameSplitter, malformation, pingId } from '../helpers/frame-splitter.js';
import type { RawFrame } from '../helpers/frame-splitter.js';
import { naiveDecode } from '../helpers/naive-decoder.js';
import { prime, recordExchange, REQUEST_NV, serverCallbacks } from '../helpers/peer-bytes.js';
import type { Script } from '../helpers/peer-bytes.js';

const RUNS = 1000;
/** memSend calls one drain may take; each call carries up to 256 KiB, so a few suffice. */
const MEM_SEND_CAP = 64;

interface Case {
  side: typeof CLIENT | typeof SERVER;
  version: number;
  input: Uint8Array;
  /** Piece sizes, cycled (0: the rest of the input). */
  cuts: number[];
  /** Whether to drain memSend after each piece, cycled. */
  drains: boolean[];
  /** The exchange the input was recorded from, replayed on the target first. */
  script: Script | null;
}

// ---- arbitraries ----

const sideArb = fc.constantFrom(CLIENT, SERVER);
const versionArb = fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1);
const cutsArb = fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 10, max: 300 })), {
  minLength: 1,
  maxLength: 6,
});
const drainsArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 4 });

/** One frame with a plausible head: real versions and types mostly, lengths right or not. */
const frameArb = fc
  .record({
    control: fc.boolean(),
    version: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(2, 3) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x7fff }) }),
    type: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }),
    streamId: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 0x7fffffff })),
    flags: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 255 })),
    payload: fc.uint8Array({ maxLength: 48 }),
    lengthRight: fc.boolean(),
    wrongLength: fc.integer({ min: 0, max: 0xffffff }),
    fixedFirst: fc.boolean(),
  })
  .map((f) => {
    const payload = f.payload.slice();
    // Most control types start with a stream id: make it a small one often, so frames hit real streams.
    if (f.control && f.fixedFirst && payload.length >= 4) {
      new DataView(payload.buffer).setUint32(0, f.streamId);
    }
    const length = f.lengthRight ? payload.length : f.wrongLength % (f.wrongLength % 2 ? 64 : 0x1000000);
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    if (f.control) {
      dv.setUint16(0, 0x8000 | f.version);
      dv.setUint16(2, f.type);
    } else dv.setUint32(0, f.streamId & 0x7fffffff);
    dv.setUint32(4, length);
    head[4] = f.flags;
    return concat([head, payload]);
  });

const scriptArb = (version: number): fc.Arbitrary<Script> =>
  fc.record({
    version: fc.constant(version),
    requests: fc.array(fc.option(fc.integer({ min: 0, max: 5000 })), { minLength: 0, maxLength: 3 }),
    responseSize: fc.integer({ min: 0, max: 3000 }),
    // Windows of 1 KiB and more keep the recording short (a 1-byte window needs a round trip per byte).
    clientWindow: fc.option(fc.integer({ min: 1024, max: 70_000 })),
    serverWindow: fc.option(fc.integer({ min: 1024, max: 70_000 })),
    ping: fc.boolean(),
    cancelFirst: fc.boolean(),
    goaway: fc.constantFrom(null, 'client' as const, 'server' as const),
  });

type Mutation = { op: number; at: number; span: number; value: number; bytes: Uint8Array };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.integer({ min: 0, max: 5 }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  span: fc.integer({ min: 1, max: 24 }),
  value: fc.integer({ min: 0, max: 255 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = input;
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = Math.min(b.length - 1, Math.floor(m.at * b.length));
    switch (m.op) {
      case 0: // flip bits
        b = b.slice();
        b[at] = b[at]! ^ (m.value || 1);
        break;
      case 1: // overwrite
        b = b.slice();
        b[at] = m.value;
        break;
      case 2: // insert
        b = concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 3: // delete a span
        b = concat([b.subarray(0, at), b.subarray(at + m.span)]);
        break;
      case 4: // duplicate a span
        b = concat([b.subarray(0, at + m.span), b.subarray(at, at + m.span), b.subarray(at + m.span)]);
        break;
      default: // truncate
        b = b.subarray(0, at);
    }
  }
  return b;
}

const randomCase: fc.Arbitrary<Case> = fc.record({
  side: sideArb,
  version: versionArb,
  input: fc.uint8Array({ maxLength: 600 }),
  cuts: cutsArb,
  drains: drainsArb,
  script: fc.constant(null),
});

const framesCase: fc.Arbitrary<Case> = fc.record({
  side: sideArb,
  version: versionArb,
  input: fc.array(frameArb, { maxLength: 12 }).map(concat),
  cuts: cutsArb,
  drains: drainsArb,
  script: fc.constant(null),
});

const corruptedCase: fc.Arbitrary<Case> = fc
  .tuple(sideArb, versionArb)
  .chain(([side, version]) =>
    fc.record({
      side: fc.constant(side),
      version: fc.constant(version),
      script: scriptArb(version),
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
      cuts: cutsArb,
      drains: drainsArb,
    }),
  )
  .map(({ side, version, script, mutations, cuts, drains }) => {
    const recorded = recordExchange(script);
    // The target plays `side`, so it receives what the other side sent.
    const valid = side === CLIENT ? recorded.server : recorded.client;
    return { side, version, input: mutate(valid, mutations), cuts, drains, script };
  });

// ---- the check ----

function feed(c: Case): void {
  const fail = (message: string): never => {
    throw new Error(message);
  };
  const name = c.side === CLIENT ? 'client' : 'server';
  let recvEvents = 0;
  let requests = 0;
  let goawayReceived = false;
  const counting: SessionOptions = {
    onCtrlRecvCb: (_s, frame) => {
      recvEvents++;
      if (frame.frameType === GOAWAY) goawayReceived = true;
    },
    onInvalidCtrlRecvCb: () => void recvEvents++,
    onDataChunkRecvCb: () => void recvEvents++,
    onDataRecvCb: () => void recvEvents++,
    onStreamCloseCb: () => void recvEvents++,
    onCtrlRecvParseErrorCb: () => void recvEvents++,
    onUnknownCtrlRecvCb: () => void recvEvents++,
  };
  const server = serverCallbacks(c.script?.responseSize ?? 100);
  const session = new Session(c.side, c.version, {
    ...counting,
    onRequestRecvCb: (s, streamId) => {
      recvEvents++;
      requests++;
      if (c.side === SERVER) server.onRequestRecvCb!(s, streamId);
    },
  });
  const sent: Uint8Array[] = [];
  const tap = new FrameSplitter();
  const frames: RawFrame[] = [];
  const drain = () => {
    for (let calls = 0; ; calls++) {
      if (calls >= MEM_SEND_CAP) fail(`memSend still had output after ${MEM_SEND_CAP} calls`);
      const out = session.memSend();
      if (out === null) return;
      sent.push(out);
      frames.push(...tap.push(out));
    }
  };
  if (c.script !== null) {
    prime(session, name, c.script);
    drain();
  }
  const primed = frames.length;

  let at = 0;
  let pieces = 0;
  while (at < c.input.length) {
    const size = c.cuts[pieces % c.cuts.length]!;
    const piece = c.input.slice(at, size === 0 ? c.input.length : at + size);
    at += piece.length;
    let n: number;
    try {
      n = session.memRecv(piece);
    } catch (error) {
      return fail(`memRecv threw ${String(error)} on piece ${pieces} (${piece.length} bytes at ${at - piece.length})`);
    }
    if (n !== piece.length) fail(`memRecv consumed ${n} of ${piece.length} bytes`);
    if (c.drains[pieces % c.drains.length]) drain();
    pieces++;
  }
  drain();

  // Bounded work: a frame takes at least 8 bytes and causes a few events; a
  // DATA chunk needs a piece; a close needs a stream, which needed a frame.
  if (recvEvents > c.input.length + pieces + 16) fail(`${recvEvents} callbacks for ${c.input.length} bytes in ${pieces} pieces`);
  const responses = c.side === SERVER ? requests * (2 + Math.ceil((c.script?.responseSize ?? 100) / 1)) : 0;
  if (frames.length - primed > 2 * c.input.length + responses + 16) fail(`${frames.length - primed} frames sent for ${c.input.length} bytes of input`);

  const failed = frames.some((f) => f.control && f.type === GOAWAY);
  if (failed) {
    // Our session sends GOAWAY on its own only to fail: then it is done with I/O.
    if (session.wantRead() || session.wantWrite()) fail(`after its GOAWAY: wantRead ${session.wantRead()}, wantWrite ${session.wantWrite()}`);
  } else {
    const before = frames.length;
    session.submitPing();
    if (c.side === CLIENT && !goawayReceived) session.submitRequest(0, REQUEST_NV);
    drain();
    const added = frames.slice(before);
    const ping = added.find((f) => f.control && f.type === PING && pingId(f) % 2 === (c.side === CLIENT ? 1 : 0));
    if (ping === undefined) fail('a session that did not fail sent no PING when asked');
    // A SYN_STREAM held back by the peer's MAX_CONCURRENT_STREAMS is all a drained queue can still hold.
    const heldBack = session.getOutboundQueueSize() > 0;
    if (c.side === CLIENT && !goawayReceived && !heldBack && !added.some((f) => f.control && f.type === SYN_STREAM)) {
      fail('a client that did not fail sent no SYN_STREAM when asked');
    }
  }

  // Everything sent parses: whole frames, well formed, header blocks in step with a fresh peer inflater.
  if (tap.pending !== 0) fail(`output ends inside a frame (${tap.pending} bytes)`);
  const wire = c.version === PROTO_SPDY2 ? 2 : 3;
  for (const f of frames) {
    const bad = malformation(f, wire);
    if (bad !== null) fail(`sent a malformed frame: ${bad}`);
  }
  const peer = createHeaderCodec({ version: c.version, side: c.side === CLIENT ? SERVER : CLIENT });
  const decoded = naiveDecode(concat(sent), { sessionVersion: wire, headers: peer.decoder });
  const broken = decoded.find((e) => e.e !== 'ctrl' && e.e !== 'data');
  if (broken !== undefined) fail(`output the peer cannot parse: ${JSON.stringify(broken, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))}`);
}

describe('arbitrary bytes into a session', () => {
  it('random bytes: no throw, bounded work, then failed cleanly or still working (1,000 runs)', () => {
    fc.assert(fc.property(randomCase, feed), { seed: 0x9a7b_0001, numRuns: RUNS });
  });

  it('frames with plausible heads and random payloads (1,000 runs)', () => {
    fc.assert(fc.property(framesCase, feed), { seed: 0x9a7b_0002, numRuns: RUNS });
  });

  it('a real exchange with random corruption and truncation (1,000 runs)', () => {
    fc.assert(fc.property(corruptedCase, feed), { seed: 0x9a7b_0003, numRuns: RUNS });
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
