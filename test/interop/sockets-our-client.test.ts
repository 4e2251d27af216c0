/**
 * Our client against the `spdy` 4.0.2 server (node-spdy's HTTP layer over
 * spdy-transport 3.0.0) on real sockets on 127.0.0.1: TLS with ALPN and
 * plain TCP, every version. Bodies over 1 MiB both ways checked by
 * SHA-256, 50 concurrent streams, the server's push, a reset mid-body and
 * a server that vanishes mid-transfer.
 *
 * On plain TCP the `spdy` server takes the version from the first frame and
 * cannot tell spdy/3.1 from spdy/3 (both are version 3 on the wire): in its
 * default configuration it speaks spdy/3 without a session window, so a
 * spdy/3.1 client's uploads stop at 64 KiB (named test in
 * sockets-peer-defects.test.ts). The spdy/3.1 cases on TCP therefore run it
 * with `connection: { autoSpdy31: true }`, its switch for speaking 3.1 on
 * plain TCP. The peer's harness-only fixes are in test/helpers/npm-peers.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { CTRL_FLAG_UNIDIRECTIONAL, INTERNAL_ERROR, PROTOCOL_ERROR, RST_STREAM, SYN_STREAM, connect, request } from '../../src/index.js';
import type { ClientSession, SessionEvent, SpdyError, SpdyProtocol } from '../../src/index.js';
import { PROTOCOLS, patternBytes, readAll, sha256, testCertificate, within } from '../helpers/loopback.js';
import { loadPeers, readRequest, socketsLeft, startSpdyServer, stopAll } from '../helpers/npm-peers.js';
import type { PeerServer, SpdyHandler, SpdyResponse } from '../helpers/npm-peers.js';

const MiB = 1 << 20;
/** Above the peer's 1 MiB windows, and not multiples of its 8192-byte DATA frames. */
const GET_SIZE = MiB + MiB / 4 + 777;
const POST_SIZE = MiB + MiB / 2 + 4321;
/** A bound for one exchange of a few MiB on a loaded machine. */
const BULK_MS = 30_000;
const SHORT_MS = 10_000;

const CASES = PROTOCOLS.flatMap((protocol) => [
  { name: `TLS ${protocol}`, tls: true, protocol },
  protocol === 'spdy/3.1'
    ? { name: `TCP ${protocol} (server with autoSpdy31)`, tls: false, protocol, connection: { autoSpdy31: true } }
    : { name: `TCP ${protocol}`, tls: false, protocol },
]);

beforeAll(async () => {
  // Test harness only: obuf 1.1.2's take() fix, before the peer is loaded.
  expect(await loadPeers()).toMatch(/obuf/);
});

let session: ClientSession | undefined;

afterEach(async () => {
  const open = session;
  session = undefined;
  if (open !== undefined) await within(open.close(), SHORT_MS, 'session close').catch(() => open.destroy());
  stopAll();
});

afterAll(async () => {
  expect(await socketsLeft()).toBe(0);
});

/** GET /bytes/N answers N pattern bytes seeded by N; anything else answers JSON describing the request body. */
const serve: SpdyHandler = (req, res) => {
  readRequest(req).then((body) => {
    const size = /^\/bytes\/(\d+)$/.exec(req.url ?? '')?.[1];
    if (size !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(patternBytes(Number(size), Number(size)));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, path: req.url, length: body.length, sha256: sha256(body) }));
  }, () => {});
};

async function ourClient(up: PeerServer, protocol: SpdyProtocol, trace?: (event: SessionEvent) => void): Promise<ClientSession> {
  const cert = await testCertificate();
  session = connect(up.url, { protocol, protocols: [protocol], tls: { ca: cert.cert }, trace });
  return session;
}

/**
 * Writes part of a response body that is not ended (yet). Straight on the
 * peer's transport stream: on Node 20 a res.write() through the `spdy`
 * server's socket glue (handle-thing) fails its write callback and resets
 * the stream with CANCEL (res.end(body) is not affected).
 */
function writeWithoutEnd(res: SpdyResponse, bytes: Uint8Array): void {
  res.spdyStream.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Resolves with the stream's error (rejects if it ends without one). */
function errorOf(stream: NodeJS.EventEmitter): Promise<SpdyError> {
  return new Promise((resolve, reject) => {
    stream.once('error', resolve);
    stream.once('end', () => reject(new Error('the stream ended without an error')));
  });
}

describe.each(CASES)('our client → spdy server ($name)', (c) => {
  const start = (handler: SpdyHandler = serve) => startSpdyServer({ tls: c.tls, protocol: c.protocol, connection: c.connection }, handler);

  it('GET of 1.25 MiB and POST of 1.5 MiB cross intact (SHA-256 both ways) on one session', async () => {
    const up = await start();
    const client = await ourClient(up, c.protocol);
    const posted = patternBytes(POST_SIZE, 7);
    const [got, post] = await within(
      Promise.all([
        request(`${up.url}/bytes/${GET_SIZE}`, { session: client }),
        request(`${up.url}/echo`, { session: client, method: 'POST', body: posted, headers: { 'content-type': 'application/octet-stream' } }),
      ]),
      BULK_MS,
      'GET and POST',
    );
    expect(got.protocol).toBe(c.protocol);
    expect([got.status, got.statusText]).toEqual([200, 'OK']);
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.body.length).toBe(GET_SIZE);
    expect(sha256(got.body)).toBe(sha256(patternBytes(GET_SIZE, GET_SIZE)));
    expect(post.status).toBe(200);
    expect(post.json()).toEqual({ method: 'POST', path: '/echo', length: POST_SIZE, sha256: sha256(posted) });
  });

  it('50 concurrent streams on one session: the server holds every answer until all 50 requests are open', async () => {
    const waiting: Array<() => void> = [];
    const up = await start((req, res) => {
      readRequest(req).then((body) => {
        waiting.push(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ path: req.url, length: body.length, sha256: sha256(body) }));
        });
        if (waiting.length === 50) for (const answer of waiting) answer();
      }, () => {});
    });
    const client = await ourClient(up, c.protocol);
    const bodies = Array.from({ length: 50 }, (_, i) => patternBytes(1000 + i * 331, i + 1));
    const results = await within(
      Promise.all(bodies.map((body, i) => request(`${up.url}/s${i}`, { session: client, method: 'PUT', body }))),
      BULK_MS,
      '50 streams',
    );
    results.forEach((res, i) => expect(res.json()).toEqual({ path: `/s${i}`, length: bodies[i]!.length, sha256: sha256(bodies[i]!) }));
  });

  it('a push from the spdy server (SYN_STREAM without FLAG_UNIDIRECTIONAL: the peer departs from draft 3 §3.3.1) is refused with RST_STREAM PROTOCOL_ERROR, as spdylay does; the parent response completes and the session goes on', async () => {
    const pushErrors: string[] = [];
    const up = await start((req, res) => {
      if (req.url !== '/with-push') return serve(req, res);
      readRequest(req).then(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const pushed = res.push('/pushed.js', { request: { accept: '*/*' }, response: { 'content-type': 'text/javascript' } });
        pushed.on('error', (error: Error) => pushErrors.push(error.message));
        pushed.end('pushed body');
        res.end('parent body');
      }, () => {});
    });
    const invalid: Array<{ type: number; flags: number; streamId: number; assocStreamId: number; statusCode: number }> = [];
    const rstsSent: Array<[number, number]> = [];
    const client = await ourClient(up, c.protocol, (event) => {
      if (event.type === 'invalid-ctrl-recv' && event.frame.type === SYN_STREAM) {
        const { type, flags, streamId, assocStreamId } = event.frame;
        invalid.push({ type, flags, streamId, assocStreamId, statusCode: event.statusCode });
      }
      if (event.type === 'ctrl-send' && event.frame.type === RST_STREAM) rstsSent.push([event.frame.streamId, event.frame.statusCode]);
    });
    const frameErrors: string[] = [];
    client.on('frameError', (message: string) => frameErrors.push(message));
    let pushes = 0;
    client.on('push', () => pushes++);
    const parent = client.request({ ':path': '/with-push' });
    parent.on('push', () => pushes++);
    const body = await within(readAll(parent), SHORT_MS, 'the parent');

    expect(body.toString()).toBe('parent body');
    expect(invalid).toEqual([{ type: SYN_STREAM, flags: 0, streamId: 2, assocStreamId: parent.id, statusCode: PROTOCOL_ERROR }]);
    expect(invalid[0]!.flags & CTRL_FLAG_UNIDIRECTIONAL).toBe(0);
    // Our RST_STREAM goes out with the next write (the driver writes once per event-loop turn).
    await within(
      (async () => {
        while (rstsSent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      SHORT_MS,
      'our RST_STREAM',
    );
    expect(rstsSent[0]).toEqual([2, PROTOCOL_ERROR]);
    expect(frameErrors[0]).toMatch(/invalid SYN_STREAM frame \(PROTOCOL_ERROR\)/);
    expect(pushes).toBe(0);
    // The peer forgets a pushed stream once its FIN is queued, so it may
    // drop our RST_STREAM for it unseen; if it did see it, it says so.
    expect(pushErrors.every((message) => message === 'Got RST: PROTOCOL_ERROR')).toBe(true);
    const next = await within(request(`${up.url}/bytes/1000`, { session: client }), SHORT_MS, 'a request after the push');
    expect(next.body.length).toBe(1000);
    expect(client.error).toBeNull();
  });

  it('the server resets a response mid-body (RST_STREAM INTERNAL_ERROR): the stream fails with ERR_SPDY_STREAM_RESET naming the status; the other streams of the session finish and new ones work', async () => {
    let firstBytesArrived!: () => void;
    const firstBytes = new Promise<void>((resolve) => (firstBytesArrived = resolve));
    const up = await start((req, res) => {
      if (req.url !== '/reset') return serve(req, res);
      readRequest(req).then(() => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        writeWithoutEnd(res, patternBytes(100_000, 3));
        // Reset once our client holds part of the body: mid-body, before any FIN.
        void firstBytes.then(() => res.spdyStream.abort('INTERNAL_ERROR'));
      }, () => {});
    });
    const client = await ourClient(up, c.protocol);
    const concurrent = request(`${up.url}/bytes/${GET_SIZE}`, { session: client });
    concurrent.catch(() => {}); // awaited below; a failure before then must not go unhandled
    const reset = client.request({ ':path': '/reset' });
    let received = 0;
    reset.on('data', (chunk: Buffer) => {
      received += chunk.length;
      firstBytesArrived();
    });
    const error = await within(errorOf(reset), SHORT_MS, 'the reset');

    expect(error.code).toBe('ERR_SPDY_STREAM_RESET');
    expect([error.statusCode, error.statusName]).toEqual([INTERNAL_ERROR, 'INTERNAL_ERROR']);
    expect(error.message).toMatch(/INTERNAL_ERROR/);
    expect(reset.rstCode).toBe(INTERNAL_ERROR);
    expect(reset.statusCode).toBe(200);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(100_000);
    const other = await within(concurrent, BULK_MS, 'the concurrent request');
    expect(sha256(other.body)).toBe(sha256(patternBytes(GET_SIZE, GET_SIZE)));
    const after = await within(request(`${up.url}/echo`, { session: client, method: 'POST', body: 'after' }), SHORT_MS, 'a request after the reset');
    expect(after.json()).toMatchObject({ length: 5 });
    expect(client.error).toBeNull();
    expect(client.destroyed).toBe(false);
  });

  it('the server vanishes mid-transfer (its sockets destroyed, no GOAWAY): every open stream fails with ERR_SPDY_CONNECTION_LOST, promises reject, the session closes once and refuses new work', async () => {
    let firstBytesArrived!: () => void;
    const firstBytes = new Promise<void>((resolve) => (firstBytesArrived = resolve));
    let uploadStarted!: () => void;
    const uploading = new Promise<void>((resolve) => (uploadStarted = resolve));
    const up = await start((req, res) => {
      if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        writeWithoutEnd(res, patternBytes(200_000, 5));
      } else if (req.url === '/upload') {
        req.once('data', () => uploadStarted()); // never answered
      } // '/no-answer' gets nothing at all
    });
    const client = await ourClient(up, c.protocol);
    let closes = 0;
    client.on('close', () => closes++);
    const closed = new Promise<void>((resolve) => client.once('close', resolve));

    const download = client.request({ ':path': '/download' });
    download.on('data', () => firstBytesArrived());
    const downloadError = errorOf(download);
    const neverEnding = new Readable({ read() {} });
    neverEnding.push(patternBytes(300_000, 9));
    const upload = request(`${up.url}/upload`, { session: client, method: 'POST', body: neverEnding });
    const noAnswer = request(`${up.url}/no-answer`, { session: client });
    const outcomes = Promise.allSettled([upload, noAnswer]);
    await within(Promise.all([firstBytes, uploading]), SHORT_MS, 'both transfers under way');
    up.vanish();

    const lost = await within(downloadError, SHORT_MS, 'the download failing');
    expect(lost.code).toBe('ERR_SPDY_CONNECTION_LOST');
    const [uploadOutcome, noAnswerOutcome] = await within(outcomes, SHORT_MS, 'the promises settling');
    expect(uploadOutcome.status).toBe('rejected');
    expect(noAnswerOutcome.status).toBe('rejected');
    expect((uploadOutcome as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_SPDY_CONNECTION_LOST' });
    expect((noAnswerOutcome as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_SPDY_CONNECTION_LOST' });
    expect(neverEnding.destroyed).toBe(true);

    await within(closed, SHORT_MS, 'the session closing');
    expect(client.destroyed).toBe(true);
    await expect(within(client.ping(), SHORT_MS, 'ping')).rejects.toMatchObject({ code: 'ERR_SPDY_SESSION_CLOSED' });
    expect(() => client.request({})).toThrow(expect.objectContaining({ code: 'ERR_SPDY_SESSION_CLOSED' }));
    await within(client.close(), SHORT_MS, 'close() after the loss');
    expect(closes).toBe(1);
  });
});

