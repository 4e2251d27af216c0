/**
 * BodyDeadline's rules on a fake clock: the idle rule, the rate rule
 * (each `minRate` bytes buy a second past the first idle period), and
 * holds stopping the clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BodyDeadline } from '../../src/io/body-deadline.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function deadline(idleTimeout: number, minRate: number, held: Array<'reader' | 'connection'> = []) {
  const expired: string[] = [];
  const clock = new BodyDeadline({ idleTimeout, minRate }, (reason) => expired.push(reason), held);
  return { clock, expired };
}

describe('BodyDeadline', () => {
  it('idle: expires idleTimeout after the last DATA, not before', () => {
    const { clock, expired } = deadline(1000, 0);
    vi.advanceTimersByTime(900);
    clock.data(10);
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['no DATA from the peer for 1000 ms']);
  });

  it('rate: past the first idle period, every minRate bytes buy one second', () => {
    const { clock, expired } = deadline(1000, 100);
    // 50 bytes every 500 ms: 100 bytes/s, never idle, exactly on the rate: 10 s pass.
    for (let t = 0; t < 10_000; t += 500) {
      clock.data(50);
      vi.advanceTimersByTime(500);
    }
    expect(expired).toEqual([]);
    // Now 10 bytes every 500 ms: 20 bytes/s. The 1,000 bytes so far buy
    // until 11 s of waiting (1 s + 1,000 / 100 s); each chunk after buys 0.1 s.
    for (let t = 0; t < 20_000 && expired.length === 0; t += 500) {
      clock.data(10);
      vi.advanceTimersByTime(500);
    }
    expect(expired).toEqual([expect.stringMatching(/^the body came at under 100 bytes\/s \(\d+ bytes in \d+\.\d s of waiting\)$/)]);
    expect(performance.now()).toBeGreaterThan(11_000);
    expect(performance.now()).toBeLessThan(12_000);
  });

  it('held: no time counts while we hold the peer back, for any reason', () => {
    const { clock, expired } = deadline(1000, 0);
    vi.advanceTimersByTime(600);
    clock.setHeld('reader', true);
    vi.advanceTimersByTime(60_000);
    clock.setHeld('connection', true);
    clock.setHeld('reader', false);
    vi.advanceTimersByTime(60_000);
    expect(expired).toEqual([]);
    clock.setHeld('connection', false);
    vi.advanceTimersByTime(399);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toHaveLength(1);
  });

  it('starts held when the connection is paused already; stop() ends it for good', () => {
    const { clock, expired } = deadline(1000, 0, ['connection']);
    vi.advanceTimersByTime(5000);
    expect(expired).toEqual([]);
    clock.setHeld('connection', false);
    vi.advanceTimersByTime(500);
    clock.stop();
    vi.advanceTimersByTime(5000);
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
