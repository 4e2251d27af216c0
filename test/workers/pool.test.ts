/**
 * The worker pool's properties: order per lane, a bounded queue that makes
 * callers wait, transferred results, errors surfaced as WorkerPoolError, a
 * dead worker replaced with nothing lost silently, and a clean shutdown.
 */
import { spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { WorkerPoolError } from '../../src/workers/errors.js';
import type { ZlibPool } from '../../src/workers/zlib-pool.js';
import { BUILT_WORKER_URL, testZlibPool } from '../helpers/zlib-pool.js';

const pools: ZlibPool[] = [];
function pool(options: Parameters<typeof testZlibPool>[0] = {}): ZlibPool {
  const made = testZlibPool(options);
  pools.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function rejection(promise: Promise<unknown>): Promise<WorkerPoolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerPoolError);
    return error as WorkerPoolError;
  }
  throw new Error('expected a rejection');
}

describe('the worker pool', () => {
  it('runs a stateless job in a worker and transfers the result back whole', async () => {
    const p = pool({ size: 1 });
    const body = new TextEncoder().encode('spdy '.repeat(1000));
    const gz = await p.run('codeBody', [body, 'gzip', 'encode', 6]);
    expect(gz.byteLength).toBe(gz.buffer.byteLength);
    expect(new Uint8Array(gunzipSync(gz))).toEqual(body);
  });

  it("answers a lane's pipelined calls in the order they were made", async () => {
    const p = pool({ size: 2, maxInFlight: 4 });
    const lanes = [p.lane(), p.lane(), p.lane()];
    const calls = [];
    for (let i = 0; i < 300; i++) {
      const lane = lanes[i % 3]!;
      calls.push(lane.call('echo', [i]).then((value) => ({ lane: i % 3, value: value as number })));
    }
    const order: number[][] = [[], [], []];
    for (const settled of calls) {
      const { lane, value } = await settled;
      order[lane]!.push(value);
    }
    for (let lane = 0; lane < 3; lane++) {
      expect(order[lane]).toEqual(Array.from({ length: 100 }, (_, k) => k * 3 + lane));
    }
  });

  it('keeps a stateful stream in its lane: a body gzipped chunk by chunk', async () => {
    const p = pool({ size: 2 });
    const lane = p.lane();
    await lane.call('bodyOpen', [1, 'gzip', 'encode', 6]);
    const pieces: Uint8Array[] = [];
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk = new TextEncoder().encode(`chunk ${i} `.repeat(200));
      chunks.push(chunk);
      pieces.push(await lane.call('bodyPush', [chunk, 1, i === 49]));
    }
    expect(gunzipSync(Buffer.concat(pieces))).toEqual(Buffer.concat(chunks));
  });

  it('bounds its queue: callers past maxQueued wait, and all are served', async () => {
    const p = pool({ size: 1, maxInFlight: 2, maxQueued: 3 });
    let most = 0;
    const calls = Array.from({ length: 40 }, (_, i) => p.run('echo', [i]));
    const watch = setInterval(() => (most = Math.max(most, p.queued)), 0);
    most = Math.max(most, p.queued);
    const results = await Promise.all(calls);
    clearInterval(watch);
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(p.queued).toBe(0);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(0);
  });

  it("surfaces a job's exception as ERR_WORKER_TASK with the worker's message", async () => {
    const p = pool({ size: 1 });
    const error = await rejection(p.run('bodyPush', [new Uint8Array(1), 12345, true]));
    expect(error.code).toBe('ERR_WORKER_TASK');
    expect(error.message).toMatch(/no body 12345 in this worker/);
    // The worker lives on.
    expect(await p.run('echo', ['still here'])).toBe('still here');
  });

  it('replaces a dead worker: its lane fails, then is lost; stateless jobs run again', async () => {
    const p = pool({ size: 1, maxInFlight: 8 });
    const lane = p.lane();
    await lane.call('echo', [0]);
    const crashing = lane.call('crash', []);
    const error = await rejection(crashing);
    expect(error.code).toBe('ERR_WORKER_DIED');
    expect(lane.alive).toBe(false);
    expect((await rejection(lane.call('echo', [1]))).code).toBe('ERR_LANE_LOST');
    // A new lane and stateless jobs work on the replacement worker.
    expect(await p.lane().call('echo', [2])).toBe(2);
    expect(await p.run('echo', [3])).toBe(3);
  });

  it('runs a stateless job caught in a crash once more, and fails one that kills its worker twice', async () => {
    const p = pool({ size: 1, maxInFlight: 8 });
    await p.run('echo', [0]);
    const bystander = p.run('echo', ['after']);
    const killer = p.run('crash', []);
    // The echo was answered before the crash or re-run after it: never lost.
    expect(await bystander).toBe('after');
    expect((await rejection(killer)).code).toBe('ERR_WORKER_DIED');
    expect(await p.run('echo', ['alive'])).toBe('alive');
  });

  it('gives up, with the reason, when its workers die before answering anything', async () => {
    const p = pool({ size: 1, workerUrl: new URL('./no-such-worker.js', BUILT_WORKER_URL) });
    const error = await rejection(p.run('echo', [1]));
    expect(error.code).toBe('ERR_WORKER_DIED');
    // The replacements keep dying: after a bounded number the pool closes itself.
    for (let i = 0; i < 100 && !p.isClosed; i++) await new Promise((r) => setTimeout(r, 50));
    expect(p.isClosed).toBe(true);
    expect((await rejection(p.run('echo', [1]))).code).toBe('ERR_POOL_CLOSED');
  });

  it('fails queued and running jobs with ERR_POOL_CLOSED on close()', async () => {
    const p = pool({ size: 1, maxInFlight: 1 });
    const calls = Array.from({ length: 5 }, (_, i) => p.run('echo', [i]).then(() => 'done', (e: WorkerPoolError) => e.code));
    await p.close();
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o === 'ERR_POOL_CLOSED').length).toBeGreaterThanOrEqual(4);
    expect(() => p.lane()).toThrow(WorkerPoolError);
  });

  it('refuses a bad size with InvalidArgumentError naming it', () => {
    expect(() => testZlibPool({ size: 0 })).toThrow(InvalidArgumentError);
    expect(() => testZlibPool({ size: 0 })).toThrow(/size/);
  });

  it('does not keep a process alive once its work is done, closed or not', async () => {
    const script = `
      import { createZlibPool } from ${JSON.stringify(new URL('../../dist/workers/zlib-pool.js', import.meta.url).href)};
      const pool = createZlibPool({ size: 2 });
      const out = await pool.run('codeBody', [new Uint8Array(1000), 'gzip', 'encode', 6]);
      console.log('done', out.length > 0);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect(out.trim()).toBe('done true');
    expect(code).toBe(0);
  });
});
