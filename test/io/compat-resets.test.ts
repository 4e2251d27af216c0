/**
 * The Node-style (req, res) pair when the client goes away while the
 * response is still being written: a write that waits in the stream (for
 * flow-control window) when the stream fails must not crash a handler that
 * listens for no error, as Node's http2 compatibility layer never forwards
 * a stream's errors. (A client leaving before the response starts is in
 * bad-input.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { ClientSession } from '../../src/index.js';
import { listen, patternBytes, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';

const transport = { tls: false, protocol: 'spdy/3.1' } as const;

let up: Listening | undefined;
let session: ClientSession | undefined;

afterEach(async () => {
  await session?.close();
  up?.server.destroyAll();
  await up?.server.close();
  session = undefined;
  up = undefined;
});

describe('the client vanishes while a response write waits for window', () => {
  it.each([
    { way: 'drops its connection', leave: (client: ClientSession) => client.destroy() },
    { way: 'resets its stream', leave: (_client: ClientSession, stream: ReturnType<ClientSession['request']>) => stream.close() },
  ])('$way: the pending write ends quietly, req says "aborted", res closes, the server serves on', async ({ leave }) => {
    let writeDone!: () => void;
    const written = new Promise<void>((resolve) => (writeDone = resolve));
    let seen!: (closed: { aborted: Promise<void>; resClosed: Promise<void> }) => void;
    const handled = new Promise<{ aborted: Promise<void>; resClosed: Promise<void> }>((resolve) => (seen = resolve));
    up = await listen(transport, (req, res) => {
      if (req.url === '/ok') {
        res.end('still serving');
        return;
      }
      seen({
        aborted: new Promise((resolve) => req.once('aborted', resolve)),
        resClosed: new Promise((resolve) => res.once('close', resolve)),
      });
      // Far more than the client's 64 KiB window: most of it is still in the stream when the client leaves.
      res.write(patternBytes(1 << 20), () => writeDone());
    });
    const doomed = connect(up.url, { ...up.connectOptions, initialWindowSize: 64 * 1024 });
    const stream = doomed.request({ ':path': '/big' });
    stream.on('error', () => {});
    await within(new Promise((resolve) => stream.once('data', resolve)), 10_000, 'the first bytes');
    const { aborted, resClosed } = await handled;
    leave(doomed, stream);

    await within(Promise.all([written, aborted, resClosed]), 10_000, 'the write ending, req aborted, res closed');
    doomed.destroy();
    session = connect(up.url, up.connectOptions);
    const next = await within(request(`${up.url}/ok`, { session }), 10_000, 'the next client');
    expect(next.text()).toBe('still serving');
  });
});
