/**
 * The identity property of a deferring header codec (session/codec-wait.ts:
 * the core waits through an explicit input, resumeHeaderBlocks): for random
 * workloads, a session whose codec answers later (at random points between
 * its inputs) gives the same bytes and the same events in the same order as
 * one with the built-in codec, given the same inputs in the same order;
 * only when differs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldCodec, recordRun, replayRun, scriptArb, timingArb } from '../helpers/deferring-run.js';

describe('a session with a deferring header codec', () => {
  it('gives the bytes and events of the built-in codec, whatever the chunking and whenever the codec answers', () => {
    let blocks = 0;
    let heldInputs = 0;
    fc.assert(
      fc.property(scriptArb, timingArb, (script, timing) => {
        const reference = recordRun(script);
        const replay = replayRun(script, reference.inputs, timing, (version, side) => new HeldCodec(version, side));
        blocks += replay.codec.asked;
        heldInputs += replay.heldInputs;
        expect(Buffer.concat(replay.bytes).equals(Buffer.concat(reference.bytes))).toBe(true);
        expect(replay.events).toEqual(reference.events);
      }),
      { numRuns: 300 },
    );
    // The property is about something: many header blocks went through the
    // codec, and many inputs came while the session was waiting for it.
    expect(blocks).toBeGreaterThan(1000);
    expect(heldInputs).toBeGreaterThan(1000);
  });
});
