/**
 * Our client against our server on real sockets, TLS with ALPN and plain
 * TCP, every version: bodies of any size both ways checked by hash, many
 * concurrent streams, server push, PING, graceful close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { ClientSession, PushedStream } from '../../src/index.js';
import { TRANSPORTS, listen, patternBytes, readAll, sha256, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';

const big = patternBytes(3 * 1024 * 1024 + 17);

describe.each(TRANSPORTS)('client and server ($name)', (transport) => {
  let up: Listening | undefined;
  let session: ClientSession | undefined;

  afterEach(async () => {
    await session?.close();
    await up?.server.close();
    session = undefined;
    up = undefined;
  });

  const serve = async () => {
    up = await listen(transport, async (req, res) => {
      const body = await readAll(req);
      if (req.url === '/big') {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(big);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, path: req.url, length: body.length, sha256: sha256(body), version: req.httpVersion }));
    });
    session = connect(up.url, up.connectOptions);
    return { up, session };
  };

  it('negotiates the protocol and answers GET with status, headers and body', async () => {
    const { up } = await serve();
    const res = await within(request(`${up.url}/hello?x=1`, { session }), 10_000, 'GET');
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.protocol).toBe(transport.protocol);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toMatchObject({ method: 'GET', path: '/hello?x=1', length: 0, version: '1.1' });
  });

  it('downloads and uploads more than 1 MiB intact (flow control both ways)', async () => {
    const { up } = await serve();
    const [down, up2] = await within(
      Promise.all([request(`${up.url}/big`, { session }), request(`${up.url}/post`, { session, method: 'POST', body: big })]),
      20_000,
      'bulk',
    );
    expect(down.body.length).toBe(big.length);
    expect(sha256(down.body)).toBe(sha256(big));
    expect(up2.json()).toMatchObject({ method: 'POST', length: big.length, sha256: sha256(big) });
  });

  it('runs 50 concurrent streams on one session', async () => {
    const { up } = await serve();
    const bodies = Array.from({ length: 50 }, (_, i) => patternBytes(1000 + i * 97, i + 1));
    const results = await within(
      Promise.all(bodies.map((body, i) => request(`${up.url}/s${i}`, { session, method: 'PUT', body }))),
      20_000,
      '50 streams',
    );
    results.forEach((res, i) => expect(res.json()).toMatchObject({ path: `/s${i}`, length: bodies[i]!.length, sha256: sha256(bodies[i]!) }));
  });

  it('measures a PING round trip', async () => {
    const { session } = await serve();
    const ms = await within(session.ping(), 5000, 'ping');
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(5000);
  });

  it('close() lets open streams finish, then ends the connection', async () => {
    const { up, session } = await serve();
    const pending = request(`${up.url}/big`, { session });
    await new Promise((resolve) => session.once('connect', resolve));
    const closed = session.close();
    const res = await within(pending, 10_000, 'stream during close');
    expect(res.body.length).toBe(big.length);
    await within(closed, 10_000, 'close');
    expect(session.destroyed).toBe(true);
    expect(() => session.request({})).toThrow(/closed/);
  });
});

describe.each(TRANSPORTS.filter((t) => t.protocol !== 'spdy/2'))('server push ($name)', (transport) => {
  it('the server pushes a resource with its request; the client reads it from the push event', async () => {
    const up = await listen(transport, (req, res) => {
      const pushed = res.push('/style.css', { 'content-type': 'text/css' });
      pushed.end('body { color: red }');
      res.end('<html></html>');
    });
    const session = connect(up.url, up.connectOptions);
    try {
      const stream = session.request({ ':path': '/' });
      const push = new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        stream.once('push', (pushed: PushedStream) => {
          readAll(pushed).then((body) => resolve({ headers: pushed.headers!, body: body.toString() }), reject);
        });
      });
      const body = await within(readAll(stream), 10_000, 'parent');
      expect(body.toString()).toBe('<html></html>');
      const pushed = await within(push, 10_000, 'push');
      expect(pushed.body).toBe('body { color: red }');
      // :method too: node-spdy's client drops the whole connection on a SYN_STREAM without it.
      expect(pushed.headers).toMatchObject({ ':path': '/style.css', ':method': 'GET', ':status': '200 OK', 'content-type': 'text/css' });
    } finally {
      await session.close();
      await up.server.close();
    }
  });
});
