/**
 * The server's timeouts, with short values: an idle connection, a frame
 * left unfinished, a request body that never comes or comes a byte at a
 * time (slowloris), and the fairness rule: time a client spends held back
 * by us (our reader behind, our reading paused) does not count against it.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CANCEL, GOAWAY, GOAWAY_OK, GOAWAY_PROTOCOL_ERROR } from '../../src/core/constants.js';
import { connect } from '../../src/index.js';
import type { ClientSession, ServerOptions, ServerStream, SpdyProtocol, SpdyServer } from '../../src/index.js';
import { FrameSplitter } from '../helpers/frame-splitter.js';
import { listen, patternBytes, readAll, sha256, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';
import { rawClient } from '../helpers/raw-peer.js';

const TCP: Array<{ name: string; protocol: SpdyProtocol; tls: boolean }> = [
  { name: 'TCP spdy/3.1', protocol: 'spdy/3.1', tls: false },
  { name: 'TCP spdy/3', protocol: 'spdy/3', tls: false },
  { name: 'TCP spdy/2', protocol: 'spdy/2', tls: false },
];
const SHORT = 300;

let server: SpdyServer | undefined;
let session: ClientSession | undefined;
afterEach(async () => {
  session?.destroy();
  session = undefined;
  server?.destroyAll();
  await server?.close();
  server = undefined;
});

/** A server whose streams are handed to `onStream` (errors caught and kept on the stream's `failure`). */
async function serve(
  transport: { tls: boolean; protocol: SpdyProtocol },
  options: ServerOptions,
  onStream: (stream: ServerStream & { failure?: Promise<Error> }) => void = (stream) => stream.respond({ ':status': 200 }, { endStream: true }),
): Promise<Listening> {
  const up = await listen(transport, undefined, options);
  server = up.server;
  up.server.on('stream', (stream: ServerStream & { failure?: Promise<Error> }) => {
    stream.failure = new Promise<Error>((resolve) => stream.once('error', resolve));
    onStream(stream);
  });
  return up;
}

/** Reads a server stream's body by its events: for-await would destroy the Duplex, and with it the response. */
function readBody(stream: ServerStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.resume();
  });
}

/** The first 'sessionError' of `up`'s server. */
function sessionError(up: Listening): Promise<Error> {
  return new Promise((resolve) => up.server.once('sessionError', resolve));
}

function goaways(bytes: Buffer): number[] {
  return new FrameSplitter()
    .push(bytes)
    .filter((f) => f.control && f.type === GOAWAY)
    .map((f) => (f.payload.length >= 8 ? Buffer.from(f.payload).readUInt32BE(4) : 0));
}

function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('no error'),
    (error: Error) => error,
  );
}

describe('the connection', () => {
  const transport = TCP[0]!;

  it('idle: a connection that sends nothing gets GOAWAY (OK) after idleTimeout and is closed', async () => {
    const up = await serve(transport, { idleTimeout: SHORT });
    const raw = await rawClient(transport, up.port);
    const received = await within(raw.received, 10_000, 'the server to close');
    expect(goaways(received)).toEqual([GOAWAY_OK]);
  });

  it('idle with a stream open: the session is destroyed with ERR_SPDY_TIMEOUT', async () => {
    const up = await serve(transport, { idleTimeout: SHORT, streamIdleTimeout: 0 }, () => {});
    const failure = sessionError(up);
    session = connect(up.url, up.connectOptions);
    const stream = session.request({ ':method': 'POST', ':path': '/' });
    const failed = errorOf(readAll(stream));
    expect(await within(failed, 10_000, 'the stream to fail')).toMatchObject({ code: 'ERR_SPDY_CONNECTION_LOST' });
    expect(await within(failure, 10_000, 'sessionError')).toMatchObject({ code: 'ERR_SPDY_TIMEOUT', message: expect.stringContaining(`no bytes for ${SHORT} ms`) });
  });

  it('headers not finished: a frame head cut short and silence fail the session after frameTimeout (GOAWAY PROTOCOL_ERROR)', async () => {
    const up = await serve(transport, { frameTimeout: SHORT });
    const failure = sessionError(up);
    const raw = await rawClient(transport, up.port);
    // A SPDY/3 SYN_STREAM head, three bytes of eight.
    raw.socket.write(Buffer.from([0x80, 0x03, 0x00]));
    const received = await within(raw.received, 10_000, 'the server to close');
    expect(goaways(received)).toEqual([GOAWAY_PROTOCOL_ERROR]);
    expect(await within(failure, 10_000, 'sessionError')).toMatchObject({ code: 'ERR_SPDY_PROTOCOL', message: expect.stringContaining('a frame head (3 of 8 bytes)') });
  });
});

describe.each(TCP)('request bodies ($name)', (transport) => {
  it('a request whose body never comes is reset (CANCEL) after streamIdleTimeout; the session goes on', async () => {
    const up = await serve(transport, { streamIdleTimeout: SHORT }, (stream) => {
      if (stream.headers![':path'] === '/ok') stream.respond({ ':status': 200 }, { endStream: true });
    });
    const streams: Array<ServerStream & { failure?: Promise<Error> }> = [];
    up.server.on('stream', (stream) => streams.push(stream));
    session = connect(up.url, up.connectOptions);
    const silent = session.request({ ':method': 'POST', ':path': '/silent' });
    const clientSide = await within(errorOf(readAll(silent)), 10_000, 'the reset');
    expect(clientSide).toMatchObject({ code: 'ERR_SPDY_STREAM_RESET', statusCode: CANCEL });
    const serverSide = await within(streams[0]!.failure!, 1000, "the server stream's error");
    expect(serverSide).toMatchObject({ code: 'ERR_SPDY_TIMEOUT', message: expect.stringContaining(`no DATA from the peer for ${SHORT} ms`) });
    const ok = session.request({ ':path': '/ok' });
    await within(readAll(ok), 10_000, 'a request after');
    expect(ok.statusCode).toBe(200);
  });

  it('a body trickled below minBodyRate is reset, though DATA never stops for streamIdleTimeout', async () => {
    const up = await serve(transport, { streamIdleTimeout: SHORT, minBodyRate: 1000 }, () => {});
    const streams: Array<ServerStream & { failure?: Promise<Error> }> = [];
    up.server.on('stream', (stream) => streams.push(stream));
    session = connect(up.url, up.connectOptions);
    const trickle = session.request({ ':method': 'POST', ':path': '/' });
    // 10 bytes every 50 ms: 200 bytes/s.
    const timer = setInterval(() => trickle.writable && trickle.write(Buffer.alloc(10, 'x')), 50);
    try {
      const clientSide = await within(errorOf(readAll(trickle)), 10_000, 'the reset');
      expect(clientSide).toMatchObject({ code: 'ERR_SPDY_STREAM_RESET', statusCode: CANCEL });
    } finally {
      clearInterval(timer);
    }
    const serverSide = await within(streams[0]!.failure!, 1000, "the server stream's error");
    expect(serverSide.message).toMatch(/the body came at under 1000 bytes\/s/);
  });

  it('a body that keeps coming above minBodyRate, however long, is served', async () => {
    const up = await serve(transport, { streamIdleTimeout: SHORT, minBodyRate: 1000 }, (stream) => {
      void readBody(stream).then((body) => {
        stream.respond({ ':status': 200 });
        stream.end(sha256(body));
      });
    });
    session = connect(up.url, up.connectOptions);
    const upload = session.request({ ':method': 'POST', ':path': '/' });
    const hash = createHash('sha256');
    // 2,000 bytes every 100 ms (20 kB/s) for 1.5 s: five times streamIdleTimeout.
    for (let i = 0; i < 15; i++) {
      const chunk = patternBytes(2000, i + 1);
      hash.update(chunk);
      upload.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    upload.end();
    const reply = await within(readAll(upload), 10_000, 'the reply');
    expect(reply.toString()).toBe(hash.digest('hex'));
  });

  it('a client held back by a reader that does not read is not timed out: the body arrives whole once it reads', async () => {
    let startReading: () => void = () => {};
    const reading = new Promise<void>((resolve) => (startReading = resolve));
    // A small window, so the client is soon held back waiting for it (SPDY/2: our reading pauses).
    const up = await serve(transport, { streamIdleTimeout: SHORT, minBodyRate: 1000, initialWindowSize: 65536 }, (stream) => {
      stream.pause();
      void reading.then(() =>
        readBody(stream).then((body) => {
          stream.respond({ ':status': 200 });
          stream.end(sha256(body));
        }),
      );
    });
    session = connect(up.url, up.connectOptions);
    const body = patternBytes(1 << 20, 7);
    const upload = session.request({ ':method': 'POST', ':path': '/' }, { body });
    const reply = readAll(upload);
    // Five times streamIdleTimeout with the reader paused.
    await new Promise((resolve) => setTimeout(resolve, 5 * SHORT));
    startReading();
    expect((await within(reply, 20_000, 'the reply')).toString()).toBe(sha256(body));
  });
});

describe.each([
  { name: 'TCP spdy/2', protocol: 'spdy/2' as const, tls: false, flowControl: true },
  { name: 'TCP spdy/3.1 without flow control', protocol: 'spdy/3.1' as const, tls: false, flowControl: false },
])('a connection paused for a reader ($name)', (transport) => {
  it('holds every stream\'s clock: another request, its DATA stuck behind the pause, is not timed out', async () => {
    let startReading: () => void = () => {};
    const reading = new Promise<void>((resolve) => (startReading = resolve));
    const answer = (stream: ServerStream) =>
      readBody(stream).then((body) => {
        stream.respond({ ':status': 200 });
        stream.end(sha256(body));
      });
    const up = await serve(transport, { streamIdleTimeout: SHORT, minBodyRate: 1000, flowControl: transport.flowControl }, (stream) => {
      if (stream.headers![':path'] === '/behind') {
        stream.pause();
        void reading.then(() => answer(stream));
      } else {
        void answer(stream);
      }
    });
    session = connect(up.url, { ...up.connectOptions, flowControl: transport.flowControl });
    const other = session.request({ ':method': 'POST', ':path': '/other' });
    const otherReply = readAll(other);
    const big = patternBytes(4 << 20, 9);
    const behindReply = readAll(session.request({ ':method': 'POST', ':path': '/behind' }, { body: big }));
    // The big body soon backs the reader up and the connection pauses; the
    // other request's body then waits behind it, five times streamIdleTimeout.
    await new Promise((resolve) => setTimeout(resolve, SHORT / 3));
    const small = patternBytes(1000, 3);
    other.end(small);
    await new Promise((resolve) => setTimeout(resolve, 5 * SHORT));
    startReading();
    expect((await within(otherReply, 20_000, 'the other reply')).toString()).toBe(sha256(small));
    expect((await within(behindReply, 20_000, 'the reply')).toString()).toBe(sha256(big));
  });
});
