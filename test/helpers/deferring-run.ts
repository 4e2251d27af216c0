/**
 * Runs for the deferring-codec identity property: a session under test
 * ("us") talking to a peer, both SessionMachines, driven by a random
 * script. The first run uses the built-in codec and records every input
 * the session under test gets (bytes received, submits, memSend calls);
 * the second replays exactly those inputs into a session whose header
 * codec answers later, and the two must give the same bytes and the same
 * events in the same order.
 */
import fc from 'fast-check';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  READ_EOF,
  SERVER,
  SYN_STREAM,
} from '../../src/core/constants.js';
import { SessionMachine } from '../../src/core/session/machine.js';
import type { SessionConfig } from '../../src/core/session/config.js';
import type { SessionEvent } from '../../src/core/session/events.js';
import type { DataSource, ReadControl } from '../../src/core/session/outbound.js';
import { HEADER_BLOCK_PENDING } from '../../src/core/header-codec.js';
import type { DeferringHeaderCodec, HeaderBlockInput, HeaderBlockResult, NameValue } from '../../src/core/header-codec.js';
import { createHeaderCodec } from '../../src/core/headers/spdy-codec.js';

export type Op =
  /** The client side (us or the peer) opens a stream. */
  | { op: 'request'; nv: NameValue[]; body: number }
  /** The server side answers the oldest stream it has not answered. */
  | { op: 'answer'; nv: NameValue[]; body: number }
  /** Server push, when we are the server. */
  | { op: 'push'; nv: NameValue[] }
  | { op: 'usHeaders'; nv: NameValue[] }
  | { op: 'usPing' }
  | { op: 'peerPing' }
  | { op: 'usReset'; pick: number }
  | { op: 'peerToUs'; chunk: number }
  | { op: 'usToPeer' };

export interface Script {
  version: number;
  usSide: number;
  ops: Op[];
}

const NAMES = ['accept', 'cookie', 'x-trace', 'cache-control', 'content-type', 'set-cookie', 'x-long', 'etag', 'server', 'via'];

const nvArb: fc.Arbitrary<NameValue[]> = fc
  .array(
    fc.tuple(
      fc.constantFrom(...NAMES),
      fc.oneof(fc.stringMatching(/^[a-z0-9=;. /-]{1,24}$/), fc.stringMatching(/^[a-zA-Z0-9]{100,600}$/), fc.constant('é ünïcode ✓')),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => {
    const seen = new Set<string>();
    return pairs.filter(([name]) => !seen.has(name) && seen.add(name)) as NameValue[];
  });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('request' as const), nv: nvArb, body: fc.oneof(fc.constant(0), fc.nat(5000)) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('answer' as const), nv: nvArb, body: fc.oneof(fc.constant(0), fc.nat(9000)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('push' as const), nv: nvArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('usHeaders' as const), nv: nvArb }) },
  { weight: 1, arbitrary: fc.constant({ op: 'usPing' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'peerPing' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('usReset' as const), pick: fc.nat(20) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('peerToUs' as const), chunk: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 100_000 })) }) },
  { weight: 5, arbitrary: fc.constant({ op: 'usToPeer' as const }) },
);

export const scriptArb: fc.Arbitrary<Script> = fc.record({
  version: fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1),
  usSide: fc.constantFrom(SERVER, CLIENT),
  ops: fc.array(opArb, { minLength: 8, maxLength: 60 }),
});

/** An input of the session under test, as recorded in the first run. */
export type Input =
  | { kind: 'recv'; bytes: Uint8Array }
  | { kind: 'send' }
  | { kind: 'request'; nv: NameValue[]; body: number; seed: number }
  | { kind: 'push'; assoc: number; nv: NameValue[] }
  | { kind: 'response'; streamId: number; nv: NameValue[]; body: number; seed: number }
  | { kind: 'headers'; streamId: number; nv: NameValue[] }
  | { kind: 'ping' }
  | { kind: 'reset'; streamId: number };

/** A body of `size` pattern bytes, handed out as asked. */
function bodySource(size: number, seed: number): DataSource {
  let at = 0;
  return {
    read(_streamId: number, length: number, control: ReadControl) {
      const n = Math.min(length, size - at);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (seed * 31 + at + i) & 0xff;
      at += n;
      if (at >= size) control.flags |= READ_EOF;
      return out;
    },
  };
}

/** Events as text, at once (their byte views are valid only during the call). */
export function eventLog(): { log: string[]; sink: (event: SessionEvent) => void } {
  const log: string[] = [];
  const sink = (event: SessionEvent) => {
    log.push(JSON.stringify(event, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value)));
  };
  return { log, sink };
}

/** Applies one recorded input. */
export function apply(session: SessionMachine, input: Input, out: Uint8Array[]): void {
  switch (input.kind) {
    case 'recv':
      session.memRecv(input.bytes);
      return;
    case 'send': {
      // One call: the driver's calls are inputs too, each a send pass.
      const bytes = session.memSend();
      if (bytes !== null) out.push(bytes);
      return;
    }
    case 'request':
      session.submitRequest(3, input.nv, input.body > 0 ? bodySource(input.body, input.seed) : null);
      return;
    case 'push':
      session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL | CTRL_FLAG_FIN, 2, input.nv, input.assoc);
      return;
    case 'response':
      session.submitResponse(input.streamId, input.nv, input.body > 0 ? bodySource(input.body, input.seed) : null);
      return;
    case 'headers':
      session.submitHeaders(0, input.streamId, input.nv);
      return;
    case 'ping':
      session.submitPing();
      return;
    case 'reset':
      session.submitRstStream(input.streamId, 5);
      return;
  }
}

function requestNv(extra: NameValue[]): NameValue[] {
  return [[':method', 'GET'], [':path', '/x'], [':version', 'HTTP/1.1'], [':scheme', 'https'], [':host', 'example.org'], ...extra];
}

function responseNv(extra: NameValue[]): NameValue[] {
  return [[':status', '200 OK'], [':version', 'HTTP/1.1'], ...extra];
}

/** The first run: the session under test and its peer, built-in codecs; returns the inputs, bytes and events of ours. */
export function recordRun(script: Script): { inputs: Input[]; bytes: Uint8Array[]; events: string[] } {
  const inputs: Input[] = [];
  const bytes: Uint8Array[] = [];
  const ours = eventLog();
  const opened: number[] = [];
  const peerOpened: number[] = [];
  const usSink = (event: SessionEvent) => {
    ours.sink(event);
    if (event.type === 'ctrl-recv' && event.frame.type === SYN_STREAM) opened.push(event.frame.streamId);
  };
  const peerSink = (event: SessionEvent) => {
    if (event.type === 'ctrl-recv' && event.frame.type === SYN_STREAM) peerOpened.push(event.frame.streamId);
  };
  const us = new SessionMachine(script.usSide, script.version, usSink);
  const peer = new SessionMachine(script.usSide === SERVER ? CLIENT : SERVER, script.version, peerSink);
  const usServer = script.usSide === SERVER;
  const toPeer: Uint8Array[] = [];
  let seed = 1;
  const input = (i: Input) => {
    inputs.push(i);
    apply(us, i, toPeer);
  };
  const peerToUs = (chunk: number) => {
    for (let b = peer.memSend(); b !== null; b = peer.memSend()) {
      for (let at = 0; at < b.length; at += chunk) input({ kind: 'recv', bytes: b.slice(at, at + chunk) });
    }
  };
  const usToPeer = () => {
    for (;;) {
      const before = toPeer.length;
      input({ kind: 'send' });
      if (toPeer.length === before) break;
    }
    for (const b of toPeer.splice(0)) {
      bytes.push(b);
      peer.memRecv(b);
    }
  };
  for (const op of script.ops) {
    switch (op.op) {
      case 'request':
        if (usServer) peer.submitRequest(3, requestNv(op.nv), op.body > 0 ? bodySource(op.body, seed++) : null);
        else input({ kind: 'request', nv: requestNv(op.nv), body: op.body, seed: seed++ });
        break;
      case 'answer': {
        if (usServer) {
          const id = opened.shift();
          if (id !== undefined) input({ kind: 'response', streamId: id, nv: responseNv(op.nv), body: op.body, seed: seed++ });
        } else {
          const id = peerOpened.shift();
          if (id !== undefined) peer.submitResponse(id, responseNv(op.nv), op.body > 0 ? bodySource(op.body, seed++) : null);
        }
        break;
      }
      case 'push':
        if (usServer && opened.length > 0) {
          input({ kind: 'push', assoc: opened[opened.length - 1]!, nv: [...requestNv([]), ...responseNv(op.nv)] });
        }
        break;
      case 'usHeaders':
        if (opened.length > 0) input({ kind: 'headers', streamId: opened[0]!, nv: op.nv.length > 0 ? op.nv : [['x-more', '1']] });
        break;
      case 'usPing':
        input({ kind: 'ping' });
        break;
      case 'peerPing':
        peer.submitPing();
        break;
      case 'usReset':
        if (opened.length > 0) input({ kind: 'reset', streamId: opened[op.pick % opened.length]! });
        break;
      case 'peerToUs':
        peerToUs(op.chunk);
        break;
      case 'usToPeer':
        usToPeer();
        break;
    }
  }
  // Until both are quiet.
  for (let round = 0; round < 50; round++) {
    usToPeer();
    peerToUs(1 << 20);
    usToPeer();
    if (!peer.wantWrite() && !us.wantWrite()) break;
  }
  return { inputs, bytes, events: ours.log };
}

/**
 * The built-in codec, answering only when released: what it is asked is
 * computed at once, in order, and handed over later, as a worker would.
 */
export class HeldCodec implements DeferringHeaderCodec {
  readonly deferring = true;
  private readonly inner;
  private encoding: { block: HeaderBlockInput; answer: Uint8Array | null; released: boolean } | null = null;
  private readonly decoded: Array<{ result: HeaderBlockResult; released: boolean }> = [];
  /** Blocks given to it in all (for the test's own check that it was used). */
  asked = 0;

  constructor(version: number, side: number) {
    this.inner = createHeaderCodec({ version, side });
  }

  readonly encoder = {
    prepare: (nv: readonly (readonly [string, string])[], encoding: 'utf8' | 'latin1') => this.inner.encoder.prepare(nv, encoding),
    encode: (block: HeaderBlockInput, headroom: number, maxBlockLength: number) => {
      const current = this.encoding;
      if (current !== null) {
        if (current.block !== block) throw new Error('a second block was given before the first was answered');
        if (!current.released) return HEADER_BLOCK_PENDING;
        this.encoding = null;
        return current.answer;
      }
      this.asked++;
      this.encoding = { block, answer: this.inner.encoder.encode(block, headroom, maxBlockLength), released: false };
      return HEADER_BLOCK_PENDING;
    },
  };

  readonly decoder = {
    begin: () => this.inner.decoder.begin(),
    push: (bytes: Uint8Array) => this.inner.decoder.push(bytes),
    end: (frameVersion?: number): typeof HEADER_BLOCK_PENDING => {
      this.asked++;
      this.decoded.push({ result: this.inner.decoder.end(frameVersion), released: false });
      return HEADER_BLOCK_PENDING;
    },
    takeResult: () => {
      const first = this.decoded[0];
      if (first === undefined || !first.released) return HEADER_BLOCK_PENDING;
      this.decoded.shift();
      return first.result;
    },
  };

  get waiting(): boolean {
    return (this.encoding !== null && !this.encoding.released) || this.decoded.some((d) => !d.released);
  }

  /** Releases the next `n` answers (the pending encode counts as one), oldest first. */
  release(n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.encoding !== null && !this.encoding.released) {
        this.encoding.released = true;
        continue;
      }
      const next = this.decoded.find((d) => !d.released);
      if (next === undefined) return;
      next.released = true;
    }
  }
}

/** The second run: the same inputs, the codec answering when `timing` says. */
export function replayRun(
  script: Script,
  inputs: Input[],
  timing: number[],
  codecFor: (version: number, side: number) => HeldCodec,
): { bytes: Uint8Array[]; events: string[]; codec: HeldCodec; heldInputs: number } {
  const ours = eventLog();
  const codec = codecFor(script.version, script.usSide);
  const config: SessionConfig = { headerCodec: codec };
  const us = new SessionMachine(script.usSide, script.version, ours.sink, config);
  const bytes: Uint8Array[] = [];
  let heldInputs = 0;
  inputs.forEach((input, i) => {
    const when = timing.length === 0 ? 0 : timing[i % timing.length]!;
    if (when > 0) {
      codec.release(when);
      us.resumeHeaderBlocks();
    }
    if (us.awaitingHeaderCodec) heldInputs++;
    apply(us, input, bytes);
  });
  for (let round = 0; round < 10_000 && (codec.waiting || us.awaitingHeaderCodec); round++) {
    codec.release(1);
    us.resumeHeaderBlocks();
  }
  for (let b = us.memSend(); b !== null; b = us.memSend()) bytes.push(b);
  return { bytes, events: ours.log, codec, heldInputs };
}

export const timingArb = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.constant(1000)), { maxLength: 12 });
