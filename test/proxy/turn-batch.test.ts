/**
 * The batch the SPDY frontend holds its replies in until the end of the
 * event loop's turn: nothing is released while the turn runs, everything
 * added in it is released together in the order it came, and what is added
 * while a batch is being released waits for the next turn.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../../src/proxy/turn-batch.js';

describe('TurnBatch', () => {
  it('releases what one turn added at its end, together and in order', async () => {
    const batch = new TurnBatch();
    const released: string[] = [];
    for (const name of ['a', 'b', 'c']) batch.add({ release: () => released.push(name) });
    await Promise.resolve();
    expect(released).toEqual([]);
    await nextTurn();
    expect(released).toEqual(['a', 'b', 'c']);
  });

  it('holds what is added during a release for the next turn', async () => {
    const batch = new TurnBatch();
    const released: string[] = [];
    batch.add({
      release: () => {
        released.push('first');
        batch.add({ release: () => released.push('added while releasing') });
      },
    });
    await nextTurn();
    expect(released).toEqual(['first']);
    await nextTurn();
    expect(released).toEqual(['first', 'added while releasing']);
  });
});
