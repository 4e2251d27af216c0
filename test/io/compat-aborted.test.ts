/**
 * What 'aborted' means on the Node-style request, as in Node's http and
 * http2: the stream ended abnormally (the peer's RST_STREAM, a lost
 * connection) before the exchange completed. A request whose body arrived
 * whole on a stream that closed normally is not aborted, whether or not
 * the handler read it; and a body the handler never reads is thrown away
 * once the response is finished (as Node's http server dumps it), so the
 * stream still closes and the connection stays usable.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { ClientSession, ClientStream, ServerRequest, ServerResponse } from '../../src/index.js';
import { PROTOCOLS, listen, patternBytes, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';

const BOUND = 10_000;

let up: Listening | undefined;
let session: ClientSession | undefined;

afterEach(async () => {
  session?.destroy();
  up?.server.destroyAll();
  await up?.server.close();
  session = undefined;
  up = undefined;
});

/** One request as the handler saw it: how often req said 'aborted', and each close. */
interface Watched {
  req: ServerRequest;
  res: ServerResponse;
  abortedCount(): number;
  aborted: Promise<void>;
  reqClosed: Promise<void>;
  resClosed: Promise<void>;
  streamClosed: Promise<void>;
}

function watch(req: ServerRequest, res: ServerResponse): Watched {
  let count = 0;
  req.on('aborted', () => count++);
  const event = (emitter: NodeJS.EventEmitter, name: string) => new Promise<void>((resolve) => emitter.once(name, () => resolve()));
  return {
    req,
    res,
    abortedCount: () => count,
    aborted: event(req, 'aborted'),
    reqClosed: event(req, 'close'),
    resClosed: event(res, 'close'),
    streamClosed: event(req.stream, 'close'),
  };
}

/** A promise of the first request to `path` the handler sees, and the handler's share in it. */
function expecting(path: string): { seen: Promise<Watched>; take(req: ServerRequest, res: ServerResponse): boolean } {
  let resolve!: (watched: Watched) => void;
  const seen = new Promise<Watched>((r) => (resolve = r));
  return {
    seen,
    take(req, res) {
      if (req.url !== path) return false;
      resolve(watch(req, res));
      return true;
    },
  };
}

/**
 * The response body, read by events: an async iterator would destroy the
 * stream at the reply's end, cancelling the upload still going out.
 */
function responseBody(stream: ClientStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

describe.each(PROTOCOLS.map((protocol) => ({ protocol, tls: false })))('TCP $protocol', (transport) => {
  it('a GET whose handler never reads req: no "aborted", req, res and the stream close, the client has the whole reply', async () => {
    const page = expecting('/page');
    up = await listen(transport, (req, res) => {
      page.take(req, res);
      res.end('hello');
    });
    session = connect(up.url, up.connectOptions);

    const reply = await within(request(`${up.url}/page`, { session }), BOUND, 'the reply');
    expect(reply.status).toBe(200);
    expect(reply.text()).toBe('hello');
    const watched = await page.seen;
    await within(Promise.all([watched.reqClosed, watched.resClosed, watched.streamClosed]), BOUND, 'req, res and the stream closing');
    expect(watched.abortedCount()).toBe(0);
    expect(watched.req.readableEnded).toBe(true);
  });

  it('a 1 MiB POST (16 windows) whose handler replies at once and never reads req: no "aborted", the body is dumped, the stream closes, the session serves on', async () => {
    const upload = expecting('/upload');
    up = await listen(
      transport,
      (req, res) => {
        upload.take(req, res);
        res.end(req.url === '/upload' ? 'ignored' : 'next');
      },
      { initialWindowSize: 64 * 1024 },
    );
    session = connect(up.url, up.connectOptions);
    const body = patternBytes(1 << 20);

    const stream = session.request({ ':method': 'POST', ':path': '/upload' }, { body });
    const clientErrors: Error[] = [];
    stream.on('error', (error) => clientErrors.push(error));
    const clientClosed = new Promise<void>((resolve) => stream.once('close', resolve));
    const reply = await within(responseBody(stream), BOUND, 'the reply');
    expect(stream.statusCode).toBe(200);
    expect(reply.toString()).toBe('ignored');
    const watched = await upload.seen;
    // The server stream closes only once every byte of the body has arrived and been taken.
    await within(Promise.all([watched.streamClosed, watched.reqClosed, watched.resClosed]), BOUND, 'the server stream, req and res closing');
    await within(clientClosed, BOUND, "the client's request completing");
    expect(clientErrors).toEqual([]);
    expect(stream.writableFinished).toBe(true);
    expect(watched.abortedCount()).toBe(0);
    expect(watched.req.readableEnded).toBe(true);

    const next = await within(request(`${up.url}/next`, { session }), BOUND, 'the next request on the session');
    expect(next.text()).toBe('next');
  });

  it('a handler that pauses req and answers keeps the body to read later: only an untouched body is dumped', async () => {
    const upload = expecting('/upload');
    const body = patternBytes(256 * 1024);
    up = await listen(
      transport,
      (req, res) => {
        if (!upload.take(req, res)) return;
        req.pause();
        res.end('answered first');
      },
      { initialWindowSize: 64 * 1024 },
    );
    session = connect(up.url, up.connectOptions);

    const stream = session.request({ ':method': 'POST', ':path': '/upload' }, { body });
    const reply = await within(responseBody(stream), BOUND, 'the reply');
    expect(reply.toString()).toBe('answered first');
    const watched = await upload.seen;
    // Read only now, well after the response finished.
    const chunks: Buffer[] = [];
    watched.req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => watched.req.once('end', resolve));
    watched.req.resume();
    await within(ended, BOUND, 'the body read after the answer');
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
    await within(Promise.all([watched.streamClosed, watched.reqClosed, watched.resClosed]), BOUND, 'the server stream, req and res closing');
    expect(watched.abortedCount()).toBe(0);
  });

  describe.each([
    {
      handling: 'reading the body',
      serve: (req: ServerRequest, _res: ServerResponse, bytesArrived: () => void) => req.once('data', bytesArrived),
    },
    {
      handling: 'replying at once and ignoring the body',
      serve: (_req: ServerRequest, res: ServerResponse, bytesArrived: () => void) => {
        res.end('ignored');
        bytesArrived();
      },
    },
  ])('a handler $handling', ({ serve }) => {
    it.each([
      {
        way: 'the client resets the stream (AbortSignal) mid-body',
        leave: (_client: ClientSession, controller: AbortController) => controller.abort(),
      },
      {
        way: 'the client loses its connection mid-body',
        leave: (client: ClientSession) => client.destroy(),
      },
    ])('$way: req says "aborted" once, req and res close', async ({ leave }) => {
      const upload = expecting('/upload');
      let bytesArrived!: () => void;
      const arrived = new Promise<void>((resolve) => (bytesArrived = resolve));
      up = await listen(transport, (req, res) => {
        if (upload.take(req, res)) serve(req, res, bytesArrived);
        else res.end('still serving');
      });
      session = connect(up.url, up.connectOptions);
      const body = new PassThrough();
      body.write(patternBytes(16 * 1024));
      const controller = new AbortController();
      const stream = session.request({ ':method': 'POST', ':path': '/upload' }, { body, signal: controller.signal });
      stream.on('error', () => {});
      stream.resume();
      const watched = await within(upload.seen, BOUND, 'the request reaching the handler');
      await within(arrived, BOUND, 'the handler starting');
      // The body is still open (the PassThrough is never ended): the request is cut short.
      leave(session, controller);

      await within(Promise.all([watched.aborted, watched.reqClosed, watched.resClosed, watched.streamClosed]), BOUND, 'req aborted, req, res and the stream closed');
      expect(watched.abortedCount()).toBe(1);
      body.destroy();
      session.destroy();
      session = connect(up.url, up.connectOptions);
      const next = await within(request(`${up.url}/next`, { session }), BOUND, 'a request afterwards');
      expect(next.text()).toBe('still serving');
    });
  });
});
