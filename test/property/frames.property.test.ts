/**
 * Framing properties (fast-check, fixed seed, 1,000 runs each):
 * - encode -> decode is the identity for every frame type and version;
 * - the resumable decoder agrees with the naive whole-buffer oracle
 *   (test/helpers/naive-decoder.ts) on valid, malformed and unknown frames;
 * - its output does not depend on how the input is split, each chunk pushed
 *   in its own call (own ArrayBuffer), down to single bytes;
 * - arbitrary bytes, and valid frames with corrupted bytes, never make push
 *   throw, and the number of sink calls stays bounded by the input.
 * On failure fast-check prints the seed and path to replay the case.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL,
  GOAWAY,
  HEADERS,
  NOOP,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/core/constants.js';
import { FrameDecoder } from '../../src/core/frame/decoder.js';
import { encodeControlFrame, encodeDataHead, writeControlHead } from '../../src/core/frame/encoder.js';
import type { ControlFrameRecord, NameValue } from '../../src/core/frame/types.js';
import { versionFacts, type VersionFacts } from '../../src/core/version.js';
import { concat, splitAt } from '../helpers/bytes.js';
import { naiveDecode } from '../helpers/naive-decoder.js';
import { PlainDecoder, PlainEncoder } from '../helpers/plain-codec.js';
import { RecordingSink, type SinkEvent } from '../helpers/recording-sink.js';

const SEED = 0x5eed_f4a3;
const RUNS = 1000;
const params = { seed: SEED, numRuns: RUNS };

// ---- arbitraries ----

const u8 = fc.integer({ min: 0, max: 0xff });
const u31 = fc.integer({ min: 0, max: 0x7fffffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

const headerName = fc.stringMatching(/^[a-z0-9:_-]{1,10}$/);
const nvArb: fc.Arbitrary<NameValue[]> = fc.uniqueArray(fc.tuple(headerName, fc.string({ unit: 'grapheme', maxLength: 12 })), {
  selector: ([name]) => name,
  maxLength: 5,
});

const sessionVersion = fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1);

/** Any control frame record valid for a session speaking `wire` (2 or 3). */
function controlRecord(wire: 2 | 3): fc.Arbitrary<ControlFrameRecord> {
  const base = { version: fc.constant(wire), flags: u8, length: fc.constant(0) };
  return fc.oneof(
    fc.record({
      type: fc.constant(SYN_STREAM),
      ...base,
      streamId: u31,
      assocStreamId: u31,
      pri: fc.integer({ min: 0, max: wire === 2 ? 3 : 7 }),
      slot: wire === 2 ? fc.constant(0) : u8,
      nv: nvArb,
    }),
    fc.record({ type: fc.constant(SYN_REPLY), ...base, streamId: u31, nv: nvArb }),
    fc.record({ type: fc.constant(HEADERS), ...base, streamId: u31, nv: nvArb }),
    fc.record({ type: fc.constant(RST_STREAM), ...base, streamId: u31, statusCode: u32 }),
    fc.record({
      type: fc.constant(SETTINGS),
      ...base,
      iv: fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffff }), u8, u32), { maxLength: 6 }),
    }),
    fc.record({ type: fc.constant(NOOP), ...base }),
    fc.record({ type: fc.constant(PING), ...base, uniqueId: u32 }),
    fc.record({ type: fc.constant(GOAWAY), ...base, lastGoodStreamId: u31, statusCode: wire === 2 ? fc.constant(0) : u32 }),
    fc.record({ type: fc.constant(WINDOW_UPDATE), ...base, streamId: u31, deltaWindowSize: u31 }),
    fc.record({ type: fc.constant(CREDENTIAL), ...base }),
  ) as fc.Arbitrary<ControlFrameRecord>;
}

interface DataFrame {
  streamId: number;
  flags: number;
  payload: Uint8Array;
}
const dataFrame: fc.Arbitrary<DataFrame> = fc.record({ streamId: u31, flags: u8, payload: bytes(48) });

/** A control frame of any version and type (0..12) with a payload of any length: valid, malformed or unknown. */
const rawControl = fc.record({
  version: fc.constantFrom(1, 2, 3, 4),
  type: fc.integer({ min: 0, max: 12 }),
  flags: u8,
  payload: bytes(40),
});

type Item = { kind: 'ctrl'; frame: ControlFrameRecord } | { kind: 'data'; frame: DataFrame } | { kind: 'raw'; bytes: Uint8Array };

function items(wire: 2 | 3, maxLength: number): fc.Arbitrary<Item[]> {
  return fc.array(
    fc.oneof(
      controlRecord(wire).map((frame): Item => ({ kind: 'ctrl', frame })),
      dataFrame.map((frame): Item => ({ kind: 'data', frame })),
      rawControl.map((r): Item => {
        const out = new Uint8Array(8 + r.payload.length);
        writeControlHead(out, 0, r.version, r.type, r.flags, r.payload.length);
        out.set(r.payload, 8);
        return { kind: 'raw', bytes: out };
      }),
    ),
    { maxLength },
  );
}

/** Cut points inside a buffer of `length` bytes, sorted and distinct. */
const cuts = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 24 }).map((c) => c.filter((x) => x < length).sort((a, b) => a - b));

// ---- helpers ----

const wireOf = (version: number): 2 | 3 => versionFacts(version)!.wireVersion;

function encodeItem(item: Item, facts: VersionFacts): Uint8Array {
  switch (item.kind) {
    case 'ctrl':
      return encodeControlFrame(facts, item.frame, null, new PlainEncoder(facts.nvLengthSize))!;
    case 'data':
      return concat(encodeDataHead(item.frame.streamId, item.frame.flags, item.frame.payload.length), item.frame.payload);
    case 'raw':
      return item.bytes;
  }
}

interface Options {
  max?: number;
  maxInflated?: number;
}

/** Pushes `chunks` one call each into a fresh decoder; returns the sink. */
function run(version: number, chunks: readonly Uint8Array[], options: Options = {}): RecordingSink {
  const facts = versionFacts(version)!;
  const sink = new RecordingSink(new PlainDecoder({ lengthSize: facts.nvLengthSize, maxInflated: options.maxInflated }));
  const decoder = new FrameDecoder({
    facts,
    sink,
    maxControlFrameLength: options.max,
  });
  for (const chunk of chunks) decoder.push(chunk);
  return sink;
}

function oracle(version: number, input: Uint8Array, options: Options = {}): SinkEvent[] {
  const facts = versionFacts(version)!;
  return naiveDecode(input, {
    sessionVersion: facts.wireVersion,
    headers: new PlainDecoder({ lengthSize: facts.nvLengthSize, maxInflated: options.maxInflated }),
    maxControlFrameLength: options.max,
  });
}

/** Sink calls are bounded: a frame costs at least 8 bytes, and each push adds at most one DATA chunk. */
function callBound(inputLength: number, pushes: number): number {
  return pushes + 3 * (Math.floor(inputLength / 8) + 1);
}

const optionsArb: fc.Arbitrary<Options> = fc.record(
  {
    max: fc.constantFrom(0, 4, 8, 12, 16, 40, 0xffffff),
    maxInflated: fc.constantFrom(0, 8, 32),
  },
  { requiredKeys: [] },
);

// ---- properties ----

describe('frames: encode -> decode identity', () => {
  it('every control frame type, every version', () => {
    fc.assert(
      fc.property(
        sessionVersion.chain((v) => fc.tuple(fc.constant(v), controlRecord(wireOf(v)))),
        ([version, frame]) => {
          const facts = versionFacts(version)!;
          const wire = encodeControlFrame(facts, frame, null, new PlainEncoder(facts.nvLengthSize))!;
          expect(wire.length).toBe(8 + frame.length);
          expect(run(version, [wire]).log()).toEqual([{ e: 'ctrl', frame }]);
        },
      ),
      params,
    );
  });

  it('DATA: head plus payload view, payload delivered as views of the input', () => {
    fc.assert(
      fc.property(sessionVersion, dataFrame, (version, frame) => {
        const wire = concat(encodeDataHead(frame.streamId, frame.flags, frame.payload.length), frame.payload);
        const sink = run(version, [wire]);
        expect(sink.log()).toEqual([{ e: 'data', streamId: frame.streamId, flags: frame.flags, length: frame.payload.length, payload: frame.payload }]);
        for (const chunk of sink.chunks) expect(chunk.buffer).toBe(wire.buffer);
      }),
      params,
    );
  });
});

describe('frames: the resumable decoder agrees with the naive oracle', () => {
  it('on sequences of valid, malformed and unknown frames, however they are split', () => {
    const arb = sessionVersion.chain((v) =>
      fc.tuple(fc.constant(v), items(wireOf(v), 8), optionsArb).chain(([version, list, options]) => {
        const facts = versionFacts(version)!;
        const input = concat(...list.map((item) => encodeItem(item, facts)));
        return fc.tuple(fc.constant(version), fc.constant(input), fc.constant(options), cuts(input.length));
      }),
    );
    fc.assert(
      fc.property(arb, ([version, input, options, cutPoints]) => {
        const whole = run(version, [input], options).log();
        expect(whole).toEqual(oracle(version, input, options));
        const pieces = splitAt(input, cutPoints);
        const split = run(version, pieces, options);
        expect(split.log()).toEqual(whole);
        expect(split.calls).toBeLessThanOrEqual(callBound(input.length, pieces.length));
      }),
      params,
    );
  });

  it('with every byte pushed on its own', () => {
    const arb = sessionVersion.chain((v) =>
      fc.tuple(fc.constant(v), items(wireOf(v), 5), optionsArb).map(([version, list, options]) => {
        const facts = versionFacts(version)!;
        return [version, concat(...list.map((item) => encodeItem(item, facts))), options] as const;
      }),
    );
    fc.assert(
      fc.property(arb, ([version, input, options]) => {
        const bytewise = Array.from({ length: input.length }, (_, i) => input.slice(i, i + 1));
        expect(run(version, bytewise, options).log()).toEqual(oracle(version, input, options));
      }),
      params,
    );
  });
});

describe('frames: hostile input', () => {
  it('arbitrary bytes never throw, split or not, and agree with the oracle', () => {
    fc.assert(
      fc.property(
        sessionVersion,
        bytes(300).chain((input) => fc.tuple(fc.constant(input), cuts(input.length))),
        optionsArb,
        (version, [input, cutPoints], options) => {
          const whole = run(version, [input], options);
          expect(whole.log()).toEqual(oracle(version, input, options));
          const pieces = splitAt(input, cutPoints);
          const split = run(version, pieces, options);
          expect(split.log()).toEqual(whole.log());
          expect(split.calls).toBeLessThanOrEqual(callBound(input.length, pieces.length));
        },
      ),
      params,
    );
  });

  it('valid frames with corrupted bytes never throw and agree with the oracle, however split', () => {
    const arb = sessionVersion.chain((v) =>
      fc.tuple(fc.constant(v), items(wireOf(v), 6), optionsArb).chain(([version, list, options]) => {
        const facts = versionFacts(version)!;
        const input = concat(...list.map((item) => encodeItem(item, facts)));
        const flips = fc.array(fc.tuple(fc.nat({ max: Math.max(0, input.length - 1) }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        });
        return fc.tuple(fc.constant(version), fc.constant(input), fc.constant(options), flips, cuts(input.length));
      }),
    );
    fc.assert(
      fc.property(arb, ([version, clean, options, flips, cutPoints]) => {
        const input = clean.slice();
        for (const [at, x] of flips) if (at < input.length) input[at]! ^= x;
        const whole = run(version, [input], options).log();
        expect(whole).toEqual(oracle(version, input, options));
        expect(run(version, splitAt(input, cutPoints), options).log()).toEqual(whole);
      }),
      params,
    );
  });
});
