/**
 * A server stream whose request was read to its end and whose reply ended
 * with its headers (a HEAD, a 204) is destroyed by Node's autoDestroy
 * before the session has sent the SYN_REPLY: that must not reset it. An
 * empty write must not hold up the body behind it.
 */
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import type { ServerStream } from '../../src/index.js';
import { TRANSPORTS, listen, readAll, within } from '../helpers/loopback.js';

describe.each(TRANSPORTS)('a reply ended with its headers after the request was read ($name)', (transport) => {
  it('reaches the client whole, not as RST_STREAM CANCEL', async () => {
    const up = await listen(transport);
    up.server.on('stream', (stream: ServerStream) => {
      stream.resume();
      stream.once('end', () => stream.respond({ ':status': 204 }, { endStream: true }));
    });
    const session = connect(up.url, up.connectOptions);
    try {
      for (let i = 0; i < 5; i++) {
        const stream = session.request({ ':method': 'HEAD', ':path': `/${i}` });
        const status = within(
          new Promise<number | undefined>((resolve, reject) => {
            stream.once('response', () => resolve(stream.statusCode));
            stream.once('error', reject);
          }),
          5000,
          'reply',
        );
        await expect(status).resolves.toBe(204);
        await within(readAll(stream), 5000, 'end');
        expect(stream.rstCode).toBe(0);
      }
    } finally {
      await session.close();
      await up.server.close();
    }
  });
});

describe.each(TRANSPORTS)('an empty write in the middle of a body ($name)', (transport) => {
  it('does not stall what follows (SPDY/2 has no WINDOW_UPDATE to wake the stream)', async () => {
    const up = await listen(transport);
    up.server.on('stream', (stream: ServerStream) => {
      stream.resume();
      stream.respond({ ':status': 200 });
      stream.write(Buffer.from('a'));
      setTimeout(() => {
        stream.write(Buffer.alloc(0));
        setTimeout(() => stream.end(Buffer.from('b')), 20);
      }, 20);
    });
    const session = connect(up.url, up.connectOptions);
    try {
      const body = await within(readAll(session.request({ ':path': '/' })), 5000, 'body');
      expect(body.toString()).toBe('ab');
    } finally {
      await session.close();
      await up.server.close();
    }
  });
});
