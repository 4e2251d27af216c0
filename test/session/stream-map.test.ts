/** A session's streams by id: the same answers as a Map under any sequence of operations, in a Map's order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamMap } from '../../src/core/session/stream-map.js';

type Op = { kind: 'set' | 'delete' | 'get'; id: number };

/** Ids as sessions use them: small odd and even ones, some reused, and the largest. */
const streamId = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(0x7fffffff), fc.integer({ min: 1, max: 0x7fffffff }));
const op: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('set', 'delete', 'get'), id: streamId });

describe('StreamMap', () => {
  it('answers get, has, delete, size and values as a Map does, values in insertion order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const table = new StreamMap<string>();
        const model = new Map<number, string>();
        ops.forEach(({ kind, id }, step) => {
          if (kind === 'set') {
            table.set(id, `v${step}`);
            model.set(id, `v${step}`);
          } else if (kind === 'delete') {
            expect(table.delete(id)).toBe(model.delete(id));
          }
          expect(table.get(id)).toBe(model.get(id));
          expect(table.has(id)).toBe(model.has(id));
          expect(table.size).toBe(model.size);
        });
        for (const id of model.keys()) expect(table.get(id)).toBe(model.get(id));
        expect(table.values()).toEqual([...model.values()]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps finding every stream while streams come and go far past its first capacity', () => {
    const table = new StreamMap<number>();
    const open: number[] = [];
    for (let id = 1; id < 40_000; id += 2) {
      table.set(id, id);
      open.push(id);
      // A window of ~150 open streams, closed out of order.
      if (open.length > 150) {
        const victim = open.splice((id * 7) % open.length, 1)[0]!;
        expect(table.delete(victim)).toBe(true);
        expect(table.get(victim)).toBeUndefined();
      }
    }
    expect(table.size).toBe(open.length);
    for (const id of open) expect(table.get(id)).toBe(id);
    expect(table.values()).toEqual(open);
  });

  it('finds nothing for id 0, which no stream has, and refuses to store it', () => {
    const table = new StreamMap<string>();
    table.set(1, 'a');
    expect(table.get(0)).toBeUndefined();
    expect(table.has(0)).toBe(false);
    expect(table.delete(0)).toBe(false);
    expect(() => table.set(0, 'x')).toThrow(RangeError);
    expect(() => table.set(2 ** 31, 'x')).toThrow(RangeError);
    expect(table.size).toBe(1);
  });

  it('clear() empties it, and values() is a copy the caller may walk while deleting', () => {
    const table = new StreamMap<number>();
    for (let id = 1; id <= 50; id++) table.set(id, id);
    const values = table.values();
    for (const id of values) table.delete(id);
    expect(values).toHaveLength(50);
    expect(table.size).toBe(0);
    for (let id = 1; id <= 50; id++) table.set(id, id);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(7)).toBeUndefined();
    expect(table.values()).toEqual([]);
  });
});
