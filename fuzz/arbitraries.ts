/**
 * fast-check arbitraries for fuzz cases. Four families of input, each fed
 * to client and server sessions of every version and config, cut at random
 * points (single bytes included) and drained at random points:
 *
 * - random bytes;
 * - frames with plausible heads (real versions and types mostly, lengths
 *   right or lying) and random payloads;
 * - built frame sequences: every frame type, built as a peer would (header
 *   blocks through one deflate stream, so they inflate in order), with ids,
 *   flags, statuses, settings and windows drawn from both the likely and
 *   the absurd;
 * - recorded real sessions (corpus.ts), mutated frame-wise and byte-wise
 *   (mutate.ts); the target is primed with the recording's own side first.
 */
import fc from 'fast-check';
import { CLIENT, SERVER } from '../src/core/constants.js';
import type { NameValue, SettingsEntry } from '../src/core/frame/types.js';
import { FrameFactory } from '../test/helpers/frame-factory.js';
import { CONFIGS, SIDES, VERSIONS } from './case.js';
import type { FuzzCase } from './case.js';
import { concat } from './bytes.js';
import { peerFrames, recordings } from './corpus.js';
import { mutateBytes, mutateFrames } from './mutate.js';
import type { ByteMutation, FrameMutation } from './mutate.js';

const sideArb = fc.constantFrom(...SIDES);
const versionArb = fc.constantFrom(...VERSIONS);
/** The default config most often: the others are variations on it. */
const configArb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: CONFIGS.length - 1 }) });

const cutsArb = fc.array(
  fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 10, max: 300 }), fc.integer({ min: 301, max: 5000 })),
  { minLength: 1, maxLength: 6 },
);
const drainsArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 4 });
const throwAtArb = fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) });

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

// ---- plausible heads, random payloads ----

const plausibleFrameArb = fc
  .record({
    control: fc.boolean(),
    version: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(2, 3) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x7fff }) }),
    type: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 10 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }),
    streamId: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 0x7fffffff })),
    flags: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 255 })),
    payload: fc.uint8Array({ maxLength: 48 }),
    lengthRight: fc.boolean(),
    wrongLength: fc.integer({ min: 0, max: 0xffffff }),
  })
  .map((f) => {
    const payload = f.payload.slice();
    // Most control types start with a stream id: make it a small one, so frames hit real streams.
    if (f.control && payload.length >= 4) new DataView(payload.buffer).setUint32(0, f.streamId);
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

// ---- built frames ----

const streamIdArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 9 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x7fffffff }) },
);
const statusArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) });
const headerName = fc.oneof(
  fc.constantFrom(':method', ':path', ':version', ':host', ':scheme', ':status', 'method', 'url', 'version', 'status', 'host', 'scheme', 'content-length'),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('', 'UPPER', 'a\u0000b', 'caf\u00e9'),
);
const headerValue = fc.oneof(
  fc.constantFrom('GET', '/', 'HTTP/1.1', 'example.org', 'https', '200 OK', '', 'a\u0000b', '\u0000'),
  fc.string({ maxLength: 16 }),
);
const nvArb: fc.Arbitrary<NameValue[]> = fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 });
const settingsArb: fc.Arbitrary<SettingsEntry[]> = fc.array(
  fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffff }) }),
    fc.constantFrom(0, 1, 2, 3),
    fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 0xffffffff })),
  ),
  { maxLength: 12 },
);

type Built = (f: FrameFactory) => Uint8Array;

const builtFrameArb: fc.Arbitrary<Built> = fc.oneof(
  fc.record({ streamId: streamIdArb, assoc: fc.oneof(fc.constant(0), streamIdArb), pri: fc.integer({ min: 0, max: 7 }), flags: fc.integer({ min: 0, max: 3 }), nv: nvArb })
    .map((s): Built => (f) => f.synStream({ streamId: s.streamId, assocStreamId: s.assoc, pri: s.pri, flags: s.flags, nv: s.nv })),
  fc.record({ streamId: streamIdArb, flags: fc.integer({ min: 0, max: 1 }), nv: nvArb }).map((s): Built => (f) => f.synReply(s)),
  fc.record({ streamId: streamIdArb, flags: fc.integer({ min: 0, max: 1 }), nv: nvArb }).map((s): Built => (f) => f.headers(s)),
  fc.record({ streamId: streamIdArb, status: statusArb }).map((s): Built => (f) => f.rstStream(s.streamId, s.status)),
  fc.record({ flags: fc.constantFrom(0, 1), iv: settingsArb }).map((s): Built => (f) => f.settings(s.flags, s.iv)),
  fc.integer({ min: 0, max: 0xffffffff }).map((id): Built => (f) => f.ping(id)),
  fc.record({ last: streamIdArb, status: statusArb }).map((s): Built => (f) => f.goaway(s.last, s.status)),
  fc.record({ streamId: fc.oneof(fc.constant(0), streamIdArb), delta: fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 0xffffffff })) })
    .map((s): Built => (f) => f.windowUpdate(s.streamId, s.delta)),
  fc.record({ streamId: streamIdArb, flags: fc.integer({ min: 0, max: 3 }), payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 9000 })) })
    .map((s): Built => (f) => f.data(s.streamId, s.flags, s.payload)),
  fc.constant<Built>((f) => f.noop()),
  fc.record({ slot: fc.integer({ min: 0, max: 0xffff }), proof: fc.uint8Array({ maxLength: 16 }), certs: fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 3 }) })
    .map((s): Built => (f) => f.credential(s.slot, s.proof, s.certs)),
  fc.record({ type: fc.integer({ min: 0, max: 12 }), flags: fc.integer({ min: 0, max: 255 }), payload: fc.uint8Array({ maxLength: 32 }) })
    .map((s): Built => (f) => f.raw(s.type, s.flags, s.payload)),
  plausibleFrameArb.map((bytes): Built => () => bytes),
);

// ---- mutations of recordings ----

const frameMutationArb = (others: readonly Uint8Array[][]): fc.Arbitrary<FrameMutation> =>
  fc.oneof(
    fc.record({ op: fc.constant('duplicate' as const), at: fraction }),
    fc.record({ op: fc.constant('drop' as const), at: fraction }),
    fc.record({ op: fc.constant('swap' as const), at: fraction, with: fraction }),
    fc.record({ op: fc.constant('splice' as const), at: fraction, other: fc.constantFrom(...others), from: fraction }),
    fc.record({ op: fc.constant('lie' as const), at: fraction, length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0xffffff })) }),
    fc.record({ op: fc.constant('version' as const), at: fraction, version: fc.oneof(fc.constantFrom(2, 3), fc.integer({ min: 0, max: 0x7fff })) }),
    fc.record({ op: fc.constant('type' as const), at: fraction, type: fc.integer({ min: 0, max: 12 }) }),
    fc.record({ op: fc.constant('insert' as const), at: fraction, frame: plausibleFrameArb }),
  );

const byteMutationArb: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fraction, mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('set' as const), at: fraction, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fraction, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fraction, span: fc.integer({ min: 1, max: 24 }) }),
  fc.record({ op: fc.constant('repeat' as const), at: fraction, span: fc.integer({ min: 1, max: 24 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fraction }),
);

// ---- cases ----

const common = { cuts: cutsArb, drains: drainsArb, throwAt: throwAtArb, config: configArb };

export const randomBytesCase: fc.Arbitrary<FuzzCase> = fc.record({
  ...common,
  side: sideArb,
  version: versionArb,
  script: fc.constant(null),
  input: fc.uint8Array({ maxLength: 600 }),
});

export const plausibleFramesCase: fc.Arbitrary<FuzzCase> = fc.record({
  ...common,
  side: sideArb,
  version: versionArb,
  script: fc.constant(null),
  input: fc.array(plausibleFrameArb, { maxLength: 12 }).map(concat),
});

export const builtFramesCase: fc.Arbitrary<FuzzCase> = fc
  .record({ ...common, side: sideArb, version: versionArb, frames: fc.array(builtFrameArb, { minLength: 1, maxLength: 16 }) })
  .map(({ frames, ...c }) => {
    // The peer's side: a server target hears a client, and the other way round.
    const factory = new FrameFactory(c.version, c.side === SERVER ? CLIENT : SERVER);
    return { ...c, script: null, input: concat(frames.map((build) => build(factory))) };
  });

export const mutatedRecordingCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(sideArb, versionArb)
  .chain(([side, version]) => {
    const pool = recordings(version);
    const others = pool.map((r) => peerFrames(r, side));
    return fc.record({
      ...common,
      side: fc.constant(side),
      version: fc.constant(version),
      recording: fc.integer({ min: 0, max: pool.length - 1 }),
      frameMutations: fc.array(frameMutationArb(others), { maxLength: 3 }),
      byteMutations: fc.array(byteMutationArb, { maxLength: 3 }),
    });
  })
  .map(({ recording, frameMutations, byteMutations, ...c }) => {
    const chosen = recordings(c.version)[recording]!;
    const frames = mutateFrames(peerFrames(chosen, c.side), frameMutations);
    return { ...c, script: chosen.script, input: mutateBytes(concat(frames), byteMutations) };
  });

/** Every family, the mutated recordings (which reach deepest) most often. */
export const anyCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 1, arbitrary: randomBytesCase },
  { weight: 2, arbitrary: plausibleFramesCase },
  { weight: 3, arbitrary: builtFramesCase },
  { weight: 4, arbitrary: mutatedRecordingCase },
);

export const FAMILIES = {
  any: anyCase,
  random: randomBytesCase,
  plausible: plausibleFramesCase,
  built: builtFramesCase,
  recorded: mutatedRecordingCase,
} as const;
export type Family = keyof typeof FAMILIES;
