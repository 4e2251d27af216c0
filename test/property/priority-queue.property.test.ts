/**
 * The outbound queue's order (fast-check, fixed seed): whatever mix of
 * pushes and pops, pop() returns the item of least (pri, seq) still queued,
 * as a sort of the queued items would, and size/peek agree. Items are
 * pushed the ways the session pushes them: most with the session's next
 * seq, some popped and pushed back later with the seq they had (a deferred
 * DATA item resumed), at every priority from PING's to the lowest stream
 * priority.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRI_PING, PRI_SETTINGS } from '../../src/core/session/outbound.js';
import { PriorityQueue } from '../../src/core/session/priority-queue.js';

/** PING's priority to SPDY/3's lowest stream priority. */
const MIN_PRI = PRI_PING;
const MAX_PRI = 7;

interface Item {
  pri: number;
  seq: number;
}

const byOrder = (a: Item, b: Item): number => a.pri - b.pri || a.seq - b.seq;

type Op = { kind: 'push'; pri: number } | { kind: 'pop' } | { kind: 'resume'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), pri: fc.integer({ min: MIN_PRI, max: MAX_PRI }) }),
  fc.record({ kind: fc.constant('push' as const), pri: fc.constantFrom(PRI_PING, PRI_SETTINGS, 0, 3, MAX_PRI) }),
  fc.constant({ kind: 'pop' as const }),
  fc.record({ kind: fc.constant('resume' as const), pick: fc.nat() }),
);

describe('PriorityQueue', () => {
  it('pops in (pri, seq) order under any mix of pushes, pops and re-pushes with old seqs', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const queue = new PriorityQueue<Item>();
        const queued: Item[] = [];
        const parked: Item[] = [];
        let nextSeq = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            const item = { pri: o.pri, seq: nextSeq++ };
            queue.push(item);
            queued.push(item);
          } else if (o.kind === 'resume') {
            if (parked.length === 0) continue;
            const [item] = parked.splice(o.pick % parked.length, 1);
            queue.push(item!);
            queued.push(item!);
          } else {
            queued.sort(byOrder);
            const expected = queued.shift();
            expect(queue.peek()).toBe(expected);
            const got = queue.pop();
            expect(got).toBe(expected);
            if (got !== undefined && got.seq % 3 === 0) parked.push(got);
          }
          expect(queue.size).toBe(queued.length);
        }
        queued.sort(byOrder);
        const rest: Item[] = [];
        for (let item = queue.pop(); item !== undefined; item = queue.pop()) rest.push(item);
        expect(rest).toEqual(queued);
        expect(queue.size).toBe(0);
        expect(queue.peek()).toBeUndefined();
      }),
      { seed: 0x5eed, numRuns: 500 },
    );
  });

  it('keeps order over a long run with the queue never empty', () => {
    const queue = new PriorityQueue<Item>();
    let seq = 0;
    let expected = 0;
    for (let round = 0; round < 5000; round++) {
      queue.push({ pri: 3, seq: seq++ });
      queue.push({ pri: 3, seq: seq++ });
      expect(queue.pop()!.seq).toBe(expected++);
    }
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) expect(item.seq).toBe(expected++);
    expect(expected).toBe(seq);
  });

  it('drain() hands back every queued item and leaves the queue empty', () => {
    const queue = new PriorityQueue<Item>();
    const items = [5, -10, 0, 5, 7, -1].map((pri, seq) => ({ pri, seq }));
    for (const item of items) queue.push(item);
    queue.pop();
    const drained = queue.drain();
    expect(drained.sort(byOrder)).toEqual(items.slice().sort(byOrder).slice(1));
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
    queue.push({ pri: 2, seq: 99 });
    expect(queue.pop()).toEqual({ pri: 2, seq: 99 });
  });
});
