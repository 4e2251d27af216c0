/**
 * spdy-transport 3.0.0's client against our server on real sockets on
 * 127.0.0.1: TLS with ALPN and plain TCP, every version. Bodies over
 * 1 MiB both ways checked by SHA-256, 50 concurrent streams, our push, a
 * client that resets mid-body and one that vanishes mid-transfer.
 *
 * The client is spdy-transport's connection.create() on a TLS or TCP
 * socket opened here, not the `spdy` package's Agent: on Node 20 the
 * Agent's socket glue (handle-thing) breaks request bodies, though nothing
 * it puts on the wire is wrong (see test/helpers/npm-peers.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CTRL_FLAG_UNIDIRECTIONAL, INTERNAL_ERROR, SYN_STREAM } from '../../src/index.js';
import type { ServerOptions, ServerRequest, ServerResponse, SessionEvent, SpdyError, SpdyProtocol } from '../../src/index.js';
import { PROTOCOLS, listen, patternBytes, readAll, sha256, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';
import { connectPeerClient, loadPeers, socketsLeft, stopAll } from '../helpers/npm-peers.js';
import type { PeerClient } from '../helpers/npm-peers.js';
import type { PeerStream } from '../helpers/spdy-transport-peer.js';

const MiB = 1 << 20;
const GET_SIZE = MiB + MiB / 4 + 777;
const POST_SIZE = MiB + MiB / 2 + 4321;
const BULK_MS = 30_000;
const SHORT_MS = 10_000;

const CASES = PROTOCOLS.flatMap((protocol) => [
  { name: `TLS ${protocol}`, tls: true, protocol },
  { name: `TCP ${protocol}`, tls: false, protocol },
]);

beforeAll(async () => {
  // Test harness only: obuf 1.1.2's take() fix, before the peer is loaded.
  expect(await loadPeers()).toMatch(/obuf/);
});

let up: Listening | undefined;
const clients: PeerClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close(2000)));
  stopAll();
  const server = up?.server;
  up = undefined;
  if (server !== undefined) await within(server.close(), SHORT_MS, 'server close').catch(() => server.destroyAll());
});

afterAll(async () => {
  expect(await socketsLeft()).toBe(0);
});

type Handler = (req: ServerRequest, res: ServerResponse) => void;

/** GET /bytes/N answers N pattern bytes seeded by N; anything else answers JSON describing the request body. */
const serve: Handler = (req, res) => {
  readAll(req).then((body) => {
    const size = /^\/bytes\/(\d+)$/.exec(req.url)?.[1];
    if (size !== undefined) {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(patternBytes(Number(size), Number(size)));
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, path: req.url, length: body.length, sha256: sha256(body) }));
  }, () => {});
};

async function ourServer(c: { tls: boolean; protocol: SpdyProtocol }, handler: Handler = serve, options: ServerOptions = {}): Promise<Listening> {
  up = await listen(c, handler, options);
  return up;
}

async function peerClient(c: { tls: boolean; protocol: SpdyProtocol }, protocols: SpdyProtocol[] = [c.protocol]): Promise<PeerClient> {
  const client = await connectPeerClient({ tls: c.tls, port: up!.port, protocols });
  clients.push(client);
  return client;
}

/** Resolves with the first 'error' an emitter reports. */
function errorOf(emitter: NodeJS.EventEmitter): Promise<SpdyError> {
  return new Promise((resolve) => emitter.once('error', resolve));
}

describe.each(CASES)('spdy-transport client → our server ($name)', (c) => {
  it('GET of 1.25 MiB and POST of 1.5 MiB cross intact (SHA-256 both ways) on one connection', async () => {
    await ourServer(c);
    const client = await peerClient(c);
    expect(client.protocol).toBe(c.protocol);
    const posted = patternBytes(POST_SIZE, 11);
    const [got, post] = await within(
      Promise.all([
        client.request({ method: 'GET', path: `/bytes/${GET_SIZE}` }).response,
        client.request({ method: 'POST', path: '/echo', body: posted, headers: { 'content-type': 'application/octet-stream' } }).response,
      ]),
      BULK_MS,
      'GET and POST',
    );
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.body.length).toBe(GET_SIZE);
    expect(sha256(got.body)).toBe(sha256(patternBytes(GET_SIZE, GET_SIZE)));
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body.toString())).toEqual({ method: 'POST', path: '/echo', length: POST_SIZE, sha256: sha256(posted) });
    expect(client.errors).toEqual([]);
  });

  it('50 concurrent streams on one connection: our handler holds every answer until all 50 requests are open', async () => {
    const waiting: Array<() => void> = [];
    await ourServer(c, (req, res) => {
      readAll(req).then((body) => {
        waiting.push(() => res.end(JSON.stringify({ path: req.url, length: body.length, sha256: sha256(body) })));
        if (waiting.length === 50) for (const answer of waiting) answer();
      }, () => {});
    });
    const client = await peerClient(c);
    const bodies = Array.from({ length: 50 }, (_, i) => patternBytes(1000 + i * 331, i + 1));
    const results = await within(
      Promise.all(bodies.map((body, i) => client.request({ method: 'PUT', path: `/s${i}`, body }).response)),
      BULK_MS,
      '50 streams',
    );
    results.forEach((res, i) =>
      expect(JSON.parse(res.body.toString())).toEqual({ path: `/s${i}`, length: bodies[i]!.length, sha256: sha256(bodies[i]!) }),
    );
    expect(client.errors).toEqual([]);
  });

  if (c.protocol === 'spdy/2') {
    it('spdy/2: res.push() throws ERR_SPDY_INVALID_ARGUMENT (spdylay\'s servers never push in SPDY/2); the response still goes out', async () => {
      let pushError: unknown;
      await ourServer(c, (req, res) => {
        try {
          res.push('/pushed.css');
        } catch (error) {
          pushError = error;
        }
        res.end('parent body');
      });
      const client = await peerClient(c);
      const got = await within(client.request({ method: 'GET', path: '/' }).response, SHORT_MS, 'the response');
      expect(got.body.toString()).toBe('parent body');
      expect(pushError).toMatchObject({ code: 'ERR_SPDY_INVALID_ARGUMENT', message: expect.stringMatching(/SPDY\/3/) });
    });
  } else {
    it('our push (SYN_STREAM with FLAG_UNIDIRECTIONAL, associated to the request, with :method, :path and :status) reaches the peer with its headers and body; the parent completes', async () => {
      const pushBody = patternBytes(20_000, 13);
      const pushedFrames: Array<{ flags: number; streamId: number; assocStreamId: number }> = [];
      const trace = (event: SessionEvent) => {
        if (event.type === 'ctrl-send' && event.frame.type === SYN_STREAM) {
          const { flags, streamId, assocStreamId } = event.frame;
          pushedFrames.push({ flags, streamId, assocStreamId });
        }
      };
      await ourServer(
        c,
        (req, res) => {
          const pushed = res.push('/pushed.css', { 'content-type': 'text/css' });
          pushed.end(pushBody);
          res.end('parent body');
        },
        { trace },
      );
      const client = await peerClient(c);
      const { stream, response } = client.request({ method: 'GET', path: '/page' });
      const push = new Promise<{ path: string | undefined; headers: Record<string, unknown>; status: number; body: Buffer }>((resolve, reject) => {
        stream.on('pushPromise', (pushed: PeerStream) => {
          let status = 0;
          const chunks: Buffer[] = [];
          pushed.on('response', (code: number) => (status = code));
          pushed.on('data', (chunk: Buffer) => chunks.push(chunk));
          pushed.on('end', () => resolve({ path: pushed.path, headers: pushed.headers, status, body: Buffer.concat(chunks) }));
          pushed.on('error', reject);
        });
      });
      const [parent, pushed] = await within(Promise.all([response, push]), SHORT_MS, 'parent and push');

      expect(parent.body.toString()).toBe('parent body');
      expect(pushedFrames).toEqual([{ flags: CTRL_FLAG_UNIDIRECTIONAL, streamId: 2, assocStreamId: 1 }]);
      expect(pushed.path).toBe('/pushed.css');
      expect(pushed.headers).toMatchObject({ ':method': 'GET', ':path': '/pushed.css', 'content-type': 'text/css' });
      expect(pushed.status).toBe(200);
      expect(sha256(pushed.body)).toBe(sha256(pushBody));
      expect(client.errors).toEqual([]);
    });
  }

  it('the client resets an upload mid-body (RST_STREAM INTERNAL_ERROR): the request\'s stream fails with ERR_SPDY_STREAM_RESET naming the status and req says \'aborted\'; the connection\'s other streams finish and new ones work', async () => {
    let uploadSeen!: (req: ServerRequest) => void;
    const upload = new Promise<ServerRequest>((resolve) => (uploadSeen = resolve));
    let firstBytesArrived!: () => void;
    const firstBytes = new Promise<void>((resolve) => (firstBytesArrived = resolve));
    const up = await ourServer(c, (req, res) => {
      if (req.url !== '/upload') return serve(req, res);
      req.once('data', () => firstBytesArrived());
      uploadSeen(req);
    });
    const client = await peerClient(c);
    const concurrent = client.request({ method: 'GET', path: `/bytes/${GET_SIZE}` }).response;
    concurrent.catch(() => {}); // awaited below; a failure before then must not go unhandled
    const { stream, sent } = client.request({ method: 'POST', path: '/upload', open: true });
    stream.on('error', () => {});
    await within(sent, SHORT_MS, 'the upload\'s SYN_STREAM');
    stream.write(Buffer.from(patternBytes(100_000, 17)));
    const req = await within(upload, SHORT_MS, 'the upload at our handler');
    // The (req, res) pair forwards no stream error (as Node's http2
    // compatibility layer): the error is on the request's stream.
    const failed = errorOf(req.stream);
    const aborted = new Promise<void>((resolve) => req.once('aborted', resolve));
    await within(firstBytes, SHORT_MS, 'the first bytes at our handler');
    stream.abort('INTERNAL_ERROR');
    const [error] = await within(Promise.all([failed, aborted]), SHORT_MS, 'the reset at our handler');

    expect(error.code).toBe('ERR_SPDY_STREAM_RESET');
    expect([error.statusCode, error.statusName]).toEqual([INTERNAL_ERROR, 'INTERNAL_ERROR']);
    expect(req.stream.rstCode).toBe(INTERNAL_ERROR);
    const other = await within(concurrent, BULK_MS, 'the concurrent request');
    expect(sha256(other.body)).toBe(sha256(patternBytes(GET_SIZE, GET_SIZE)));
    const after = await within(client.request({ method: 'POST', path: '/echo', body: Buffer.from('after') }).response, SHORT_MS, 'a request after the reset');
    expect(JSON.parse(after.body.toString())).toMatchObject({ length: 5 });
    expect(up.server.sessions.size).toBe(1);
    expect([...up.server.sessions][0]!.error).toBeNull();
    expect(client.errors).toEqual([]);
  });

  it('the client vanishes mid-transfer (socket destroyed, no GOAWAY): the open streams fail with ERR_SPDY_CONNECTION_LOST, req says \'aborted\', res closes, the session closes once, and the server serves the next connection', async () => {
    let uploadSeen!: (req: ServerRequest) => void;
    const upload = new Promise<ServerRequest>((resolve) => (uploadSeen = resolve));
    let downloadSeen!: (res: ServerResponse) => void;
    const download = new Promise<ServerResponse>((resolve) => (downloadSeen = resolve));
    const up = await ourServer(c, (req, res) => {
      if (req.url === '/upload') {
        uploadSeen(req); // never answered
      } else if (req.url === '/download') {
        res.write(patternBytes(200_000, 19)); // and never ends
        downloadSeen(res);
      } else {
        serve(req, res);
      }
    });
    const sessionClosed = new Promise<number>((resolve) => {
      up.server.once('session', (session: NodeJS.EventEmitter) => {
        let closes = 0;
        session.on('close', () => closes++);
        session.once('close', () => setTimeout(() => resolve(closes), 50));
      });
    });
    const client = await peerClient(c);
    const uploading = client.request({ method: 'POST', path: '/upload', open: true });
    uploading.stream.on('error', () => {});
    await within(uploading.sent, SHORT_MS, 'the upload\'s SYN_STREAM');
    uploading.stream.write(Buffer.from(patternBytes(100_000, 23)));
    const downloading = client.request({ method: 'GET', path: '/download' });
    downloading.stream.on('error', () => {});
    const firstBytes = new Promise((resolve) => downloading.stream.once('data', resolve));
    const [req, res] = await within(Promise.all([upload, download]), SHORT_MS, 'both transfers at our handler');
    const failures = Promise.all([errorOf(req.stream), errorOf(res.stream)]);
    const ended = Promise.all([new Promise((resolve) => req.once('aborted', resolve)), new Promise((resolve) => res.once('close', resolve))]);
    await within(firstBytes, SHORT_MS, 'the first bytes at the client');
    client.vanish();

    const [uploadError, downloadError] = await within(failures, SHORT_MS, 'the streams failing');
    expect(uploadError.code).toBe('ERR_SPDY_CONNECTION_LOST');
    expect(downloadError.code).toBe('ERR_SPDY_CONNECTION_LOST');
    await within(ended, SHORT_MS, 'req aborted and res closed');
    expect(res.destroyed).toBe(true);
    await expect(within(uploading.response, SHORT_MS, 'the peer\'s upload')).rejects.toThrow();
    await expect(within(downloading.response, SHORT_MS, 'the peer\'s download')).rejects.toThrow();
    expect(await within(sessionClosed, SHORT_MS, 'the session closing')).toBe(1);
    expect(up.server.sessions.size).toBe(0);

    const next = await peerClient(c);
    const got = await within(next.request({ method: 'GET', path: '/bytes/1000' }).response, SHORT_MS, 'the next connection');
    expect(got.body.length).toBe(1000);
  });
});

describe('ALPN', () => {
  it('the peer offers spdy/2, spdy/3, spdy/3.1 in that order; our server picks by its own preference (spdy/3.1)', async () => {
    await ourServer({ tls: true, protocol: 'spdy/3.1' }, serve, { protocols: ['spdy/3.1', 'spdy/3', 'spdy/2'] });
    const client = await peerClient({ tls: true, protocol: 'spdy/3.1' }, ['spdy/2', 'spdy/3', 'spdy/3.1']);
    expect(client.protocol).toBe('spdy/3.1');
    const got = await within(client.request({ method: 'GET', path: '/bytes/1000' }).response, SHORT_MS, 'a request');
    expect(got.status).toBe(200);
  });
});
