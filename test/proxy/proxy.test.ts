/**
 * Through the proxy to a real node:http backend: our client over every
 * version on TLS and plain TCP, spdy-transport's client over every
 * version, GET/POST/HEAD, bodies over 10 MiB checked by hash both ways,
 * 100 concurrent streams, the header mapping as the backend and the client
 * see it, and the HTTP/1.1 frontend on the TLS port.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { ClientSession } from '../../src/index.js';
import { TRANSPORTS, patternBytes, readAll, sha256, testCertificate, within } from '../helpers/loopback.js';
import { bodyOf, peerClient, startBackend, startProxy } from '../helpers/proxy-rig.js';
import type { Backend, RunningProxy } from '../helpers/proxy-rig.js';
import { collect, VERSIONS } from '../helpers/spdy-transport-peer.js';

const BIG = patternBytes(10 * 1024 * 1024 + 4321, 7);

/** The echo backend: GET /big sends BIG; anything else describes the request it got, as JSON. */
async function echoBackend(): Promise<Backend> {
  return startBackend((req, res) => {
    void bodyOf(req).then((body) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG.length });
        res.end(BIG);
        return;
      }
      const description = JSON.stringify({ method: req.method, url: req.url, headers: req.rawHeaders, length: body.length, sha256: sha256(body) });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'echo' });
      res.end(req.method === 'HEAD' ? undefined : description);
    });
  });
}

let backend: Backend | undefined;
let proxy: RunningProxy | undefined;
let session: ClientSession | undefined;

afterEach(async () => {
  await session?.close();
  await proxy?.close();
  await backend?.close();
  session = backend = proxy = undefined;
});

describe.each(TRANSPORTS)('our client through the proxy ($name)', (transport) => {
  const start = async () => {
    backend = await echoBackend();
    proxy = await startProxy(transport, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    return { url: proxy.url, session };
  };

  it('GET: the backend answers through the proxy, with Via added to the reply', async () => {
    const { url, session } = await start();
    const res = await within(request(`${url}/hello?x=1`, { session }), 10_000, 'GET');
    expect(res.status).toBe(200);
    expect(res.protocol).toBe(transport.protocol);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-backend']).toBe('echo');
    expect(res.headers.via).toBe('1.1 spdyproxy');
    expect(res.json()).toMatchObject({ method: 'GET', url: '/hello?x=1', length: 0 });
  });

  it('POST: a body with content-length goes up as it is, one without goes up chunked', async () => {
    const { url, session } = await start();
    const body = patternBytes(70_000, 3);
    const sized = await within(request(`${url}/sized`, { session, method: 'POST', body, headers: { 'content-length': String(body.length) } }), 10_000, 'POST');
    const sizedSeen = sized.json() as { headers: string[]; length: number; sha256: string };
    expect(sizedSeen).toMatchObject({ length: body.length, sha256: sha256(body) });
    expect(sizedSeen.headers).toContain('content-length');
    const chunked = await within(request(`${url}/chunked`, { session, method: 'POST', body }), 10_000, 'POST chunked');
    const chunkedSeen = chunked.json() as { headers: string[]; length: number; sha256: string };
    expect(chunkedSeen).toMatchObject({ length: body.length, sha256: sha256(body) });
    expect(chunkedSeen.headers).toEqual(expect.arrayContaining(['transfer-encoding', 'chunked']));
  });

  it('HEAD: the headers come back, no body', async () => {
    const { url, session } = await start();
    const res = await within(request(`${url}/head`, { session, method: 'HEAD' }), 10_000, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['x-backend']).toBe('echo');
    expect(res.body.length).toBe(0);
  });

  it('carries more than 10 MiB down and up intact (by hash)', async () => {
    const { url, session } = await start();
    const [down, up] = await within(
      Promise.all([request(`${url}/big`, { session }), request(`${url}/upload`, { session, method: 'PUT', body: BIG })]),
      60_000,
      'bulk',
    );
    expect(down.body.length).toBe(BIG.length);
    expect(sha256(down.body)).toBe(sha256(BIG));
    expect(up.json()).toMatchObject({ method: 'PUT', length: BIG.length, sha256: sha256(BIG) });
  });

  it('runs 100 concurrent streams on one session', async () => {
    const { url, session } = await start();
    const bodies = Array.from({ length: 100 }, (_, i) => patternBytes(500 + i * 37, i + 11));
    const results = await within(
      Promise.all(bodies.map((body, i) => request(`${url}/s${i}`, { session, method: 'POST', body }))),
      30_000,
      '100 streams',
    );
    results.forEach((res, i) => expect(res.json()).toMatchObject({ url: `/s${i}`, length: bodies[i]!.length, sha256: sha256(bodies[i]!) }));
  });
});

describe.each(VERSIONS)("spdy-transport's client through the proxy ($name, plain TCP)", ({ name, peerVersion }) => {
  it('GET and POST', async () => {
    backend = await echoBackend();
    proxy = await startProxy({ tls: false, protocol: name as 'spdy/3.1' }, [backend.port]);
    const { connection, socket } = await peerClient(proxy.port, peerVersion);
    try {
      // One request at a time: spdy-transport can send a later stream's SYN_STREAM
      // before an earlier one's (ids out of order, a session error).
      const finished = (r: { ended: boolean }) =>
        within(
          new Promise<void>((resolve, reject) => {
            const timer = setInterval(() => {
              if (r.ended) {
                clearInterval(timer);
                resolve();
              }
            }, 5);
            socket.once('close', () => {
              clearInterval(timer);
              reject(new Error('connection closed'));
            });
          }),
          10_000,
          'peer request',
        );
      const getStream = connection.request({ method: 'GET', path: '/peer?q=1', host: `127.0.0.1:${proxy.port}`, headers: { 'x-peer': 'yes' } });
      const get = collect(getStream);
      getStream.end();
      await finished(get);
      const body = patternBytes(200_000, 5);
      const postStream = connection.request({ method: 'POST', path: '/peer-post', host: `127.0.0.1:${proxy.port}`, headers: { 'content-length': String(body.length) } });
      const post = collect(postStream);
      postStream.end(body);
      await finished(post);
      expect(get.status).toBe(200);
      const seen = JSON.parse(Buffer.from(get.body()).toString()) as { url: string; headers: string[] };
      expect(seen.url).toBe('/peer?q=1');
      expect(seen.headers).toEqual(expect.arrayContaining(['x-peer', 'yes']));
      expect(JSON.parse(Buffer.from(post.body()).toString())).toMatchObject({ method: 'POST', length: body.length, sha256: sha256(body) });
    } finally {
      socket.destroy();
    }
  });
});

describe('header mapping, exactly', () => {
  it('the backend gets Host from :host, our X-Forwarded-*, Via appended, and no hop-by-hop header', async () => {
    let seen: string[] = [];
    backend = await startBackend((req, res) => {
      seen = req.rawHeaders;
      res.end('ok');
    });
    proxy = await startProxy({ tls: true, protocol: 'spdy/3.1' }, [backend.port], { addXForwardedFor: true });
    session = connect(proxy.url, proxy.connectOptions);
    const res = await within(
      request(`${proxy.url}/m`, {
        session,
        headers: { 'x-a': '1', via: '1.0 up', 'x-forwarded-for': '192.0.2.7', 'x-forwarded-proto': 'http', te: 'trailers', upgrade: 'h2c' },
      }),
      10_000,
      'GET',
    );
    expect(res.status).toBe(200);
    expect(seen).toEqual([
      'host', `127.0.0.1:${proxy.port}`,
      'connection', 'keep-alive', // undici's, for the backend connection
      'x-a', '1',
      'x-forwarded-for', '192.0.2.7, 127.0.0.1',
      'x-forwarded-proto', 'https',
      'via', '1.0 up, 1.1 spdyproxy',
    ]);
  });

  it('the client gets the reply without hop-by-hop headers or the ones Connection names, with Via appended', async () => {
    backend = await startBackend((_req, res) => {
      res.setHeader('Connection', 'keep-alive, X-Hop');
      res.setHeader('X-Hop', 'gone');
      res.setHeader('Keep-Alive', 'timeout=5');
      res.setHeader('Via', '1.0 origin');
      res.setHeader('X-Kept', 'k');
      res.setHeader('Content-Length', '2');
      res.sendDate = false;
      res.end('ok');
    });
    proxy = await startProxy({ tls: true, protocol: 'spdy/3' }, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    const stream = session.request({ ':path': '/r' });
    const body = await within(readAll(stream), 10_000, 'GET');
    expect(body.toString()).toBe('ok');
    expect(stream.rawHeaders).toEqual([
      [':status', '200 OK'],
      [':version', 'HTTP/1.1'],
      ['content-length', '2'],
      ['via', '1.0 origin, 1.1 spdyproxy'],
      ['x-kept', 'k'],
    ]);
  });

  it('header bytes outside ASCII pass through unchanged, both ways', async () => {
    let seen: string[] = [];
    backend = await startBackend((req, res) => {
      seen = req.rawHeaders;
      // Node writes header strings as latin1: these are the UTF-8 bytes of "naïve".
      res.setHeader('x-reply', Buffer.from('naïve').toString('latin1'));
      res.end();
    });
    proxy = await startProxy({ tls: false, protocol: 'spdy/3.1' }, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    const res = await within(request(`${proxy.url}/`, { session, headers: { 'x-utf8': 'café ✓' } }), 10_000, 'GET');
    const index = seen.indexOf('x-utf8');
    expect(Buffer.from(seen[index + 1]!, 'latin1').toString('utf8')).toBe('café ✓');
    expect(res.headers['x-reply']).toBe('naïve');
  });

  it('--no-via leaves Via alone both ways', async () => {
    let seen: string[] = [];
    backend = await startBackend((req, res) => {
      seen = req.rawHeaders;
      res.setHeader('via', '1.0 origin');
      res.end();
    });
    proxy = await startProxy({ tls: false, protocol: 'spdy/3.1' }, [backend.port], { noVia: true });
    session = connect(proxy.url, proxy.connectOptions);
    const res = await within(request(`${proxy.url}/`, { session, headers: { via: '1.0 up' } }), 10_000, 'GET');
    expect(res.headers.via).toBe('1.0 origin');
    expect(seen).toEqual(['host', `127.0.0.1:${proxy.port}`, 'connection', 'keep-alive', 'via', '1.0 up', 'x-forwarded-proto', 'http']);
  });

  it('requests go to the backends in turn', async () => {
    const second = await startBackend((_req, res) => res.end('second'));
    try {
      backend = await startBackend((_req, res) => res.end('first'));
      proxy = await startProxy({ tls: false, protocol: 'spdy/3.1' }, [backend.port, second.port]);
      session = connect(proxy.url, proxy.connectOptions);
      const answers: string[] = [];
      for (let i = 0; i < 4; i++) answers.push((await within(request(`${proxy.url}/`, { session }), 10_000, 'GET')).text());
      expect(answers).toEqual(['first', 'second', 'first', 'second']);
    } finally {
      await session?.close();
      await second.close();
    }
  });
});

describe('the HTTP/1.1 frontend on the TLS port', () => {
  it('proxies GET and POST for a client that offers http/1.1, with the same mapping', async () => {
    backend = await echoBackend();
    proxy = await startProxy({ tls: true, protocol: 'spdy/3.1' }, [backend.port]);
    const ca = (await testCertificate()).cert;
    const agent = new https.Agent({ keepAlive: true, ca, ALPNProtocols: ['http/1.1'] } as https.AgentOptions);
    const send = (method: string, path: string, body?: Buffer) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port: proxy!.port, method, path, agent, headers: { 'x-h1': 'yes' } }, (res) => {
          readAll(res).then((b) => resolve({ status: res.statusCode!, headers: res.headers, body: b }), reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const get = await within(send('GET', '/h1'), 10_000, 'GET');
      expect(get.status).toBe(200);
      expect(get.headers.via).toBe('1.1 spdyproxy');
      const seen = JSON.parse(get.body.toString()) as { url: string; headers: string[] };
      expect(seen.url).toBe('/h1');
      expect(seen.headers).toEqual(['host', `127.0.0.1:${proxy.port}`, 'connection', 'keep-alive', 'x-h1', 'yes', 'x-forwarded-proto', 'https', 'via', '1.1 spdyproxy']);
      const body = patternBytes(300_000, 9);
      const post = await within(send('POST', '/h1-post', body), 10_000, 'POST');
      expect(JSON.parse(post.body.toString())).toMatchObject({ method: 'POST', length: body.length, sha256: sha256(body) });
    } finally {
      agent.destroy();
    }
  });

  it('answers 400 to a request it cannot forward, and to one Node cannot parse', async () => {
    backend = await echoBackend();
    proxy = await startProxy({ tls: true, protocol: 'spdy/3.1' }, [backend.port]);
    const ca = (await testCertificate()).cert;
    const exchange = (raw: string) =>
      within(
        new Promise<string>((resolve, reject) => {
          const socket = tls.connect({ host: '127.0.0.1', port: proxy!.port, ca, ALPNProtocols: ['http/1.1'] }, () => socket.end(raw));
          let reply = '';
          socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
          socket.once('close', () => resolve(reply));
          socket.once('error', reject);
        }),
        10_000,
        'HTTP/1.1 exchange',
      );
    const refused = await exchange('OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(refused).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(refused).toContain('<title>400 Bad Request</title>');
    const unparsable = await exchange('GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n');
    expect(unparsable).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});
