/**
 * Bad input on a real socket: a raw TCP or TLS peer sends our server (and
 * our client) HTTP/1.1 text, an HTTP/2 preface, seeded random bytes, or a
 * control-frame head announcing 16 MB followed by silence or a trickle.
 * Each must end in a GOAWAY PROTOCOL_ERROR and a closed socket, with the
 * reason reported to the application (the server's 'sessionError', the
 * client's rejected request and session 'error'), and the server must go
 * on serving. Every wait is bounded.
 */
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT, FRAME_TOO_LARGE, GOAWAY, GOAWAY_PROTOCOL_ERROR, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, RST_STREAM, SERVER, SETTINGS, SYN_REPLY } from '../../src/core/constants.js';
import { SpdyError, connect, request } from '../../src/index.js';
import type { ClientSession, ServerRequest, ServerResponse, ServerSession, SpdyProtocol } from '../../src/index.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameReader, framesOfType } from '../helpers/frame-reader.js';
import { TRANSPORTS, listen, patternBytes, testCertificate, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';
import { rawClient, rawServer } from '../helpers/raw-peer.js';
import type { RawConversation, RawServer } from '../helpers/raw-peer.js';

const FRAME_TIMEOUT = 300;
const BOUND = 10_000;

const VERSIONS: Record<SpdyProtocol, number> = { 'spdy/2': PROTO_SPDY2, 'spdy/3': PROTO_SPDY3, 'spdy/3.1': PROTO_SPDY3_1 };
const wireVersion = (protocol: SpdyProtocol) => (protocol === 'spdy/2' ? 2 : 3);

const HTTP1_REQUEST = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n';
const HTTP1_RESPONSE = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
const HTTP2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
/** An HTTP/2 SETTINGS frame with one entry (MAX_CONCURRENT_STREAMS 100): an HTTP/2 server's preface. */
const HTTP2_SERVER_PREFACE = Buffer.from([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100]);

/** A control-frame head (SYN_STREAM) announcing the largest payload a frame can have, 2^24-1 bytes. */
function hugeSynStreamHead(protocol: SpdyProtocol): Buffer {
  return Buffer.from([0x80, wireVersion(protocol), 0, 1, 0, 0xff, 0xff, 0xff]);
}

/** The frames of `bytes` as decoded by a peer reading what `side` wrote. */
function framesFrom(bytes: Uint8Array, protocol: SpdyProtocol, side: number) {
  return new FrameReader(VERSIONS[protocol], side).read(bytes);
}

/** Asserts `bytes` (what our side wrote) end with a GOAWAY that says PROTOCOL_ERROR (SPDY/2's GOAWAY has no status). */
function expectFailingGoaway(bytes: Uint8Array, protocol: SpdyProtocol, side: number): void {
  const frames = framesFrom(bytes, protocol, side);
  const goaways = framesOfType(frames, GOAWAY);
  expect(goaways).toHaveLength(1);
  if (protocol !== 'spdy/2') expect(goaways[0]!.statusCode).toBe(GOAWAY_PROTOCOL_ERROR);
  const last = frames.at(-1)!;
  expect(last.e === 'ctrl' && last.frame.type === GOAWAY).toBe(true);
}

interface BadInput {
  name: string;
  /** Sends the input on a raw socket; may keep sending (a trickle) until the socket closes. */
  send(socket: RawConversation['socket'], protocol: SpdyProtocol): void;
  /** What the reason reported to the application must say. */
  reason(protocol: SpdyProtocol): RegExp;
}

function once(bytes: Uint8Array | string): BadInput['send'] {
  return (socket) => void socket.write(bytes);
}

/** Seeded random bytes (patternBytes: no Math.random); `reason` is what their first bytes are. */
const seeded = (seed: number, length: number, reason: RegExp): BadInput => ({
  name: `${length} random bytes (seed ${seed})`,
  send: once(patternBytes(length, seed)),
  reason: () => reason,
});

const silentAnnouncement: BadInput = {
  name: 'a SYN_STREAM head announcing 16 MB, then silence',
  send: (socket, protocol) => void socket.write(hugeSynStreamHead(protocol)),
  reason: () => new RegExp(`a SYN_STREAM frame announcing 16777215 bytes \\(0 arrived\\) did not arrive whole within ${FRAME_TIMEOUT} ms`),
};

const trickledAnnouncement: BadInput = {
  name: 'a SYN_STREAM head announcing 16 MB, then a byte at a time',
  send: (socket, protocol) => {
    socket.write(hugeSynStreamHead(protocol));
    // Stream id 1, then the rest of the fixed fields: bytes the session can take, ten of them over a second.
    const fixed = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const timer = setInterval(() => {
      const byte = fixed.shift();
      if (byte === undefined || socket.destroyed) clearInterval(timer);
      else socket.write(Buffer.from([byte]));
    }, FRAME_TIMEOUT / 3);
    socket.once('close', () => clearInterval(timer));
  },
  reason: () => new RegExp(`a SYN_STREAM frame announcing 16777215 bytes \\([1-9]\\d* arrived\\) did not arrive whole within ${FRAME_TIMEOUT} ms`),
};

const TO_SERVER: BadInput[] = [
  { name: 'an HTTP/1.1 request', send: once(HTTP1_REQUEST), reason: (p) => new RegExp(`the peer does not speak SPDY/${wireVersion(p)}: it sent "GET / HTTP/1.1"`) },
  { name: 'an HTTP/2 connection preface', send: once(HTTP2_PREFACE), reason: () => /does not speak SPDY\/\d: it sent an HTTP\/2 connection preface/ },
  // 41 96 ...: no control bit.
  seeded(1, 4096, /does not speak SPDY\/\d: it sent bytes that are no SPDY control frame: 41 96 27 c4 f9 95 d9 9c/),
  // cc 26 ...: a control bit, then version 0x4c26.
  seeded(7, 64 * 1024, /does not speak SPDY\/(\d): it sent a control frame of version 19494 \(this session speaks SPDY\/\1\)/),
  // b5: a control bit, and then nothing to tell the version by.
  seeded(0x5eed, 1, new RegExp(`a frame head \\(1 of 8 bytes\\) did not arrive whole within ${FRAME_TIMEOUT} ms`)),
  silentAnnouncement,
  trickledAnnouncement,
];

const TO_CLIENT: BadInput[] = [
  { name: 'an HTTP/1.1 response', send: once(HTTP1_RESPONSE), reason: () => /does not speak SPDY\/\d: it sent "HTTP\/1.1 400 Bad Request"/ },
  { name: "an HTTP/2 server's SETTINGS", send: once(HTTP2_SERVER_PREFACE), reason: () => /does not speak SPDY\/\d: it sent an HTTP\/2 SETTINGS frame/ },
  // c5 1b ...: a control bit, then version 0x451b.
  seeded(3, 4096, /does not speak SPDY\/\d: it sent a control frame of version 17691/),
  seeded(0x5eed, 1, new RegExp(`a frame head \\(1 of 8 bytes\\) did not arrive whole within ${FRAME_TIMEOUT} ms`)),
  silentAnnouncement,
];

describe.each(TRANSPORTS)('our server, bad input from a raw client ($name)', (transport) => {
  let up: Listening | undefined;

  afterEach(async () => {
    up?.server.destroyAll();
    await up?.server.close();
    up = undefined;
  });

  it.each(TO_SERVER)('$name: GOAWAY, a closed socket, the reason in sessionError, and the server serves on', async (input) => {
    up = await listen(transport, (_req, res) => res.end('still here'), { frameTimeout: FRAME_TIMEOUT });
    const errors: Array<{ error: Error; session: ServerSession | null }> = [];
    const reported = new Promise<void>((resolve) =>
      up!.server.on('sessionError', (error: Error, session: ServerSession | null) => {
        errors.push({ error, session });
        resolve();
      }),
    );

    const raw = await rawClient(transport, up.port);
    input.send(raw.socket, transport.protocol);
    const received = await within(raw.received, BOUND, 'the server closing the connection');
    await within(reported, BOUND, 'sessionError');

    expectFailingGoaway(received, transport.protocol, SERVER);
    expect(errors).toHaveLength(1);
    const { error, session } = errors[0]!;
    expect(error).toBeInstanceOf(SpdyError);
    expect((error as SpdyError).code).toBe('ERR_SPDY_PROTOCOL');
    expect((error as SpdyError).statusName).toBe('PROTOCOL_ERROR');
    expect(error.message).toMatch(/^we ended the session with GOAWAY PROTOCOL_ERROR: /);
    expect(error.message).toMatch(input.reason(transport.protocol));
    expect(session?.destroyed).toBe(true);
    expect(up.server.sessions.size).toBe(0);

    const res = await within(request(`${up.url}/after`, up.connectOptions), BOUND, 'a request after the bad input');
    expect(res.text()).toBe('still here');
  });
});

describe.each(TRANSPORTS)('our client, bad input from a raw server ($name)', (transport) => {
  let raw: RawServer | undefined;
  let session: ClientSession | undefined;

  afterEach(async () => {
    session?.destroy();
    await raw?.close();
    raw = undefined;
    session = undefined;
  });

  it.each(TO_CLIENT)('$name: GOAWAY, a closed socket, a rejected request with the reason', async (input) => {
    // The raw server answers once our client has spoken (its SETTINGS and SYN_STREAM are out).
    raw = await rawServer(transport, (conversation) => {
      conversation.socket.once('data', () => input.send(conversation.socket, transport.protocol));
    });
    const cert = { ca: (await testCertificate()).cert };
    session = connect(raw.url, { protocol: transport.protocol, protocols: [transport.protocol], tls: cert, frameTimeout: FRAME_TIMEOUT });
    const sessionErrors: Error[] = [];
    session.on('error', (error: Error) => sessionErrors.push(error));
    const closed = new Promise<void>((resolve) => session!.once('close', resolve));

    const outcome = await within(
      request(`${raw.url}/`, { session }).then(
        () => null,
        (error: unknown) => error,
      ),
      BOUND,
      'the request settling',
    );
    await within(closed, BOUND, 'the session closing');

    expect(outcome).toBeInstanceOf(SpdyError);
    const error = outcome as SpdyError;
    expect(error.code).toBe('ERR_SPDY_PROTOCOL');
    expect(error.message).toMatch(/^we ended the session with GOAWAY PROTOCOL_ERROR: /);
    expect(error.message).toMatch(input.reason(transport.protocol));
    expect(sessionErrors).toEqual([error]);
    expect(session.destroyed).toBe(true);

    const received = await within(raw.connections[0]!.received, BOUND, 'the raw server seeing the close');
    expectFailingGoaway(received, transport.protocol, CLIENT);
  });
});

describe('limits that let well-behaved peers through', () => {
  const transport = { tls: false, protocol: 'spdy/3.1' as const };
  let up: Listening | undefined;

  afterEach(async () => {
    up?.server.destroyAll();
    await up?.server.close();
    up = undefined;
  });

  /** Sends `frames` from a raw client and returns the server's frames once `until` is among them. */
  async function exchange(frames: Array<Uint8Array | { pause: number }>, until: (types: number[]) => boolean) {
    const raw = await rawClient(transport, up!.port);
    const reader = new FrameReader(PROTO_SPDY3_1, SERVER);
    const seen: ReturnType<FrameReader['read']> = [];
    const done = new Promise<void>((resolve) => {
      raw.socket.on('data', (chunk: Buffer) => {
        seen.push(...reader.read(chunk));
        if (until(seen.flatMap((e) => (e.e === 'ctrl' ? [e.frame.type] : [])))) resolve();
      });
    });
    for (const frame of frames) {
      if (frame instanceof Uint8Array) raw.socket.write(frame);
      else await new Promise((resolve) => setTimeout(resolve, frame.pause));
    }
    await within(done, BOUND, 'the server answering');
    raw.socket.destroy();
    return seen;
  }

  const get = (factory: FrameFactory, streamId: number, extra: Array<[string, string]> = []) =>
    factory.synStream({
      streamId,
      flags: 1,
      nv: [[':method', 'GET'], [':path', '/'], [':version', 'HTTP/1.1'], [':scheme', 'http'], [':host', '127.0.0.1'], ...extra],
    });

  it('a header frame over the default 64 KiB limit is refused with RST_STREAM FRAME_TOO_LARGE, and the session goes on', async () => {
    up = await listen(transport, (_req, res) => res.end('ok'));
    const sessionErrors: Error[] = [];
    up.server.on('sessionError', (error: Error) => sessionErrors.push(error));
    const factory = new FrameFactory(PROTO_SPDY3_1, CLIENT);
    // Incompressible: the frame stays over 64 KiB on the wire.
    const big = get(factory, 1, [['x-big', patternBytes(60 * 1024, 9).toString('base64')]]);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const seen = await exchange([big, get(factory, 3)], (types) => types.includes(SYN_REPLY));

    const resets = framesOfType(seen, RST_STREAM);
    expect(resets.map((r) => [r.streamId, r.statusCode])).toEqual([[1, FRAME_TOO_LARGE]]);
    expect(framesOfType(seen, SYN_REPLY).map((r) => r.streamId)).toEqual([3]);
    expect(framesOfType(seen, GOAWAY)).toEqual([]);
    expect(sessionErrors).toEqual([]);
  });

  it('a header frame just under the limit is served', async () => {
    up = await listen(transport, (_req, res) => res.end('ok'));
    const factory = new FrameFactory(PROTO_SPDY3_1, CLIENT);
    const large = get(factory, 1, [['x-large', patternBytes(44 * 1024, 9).toString('base64')]]);
    expect(large.length).toBeGreaterThan(32 * 1024);
    expect(large.length).toBeLessThan(64 * 1024);
    const seen = await exchange([large], (types) => types.includes(SYN_REPLY));
    expect(framesOfType(seen, SYN_REPLY).map((r) => r.streamId)).toEqual([1]);
    expect(framesOfType(seen, RST_STREAM)).toEqual([]);
  });

  it('a control frame split by a pause shorter than frameTimeout is served', async () => {
    up = await listen(transport, (_req, res) => res.end('ok'), { frameTimeout: 1000 });
    const factory = new FrameFactory(PROTO_SPDY3_1, CLIENT);
    const frame = get(factory, 1);
    const seen = await exchange([frame.subarray(0, 5), { pause: 200 }, frame.subarray(5)], (types) => types.includes(SYN_REPLY));
    expect(framesOfType(seen, SYN_REPLY).map((r) => r.streamId)).toEqual([1]);
    expect(framesOfType(seen, GOAWAY)).toEqual([]);
  });

  it('the first frame may be any control frame of the session version (SETTINGS before SYN_STREAM)', async () => {
    up = await listen(transport, (_req, res) => res.end('ok'));
    const factory = new FrameFactory(PROTO_SPDY3_1, CLIENT);
    const seen = await exchange([factory.settings(0, [[4, 0, 100]]), get(factory, 1)], (types) => types.includes(SYN_REPLY));
    expect(framesOfType(seen, SETTINGS).length).toBeGreaterThan(0);
    expect(framesOfType(seen, SYN_REPLY).map((r) => r.streamId)).toEqual([1]);
  });
});

describe('TLS sent to a plain-TCP server', () => {
  it('names the TLS record it got instead of SPDY', async () => {
    const up = await listen({ tls: false, protocol: 'spdy/3.1' });
    try {
      const reported = new Promise<Error>((resolve) => up.server.once('sessionError', resolve));
      const socket = tls.connect({ host: '127.0.0.1', port: up.port, rejectUnauthorized: false, ALPNProtocols: ['spdy/3.1'] });
      // The handshake fails: our server answers a ClientHello with a SPDY GOAWAY and closes.
      const failed = new Promise<Error>((resolve) => socket.once('error', resolve));
      const error = await within(reported, BOUND, 'sessionError');
      expect(error.message).toMatch(/the peer does not speak SPDY\/3: it sent a TLS record \(this side speaks SPDY without TLS\)/);
      await within(failed, BOUND, 'the TLS client failing');
      socket.destroy();
    } finally {
      up.server.destroyAll();
      await up.server.close();
    }
  });
});

describe('a client that goes away in the middle of a request', () => {
  const transport = { tls: false, protocol: 'spdy/3.1' as const };
  const ways: Array<{ name: string; leave(session: ClientSession, stream: ReturnType<ClientSession['request']>): void }> = [
    { name: 'drops its connection', leave: (session) => session.destroy() },
    { name: 'resets its stream', leave: (_session, stream) => stream.close() },
  ];

  it.each(ways)('$name: the (req, res) handler sees req "aborted", a late res.end() is harmless, the server serves on', async (way) => {
    let arrived: (pair: { req: ServerRequest; res: ServerResponse }) => void = () => {};
    const pending = new Promise<{ req: ServerRequest; res: ServerResponse }>((resolve) => (arrived = resolve));
    // The handler answers nothing at first, and listens for no error: Node's http2 handlers do not have to.
    const up = await listen(transport, (req, res) => {
      if (req.url === '/slow') arrived({ req, res });
      else res.end('still here');
    });
    const session = connect(up.url, up.connectOptions);
    try {
      const stream = session.request({ ':path': '/slow' });
      stream.on('error', () => {});
      const { req, res } = await within(pending, BOUND, 'the request reaching the handler');
      const aborted = new Promise<void>((resolve) => req.once('aborted', resolve));
      way.leave(session, stream);
      await within(aborted, BOUND, "req's 'aborted'");
      res.end('too late');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const res2 = await within(request(`${up.url}/after`, up.connectOptions), BOUND, 'a request afterwards');
      expect(res2.text()).toBe('still here');
    } finally {
      session.destroy();
      up.server.destroyAll();
      await up.server.close();
    }
  });
});
