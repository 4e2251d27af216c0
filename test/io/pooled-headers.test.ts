/**
 * Header compression in the zlib pool over real sockets: a server and a
 * client whose sessions keep their zlib streams in pool workers
 * (headerCompressionPool) exchange many concurrent requests with large
 * header blocks, in every version, and against in-thread peers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { ZlibPool } from '../../src/workers/zlib-pool.js';
import { PROTOCOLS, listen, within } from '../helpers/loopback.js';
import { testZlibPool } from '../helpers/zlib-pool.js';

let pool: ZlibPool;
beforeAll(() => {
  pool = testZlibPool({ size: 1 });
});
afterAll(async () => {
  await pool.close();
});

const cookie = 'session=' + 'abcdef0123456789'.repeat(40);

describe.each(PROTOCOLS)('headers compressed in the pool (%s)', (protocol) => {
  for (const [serverPooled, clientPooled] of [
    [true, true],
    [true, false],
    [false, true],
  ] as const) {
    it(`serves 40 concurrent requests (server ${serverPooled ? 'pooled' : 'in-thread'}, client ${clientPooled ? 'pooled' : 'in-thread'})`, async () => {
      const transport = { tls: false, protocol };
      const up = await listen(
        transport,
        (req, res) => {
          res.setHeader('content-type', 'text/plain');
          res.setHeader('x-echo-cookie', String(req.headers['cookie']));
          for (let i = 0; i < 10; i++) res.setHeader(`x-header-${i}`, `value ${i} for ${req.url}`);
          res.end(`body of ${req.url}`);
        },
        serverPooled ? { headerCompressionPool: pool } : {},
      );
      const session = connect(up.url, { ...up.connectOptions, ...(clientPooled ? { headerCompressionPool: pool } : {}) });
      try {
        const responses = await within(
          Promise.all(
            Array.from({ length: 40 }, (_, i) => request(`${up.url}/r/${i}`, { session, headers: { cookie: `${cookie}${i}` } })),
          ),
          20_000,
          '40 requests',
        );
        responses.forEach((res, i) => {
          expect(res.status).toBe(200);
          expect(res.text()).toBe(`body of /r/${i}`);
          expect(res.headers['x-echo-cookie']).toBe(`${cookie}${i}`);
          expect(res.headers['x-header-9']).toBe(`value 9 for /r/${i}`);
        });
      } finally {
        await session.close();
        await up.server.close();
      }
    });
  }
});
