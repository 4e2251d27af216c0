/**
 * The pooled header codec (a session's zlib streams in a pool worker)
 * passes the identity property of deferring codecs for real: the same
 * inputs give the same bytes and events as the built-in codec, with the
 * worker answering whenever it does. Also: it refuses what the built-in
 * codec refuses at submit time, and a dead worker fails the session's
 * codec cleanly.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { CLIENT, CTRL_FLAG_FIN, PROTO_SPDY3, SERVER } from '../../src/core/constants.js';
import { SessionMachine } from '../../src/core/session/machine.js';
import { PooledHeaderCodec } from '../../src/workers/pooled-codec.js';
import type { ZlibPool } from '../../src/workers/zlib-pool.js';
import { concat } from '../helpers/bytes.js';
import { apply, eventLog, recordRun, scriptArb } from '../helpers/deferring-run.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { testZlibPool } from '../helpers/zlib-pool.js';

let pool: ZlibPool;
beforeAll(() => {
  pool = testZlibPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
});

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('PooledHeaderCodec', () => {
  it('gives the bytes and events of the built-in codec, the worker answering when it does', async () => {
    let answers = 0;
    await fc.assert(
      fc.asyncProperty(scriptArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), async (script, waits) => {
        const reference = recordRun(script);
        const ours = eventLog();
        const codec = new PooledHeaderCodec(pool, { version: script.version, side: script.usSide });
        const session = new SessionMachine(script.usSide, script.version, ours.sink, { headerCodec: codec });
        codec.onAnswer = () => {
          answers++;
          session.resumeHeaderBlocks();
        };
        const bytes: Uint8Array[] = [];
        for (let i = 0; i < reference.inputs.length; i++) {
          apply(session, reference.inputs[i]!, bytes);
          if (waits[i % waits.length]) await tick();
        }
        const deadline = Date.now() + 10_000;
        while ((codec.pending > 0 || session.awaitingHeaderCodec) && Date.now() < deadline) await sleep(1);
        for (let b = session.memSend(); b !== null; b = session.memSend()) bytes.push(b);
        codec.close();
        expect(codec.error).toBeNull();
        expect(Buffer.concat(bytes).equals(Buffer.concat(reference.bytes))).toBe(true);
        expect(ours.log).toEqual(reference.events);
      }),
      { numRuns: 40 },
    );
    expect(answers).toBeGreaterThan(40);
  });

  it('answers a frame of the other version by its own layout, and a refused block with its pairs, as the built-in codec does', async () => {
    const peer = new FrameFactory(PROTO_SPDY3, CLIENT);
    const input = concat(
      peer.synStream({ streamId: 1, version: 2, nv: [['url', '/'], ['method', 'GET']] }),
      peer.synStream({ streamId: 3, nv: [[':path', '/'], ['X-Upper', 'v']] }),
      peer.synStream({ streamId: 5, flags: CTRL_FLAG_FIN, nv: [[':path', '/ok']] }),
    );
    const reference = eventLog();
    new SessionMachine(SERVER, PROTO_SPDY3, reference.sink).memRecv(input);
    expect(reference.log).toHaveLength(4);
    const ours = eventLog();
    const codec = new PooledHeaderCodec(pool, { version: PROTO_SPDY3, side: SERVER });
    const session = new SessionMachine(SERVER, PROTO_SPDY3, ours.sink, { headerCodec: codec });
    codec.onAnswer = () => session.resumeHeaderBlocks();
    session.memRecv(input);
    const deadline = Date.now() + 10_000;
    while ((codec.pending > 0 || session.awaitingHeaderCodec) && Date.now() < deadline) await sleep(1);
    codec.close();
    expect(ours.log).toEqual(reference.log);
  });

  it('refuses a bad header list at submit time, as the built-in codec does', () => {
    const codec = new PooledHeaderCodec(pool, { version: PROTO_SPDY3, side: SERVER });
    const session = new SessionMachine(SERVER, PROTO_SPDY3, () => {}, { headerCodec: codec });
    expect(() => session.submitResponse(1, [['', 'empty name']])).toThrow(InvalidArgumentError);
    codec.close();
  });

  it('fails cleanly when its worker dies: onError, and received blocks answered as a broken context', async () => {
    const own = testZlibPool({ size: 1 });
    try {
      const codec = new PooledHeaderCodec(own, { version: PROTO_SPDY3, side: SERVER });
      const errors: Error[] = [];
      codec.onError = (error) => errors.push(error);
      await own.run('echo', [0]);
      // Kill the worker the codec's lane is pinned to.
      await own.lane().call('crash', []).catch(() => {});
      codec.decoder.begin();
      codec.decoder.push(new Uint8Array([1, 2, 3]));
      expect(codec.decoder.end()).toBe(codec.decoder.takeResult());
      for (let i = 0; i < 2000 && codec.error === null; i++) await sleep(1);
      expect(codec.error).not.toBeNull();
      expect(errors).toHaveLength(1);
      for (let i = 0; i < 200; i++) {
        const result = codec.decoder.takeResult();
        if (typeof result === 'object') {
          expect(result).toMatchObject({ ok: false });
          return;
        }
        await sleep(1);
      }
      throw new Error('no result for the block after the worker died');
    } finally {
      await own.close();
    }
  });
});

