/**
 * Two of our own sessions, client and server, wired back to back in memory
 * (test/helpers/pair-runner.ts) under random workloads
 * (test/helpers/pair-workload.ts): many requests and responses with bodies
 * of random sizes (exact multiples of chunk sizes and windows, and one off
 * either side, included), each side's output cut at random points down to
 * single bytes and delivered a random number of bytes per round, random
 * SETTINGS_INITIAL_WINDOW_SIZE from either side before or during the
 * transfer (1..100 bytes included), random dataChunkSize, RST_STREAM CANCEL
 * from either side mid-transfer, providers that defer (resumed rounds
 * later), yield, read short or fail, PINGs, the server's
 * MAX_CONCURRENT_STREAMS, DATA acknowledged by the session or by the
 * application, SYN_REPLY then submitData, and GOAWAY mid-way or at the end.
 * A wire tap with an independent window model (test/helpers/flow-model.ts)
 * checks every DATA frame against the window as the sender knew it;
 * test/helpers/pair-judge.ts lists what must hold afterwards.
 *
 * Sizes and run counts (all three take about 14 s together on two shared
 * cores, measured):
 * - small: 1,000 runs (about 4 ms each) of up to 5 requests, bodies cut to
 *   about 120 DATA frames at the smallest frame size in play, so a one-byte
 *   window or chunk comes with small bodies and single-byte cuts stay cheap;
 * - large: 200 runs (about 10 ms each) of bodies up to 300 KiB with windows
 *   and chunks of 1 KiB or more: each run moves hundreds of KiB, so fewer
 *   runs; 200 already cover every version and mode many times over;
 * - determinism: 1,000 small workloads, each run twice on fresh sessions,
 *   must give the same bytes both ways and the same callback logs (about
 *   8 ms a case).
 * Fixed seeds; fast-check prints seed and path on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge } from '../helpers/pair-judge.js';
import { runPair } from '../helpers/pair-runner.js';
import type { Transcript } from '../helpers/pair-runner.js';
import { workloadArb } from '../helpers/pair-workload.js';
import type { Limits } from '../helpers/pair-workload.js';

const SMALL: Limits = {
  maxRequests: 5,
  frameBudget: 120,
  maxBody: 32_768,
  chunk: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 6000 }), fc.constantFrom(4096, 16384, 65536)),
  window: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 101, max: 70_000 }), fc.constantFrom(4096, 65536, 1 << 20)),
  cut: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 16 }), fc.integer({ min: 17, max: 3000 })),
  budget: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 5000 })),
  maxRead: fc.integer({ min: 1, max: 3000 }),
  manualAck: true,
  maxActionRound: 40,
  maxSettings: 3,
  maxCancels: 3,
  maxPings: 2,
  midGoawayWeight: 1,
};

const LARGE: Limits = {
  maxRequests: 4,
  frameBudget: 400,
  maxBody: 300 * 1024,
  chunk: fc.oneof(fc.integer({ min: 1024, max: 70_000 }), fc.constantFrom(4096, 16384, 65536)),
  window: fc.oneof(fc.integer({ min: 1024, max: 200_000 }), fc.constantFrom(4096, 65536)),
  cut: fc.oneof({ weight: 1, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.integer({ min: 500, max: 40_000 }) }, { weight: 2, arbitrary: fc.constant(0) }),
  budget: fc.oneof(fc.constant(0), fc.integer({ min: 4096, max: 200_000 })),
  maxRead: fc.integer({ min: 512, max: 20_000 }),
  manualAck: true,
  maxActionRound: 30,
  maxSettings: 2,
  maxCancels: 2,
  maxPings: 2,
  midGoawayWeight: 1,
};

describe('two sessions back to back', () => {
  it('small workloads: bodies exact, resets closed, windows respected, nothing left open (1,000 runs)', () => {
    fc.assert(
      fc.property(workloadArb(SMALL), (w) => {
        judge(w, runPair(w));
      }),
      { seed: 0x5e55_0001, numRuns: 1000 },
    );
  });

  it('large bodies up to 300 KiB (200 runs)', () => {
    fc.assert(
      fc.property(workloadArb(LARGE), (w) => {
        judge(w, runPair(w));
      }),
      { seed: 0x5e55_0002, numRuns: 200 },
    );
  });

  it('is deterministic: same workload, same bytes both ways, same callback logs (1,000 runs)', () => {
    fc.assert(
      fc.property(workloadArb(SMALL), (w) => {
        const a = runPair(w);
        const b = runPair(w);
        expect(fingerprint(b)).toEqual(fingerprint(a));
      }),
      { seed: 0x5e55_0003, numRuns: 1000 },
    );
  });
});

function fingerprint(t: Transcript) {
  const join = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('hex');
  return {
    clientBytes: join(t.client.outputs),
    serverBytes: join(t.server.outputs),
    clientOutputs: t.client.outputs.map((o) => o.length),
    serverOutputs: t.server.outputs.map((o) => o.length),
    clientLog: t.client.log,
    serverLog: t.server.log,
    rounds: t.rounds,
  };
}
