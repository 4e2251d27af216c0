/**
 * Interop with spdy-transport 3.0.0, an independent SPDY implementation
 * (node-spdy's transport layer), in memory over a duplex pair: every
 * version, both directions. Bodies are about 1.5 MiB of seeded
 * pseudo-random bytes, more than the peer's 1 MiB windows, which we honour
 * when sending; the flow-control tests also keep our own 64 KiB windows,
 * which the peer must honour.
 *
 * Where the two implementations disagree on the wire, the test names the
 * side that departs from the SPDY drafts. The peer's problems are handled
 * in the harness only (test/helpers/spdy-transport-peer.ts), each with a
 * test of its own: obuf's take() is patched at run time (Node 20, "Headers
 * OOB"), the transport runs on the duplex without node-spdy's socket glue,
 * and bulk tests announce wide receive windows ("wide windows") so the
 * peer's flow-control defects stay out of their way.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CANCEL,
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_NONE,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  FLAG_SETTINGS_NONE,
  GOAWAY,
  GOAWAY_OK,
  ID_FLAG_SETTINGS_NONE,
  ID_FLAG_SETTINGS_PERSIST_VALUE,
  ID_FLAG_SETTINGS_PERSISTED,
  INVALID_STREAM,
  OK,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3_1,
  PROTOCOL_ERROR,
  RST_STREAM,
  SERVER,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/index.js';
import type {
  GoawayFrame,
  NameValue,
  PingFrame,
  RstStreamFrame,
  SettingsFrame,
  SynReplyFrame,
  SynStreamFrame,
  WindowUpdateFrame,
} from '../../src/index.js';
import { bytesProvider, firstDifference, flowHighWater, header, pseudoRandomBytes } from '../helpers/recording-endpoint.js';
import type { OurOptions } from '../helpers/recording-endpoint.js';
import { settle } from '../helpers/session-pump.js';
import { WIDE_WINDOW, VERSIONS, asBuffer, closeAllPairs, collect, connect, endsWithEmptyFin, installObufPatch } from '../helpers/spdy-transport-peer.js';
import type { Pair, PeerFrame, PeerStream } from '../helpers/spdy-transport-peer.js';
import type { WireFrame } from '../helpers/wire-tap.js';

const MiB = 1 << 20;
/**
 * Body sizes: above the peer's 1 MiB windows, and deliberately not
 * multiples of its 8192-byte DATA frames: in spdy/3.1 a body from the peer
 * that ends exactly as its session send window reaches 0 trips a peer bug
 * (test "spdy/3.1: when its session window runs out at the end of a body,
 * ..."), which the tests that keep our windows narrow would otherwise hit.
 */
/** POST bodies: about 1.5 MiB. */
const POST_SIZE = 3 * (MiB / 2) + 4321;
/** GET responses: about 1.25 MiB. */
const GET_SIZE = 5 * (MiB / 4) + 777;
/** The peer's DATA frames carry at most this much (its maxChunk). */
const PEER_MAX_CHUNK = 8192;
/** How long a "nothing more happens" check lets both sides run. */
const QUIET_MS = 100;

const ROLES = [
  { label: 'our client, spdy-transport server', ourSide: CLIENT },
  { label: 'spdy-transport client, our server', ourSide: SERVER },
] as const;

beforeAll(async () => {
  // Test harness only: obuf 1.1.2's take() fix, before any peer connection exists.
  expect(await installObufPatch()).toMatch(/obuf/);
});

afterEach(() => closeAllPairs());

// ---- what each server does ----

/** GET /get/N answers 1.25 MiB seeded by N (both servers), so either side can check it. */
function getBody(path: string): Uint8Array {
  const seed = Number(/\/get\/(\d+)$/.exec(path)?.[1] ?? 0);
  return pseudoRandomBytes(GET_SIZE, 0x5eed0000 + seed);
}

interface PeerServer {
  streams: PeerStream[];
  maxOpen: number;
}

/** The peer as a server: echoes a request body, answers GET /get/N with getBody. */
function peerServes(pair: Pair): PeerServer {
  const server: PeerServer = { streams: [], maxOpen: 0 };
  let open = 0;
  pair.peer.connection.on('stream', (stream: PeerStream) => {
    server.streams.push(stream);
    server.maxOpen = Math.max(server.maxOpen, ++open);
    stream.on('close', () => open--);
    const request = collect(stream);
    stream.on('end', () => {
      const body = request.body();
      stream.respond(200, {
        'content-type': 'application/octet-stream',
        'x-served-by': 'spdy-transport',
        'x-request-bytes': String(body.length),
      });
      stream.end(asBuffer(stream.method === 'GET' ? getBody(stream.path ?? '') : body));
    });
  });
  return server;
}

/** Our server: the same behaviour, in spdylay's style (respond once the request is complete). */
function ourServer(): OurOptions {
  return {
    onRequest: (ours, stream) => {
      const nv = stream.request!;
      const body = ours.body(stream.id);
      const out = header(nv, ':method') === 'GET' ? getBody(header(nv, ':path') ?? '') : body;
      ours.session.submitResponse(
        stream.id,
        [
          [':status', '200 OK'],
          [':version', 'HTTP/1.1'],
          ['content-type', 'application/octet-stream'],
          ['x-served-by', 'spdylay'],
          ['x-request-bytes', String(body.length)],
        ],
        bytesProvider(out),
      );
    },
  };
}

function ourRequest(method: string, path: string): NameValue[] {
  return [
    [':method', method],
    [':path', path],
    [':version', 'HTTP/1.1'],
    [':scheme', 'https'],
    [':host', 'localhost'],
    ['x-request-id', `${method} ${path}`],
  ];
}

// ---- checks ----

function ourStreams(pair: Pair) {
  return [...pair.ours.streams.values()].filter((s) => s.request !== null);
}

/** Waits until `count` streams have been opened and every stream is closed on both sides, then checks nothing went wrong. */
async function expectAllClosed(pair: Pair, count: number): Promise<void> {
  await pair.until(
    () =>
      ourStreams(pair).length === count &&
      ourStreams(pair).every((s) => s.closeStatus !== null) &&
      pair.peer.openStreamCount === 0 &&
      [...pair.peer.streams.values()].every((e) => e.closed),
    `all ${count} streams closed on both sides`,
  );
  expect(ourStreams(pair).map((s) => s.closeStatus)).toEqual(ourStreams(pair).map(() => OK));
  expect(pair.peer.streams.size).toBe(count);
  expect(pair.peer.errors).toEqual([]);
  expect(pair.peer.streamErrors).toEqual([]);
  expect(pair.ours.sentOfType(RST_STREAM)).toEqual([]);
  // The only RST_STREAMs allowed are the peer's answers to WINDOW_UPDATEs of
  // ours that crossed its FIN (test "a WINDOW_UPDATE of ours that crosses the
  // peer's FIN ..."): they arrive for streams already closed here.
  const late = pair.ours.lateRsts;
  expect(late.map((r) => r.statusCode)).toEqual(late.map(() => INVALID_STREAM));
  expect(pair.ours.receivedOfType(RST_STREAM)).toHaveLength(late.length);
  expect(pair.ours.sentOfType(GOAWAY)).toEqual([]);
  expect(pair.ours.parseErrors).toEqual([]);
  expect(pair.ours.invalid).toEqual([]);
}

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(firstDifference(actual, expected)).toBeNull();
}

/** The 31-bit big-endian word at `offset` of a tapped control frame's payload. */
function word(frame: WireFrame, offset: number): number {
  const b = frame.start;
  return ((b[offset]! & 0x7f) * 2 ** 24 + (b[offset + 1]! << 16) + (b[offset + 2]! << 8) + b[offset + 3]!);
}


/**
 * Registers a test only where it applies (a version-specific behaviour), so
 * the other versions do not report it as skipped.
 */
function itWhen(condition: boolean): (name: string, fn: () => Promise<void> | void) => void {
  return (name, fn) => {
    if (condition) it(name, fn);
  };
}

describe.each(VERSIONS)('$name', ({ name, version }) => {
  const isSpdy2 = version === PROTO_SPDY2;
  const hasFlowControl = !isSpdy2;

  describe('our client → spdy-transport server', () => {
    it('GET without a body: a SYN_REPLY without FIN carrying "200 OK", :version and the peer\'s headers, 1.25 MiB byte-exact in DATA of at most 8192 bytes, then a separate empty DATA+FIN', async () => {
      const pair = connect({ version, ourSide: CLIENT });
      const server = peerServes(pair);
      pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/get/1'), null, 'get'));
      await expectAllClosed(pair, 1);

      // What the peer made of our request (v2 names are mapped to v3 ones by the peer itself).
      const [served] = server.streams;
      expect(served!.method).toBe('GET');
      expect(served!.path).toBe('/get/1');
      expect(served!.host).toBe('localhost');
      expect(served!.headers['x-request-id']).toBe('GET /get/1');
      expect(pair.peer.framesOfType('HEADERS')[0]!.fin).toBe(true);

      const stream = pair.ours.byTag('get')!;
      expect(pair.ours.receivedOfType<SynReplyFrame>(SYN_REPLY).map((f) => f.flags)).toEqual([CTRL_FLAG_NONE]);
      expect(stream.reply).toEqual(
        expect.arrayContaining([
          [':status', '200 OK'],
          [':version', 'HTTP/1.1'],
          ['content-type', 'application/octet-stream'],
          ['x-served-by', 'spdy-transport'],
          ['x-request-bytes', '0'],
        ]),
      );
      expectBytes(pair.ours.body(stream.id), getBody('/get/1'));
      expect(Math.max(...stream.dataFrames.map((f) => f.length))).toBe(PEER_MAX_CHUNK);
      expect(endsWithEmptyFin(stream.dataFrames)).toBe(true);
    });

    it('POST of 1.5 MiB is echoed byte-exact', async () => {
      const pair = connect({ version, ourSide: CLIENT });
      const server = peerServes(pair);
      const body = pseudoRandomBytes(POST_SIZE, 11);
      pair.submit((s) => s.submitRequest(3, ourRequest('POST', '/echo'), bytesProvider(body), 'post'));
      await expectAllClosed(pair, 1);

      expect(server.streams[0]!.method).toBe('POST');
      const stream = pair.ours.byTag('post')!;
      expect(stream.sentBytes).toBe(POST_SIZE);
      expect(header(stream.reply!, 'x-request-bytes')).toBe(String(POST_SIZE));
      expectBytes(pair.ours.body(stream.id), body);
    });

    it('six concurrent requests (three 1.5 MiB POSTs, three GETs) each get their own response', async () => {
      const pair = connect({ version, ourSide: CLIENT });
      const server = peerServes(pair);
      const posts = [21, 22, 23].map((seed) => pseudoRandomBytes(POST_SIZE, seed));
      pair.submit((s) => {
        posts.forEach((body, i) => s.submitRequest(3, ourRequest('POST', `/echo/${i}`), bytesProvider(body), `post ${i}`));
        for (const n of [1, 2, 3]) s.submitRequest(3, ourRequest('GET', `/get/${n}`), null, `get ${n}`);
      });
      await expectAllClosed(pair, 6);

      // More than one was open at the peer at once: they really ran concurrently.
      expect(server.maxOpen).toBeGreaterThan(1);
      expect(ourStreams(pair).map((s) => s.id)).toEqual([1, 3, 5, 7, 9, 11]);
      posts.forEach((body, i) => expectBytes(pair.ours.body(pair.ours.byTag(`post ${i}`)!.id), body));
      for (const n of [1, 2, 3]) expectBytes(pair.ours.body(pair.ours.byTag(`get ${n}`)!.id), getBody(`/get/${n}`));
    });
  });

  describe('spdy-transport client → our server', () => {
    it('GET without a body: the peer\'s SYN_STREAM has FIN and its request headers; our "200 OK" reply and 1.25 MiB reach it byte-exact', async () => {
      const pair = connect({ version, ourSide: SERVER, ours: ourServer() });
      const got = collect(pair.peer.request({ method: 'GET', path: '/get/4', host: 'localhost', headers: { 'X-Request-Id': 'get-4' } }));
      await expectAllClosed(pair, 1);

      const [syn] = pair.ours.receivedOfType<SynStreamFrame>(SYN_STREAM);
      expect(syn!.flags & CTRL_FLAG_FIN).toBe(CTRL_FLAG_FIN);
      // Priority 3 in its 3 bits; SPDY/2 reads the top 2 bits of the same byte.
      expect(syn!.pri).toBe(isSpdy2 ? 1 : 3);
      expect(syn!.nv).toEqual(
        expect.arrayContaining([
          [':method', 'GET'],
          [':path', '/get/4'],
          [':version', 'HTTP/1.1'],
          [':scheme', 'https'],
          [':host', 'localhost'],
          ['x-request-id', 'get-4'],
        ]),
      );
      expect(got.status).toBe(200);
      expect(got.headers).toMatchObject({ ':status': '200', 'content-type': 'application/octet-stream', 'x-served-by': 'spdylay' });
      expect(got.ended).toBe(true);
      expectBytes(got.body(), getBody('/get/4'));
    });

    it('POST of 1.5 MiB (the peer\'s DATA of at most 8192 bytes, then an empty DATA+FIN) is echoed byte-exact', async () => {
      const pair = connect({ version, ourSide: SERVER, ours: ourServer() });
      const body = pseudoRandomBytes(POST_SIZE, 31);
      const request = pair.peer.request({ method: 'POST', path: '/echo', host: 'localhost', headers: { 'content-type': 'application/octet-stream' } });
      const got = collect(request);
      request.end(asBuffer(body));
      await expectAllClosed(pair, 1);

      const [stream] = ourStreams(pair);
      expect(header(stream!.request!, ':method')).toBe('POST');
      expectBytes(pair.ours.body(stream!.id), body);
      expect(Math.max(...stream!.dataFrames.map((f) => f.length))).toBe(PEER_MAX_CHUNK);
      expect(endsWithEmptyFin(stream!.dataFrames)).toBe(true);
      expect(got.headers!['x-request-bytes']).toBe(String(POST_SIZE));
      expectBytes(got.body(), body);
    });

    it('six concurrent requests (three 1.5 MiB POSTs, three GETs) each get their own response', async () => {
      let open = 0;
      let maxOpen = 0;
      const pair = connect({
        version,
        ourSide: SERVER,
        ours: {
          ...ourServer(),
          callbacks: {
            onCtrlRecvCb: (_s, frame) => {
              if (frame.frameType === SYN_STREAM) maxOpen = Math.max(maxOpen, ++open);
            },
            onStreamCloseCb: () => open--,
          },
        },
      });
      const posts = [41, 42, 43].map((seed) => pseudoRandomBytes(POST_SIZE, seed));
      const postResults = posts.map((body, i) => {
        const request = pair.peer.request({ method: 'POST', path: `/echo/${i}`, host: 'localhost' });
        const got = collect(request);
        request.end(asBuffer(body));
        return got;
      });
      const getResults = [1, 2, 3].map((n) => collect(pair.peer.request({ method: 'GET', path: `/get/${n}`, host: 'localhost' })));
      await expectAllClosed(pair, 6);

      // More than one was open at once here: they really ran concurrently.
      expect(maxOpen).toBeGreaterThan(1);
      expect(ourStreams(pair).map((s) => s.id)).toEqual([1, 3, 5, 7, 9, 11]);
      posts.forEach((body, i) => expectBytes(postResults[i]!.body(), body));
      getResults.forEach((got, i) => expectBytes(got.body(), getBody(`/get/${i + 1}`)));
    });
  });

  describe('server push', () => {
    it('our push (UNIDIRECTIONAL, associated to the request, with the :status the peer requires) reaches the peer client with its body; every stream closes on both sides', async () => {
      const pushBody = pseudoRandomBytes(20000, 91);
      const pair = connect({
        version,
        ourSide: SERVER,
        ours: {
          onRequest: (ours, stream) => {
            // The push takes its parent's priority, so the queue sends it
            // before the parent's DATA can close the parent (as in spdylay, a
            // push whose parent has closed is not sent: ERR_STREAM_CLOSED).
            const parent = ours.receivedOfType<SynStreamFrame>(SYN_STREAM).find((f) => f.streamId === stream.id)!;
            ours.session.submitSynStream(
              CTRL_FLAG_UNIDIRECTIONAL,
              parent.pri,
              [
                [':method', 'GET'],
                [':path', '/pushed.css'],
                [':version', 'HTTP/1.1'],
                [':scheme', 'https'],
                [':host', 'localhost'],
                [':status', '200 OK'],
                ['content-type', 'text/css'],
              ],
              stream.id,
            );
            ours.session.submitResponse(stream.id, [[':status', '200 OK'], [':version', 'HTTP/1.1']], bytesProvider(getBody('/get/9')));
          },
          callbacks: {
            // Stream ids are assigned at send time: the push's DATA follows its SYN_STREAM.
            onCtrlSendCb: (s, frame) => {
              if (frame.frameType === SYN_STREAM) s.submitData((frame as SynStreamFrame).streamId, DATA_FLAG_FIN, bytesProvider(pushBody));
            },
          },
        },
      });
      const request = pair.peer.request({ method: 'GET', path: '/get/9', host: 'localhost' });
      const got = collect(request);
      let pushed: ReturnType<typeof collect> | null = null;
      let pushPath: string | undefined;
      request.on('pushPromise', (push: PeerStream) => {
        pushPath = push.path;
        pair.peer.track(push);
        pushed = collect(push);
      });
      await expectAllClosed(pair, 2);

      const [push] = pair.ours.sentOfType<SynStreamFrame>(SYN_STREAM);
      expect([push!.streamId, push!.assocStreamId, push!.flags]).toEqual([2, 1, CTRL_FLAG_UNIDIRECTIONAL]);
      expect(pushPath).toBe('/pushed.css');
      expect(pushed!.status).toBe(200);
      expectBytes(pushed!.body(), pushBody);
      expectBytes(got.body(), getBody('/get/9'));
    });
  });

  describe('flow control across the peer', () => {
    itWhen(hasFlowControl)(
      'we stay inside the peer\'s 1 MiB stream window (its SETTINGS, flagged PERSIST_VALUE) and reopen it with its WINDOW_UPDATEs of 524288' +
        (version === PROTO_SPDY3_1 ? '; its session window starts at 64 KiB and its first session WINDOW_UPDATE adds 983040' : ''),
      async () => {
        const pair = connect({ version, ourSide: CLIENT });
        peerServes(pair);
        const body = pseudoRandomBytes(POST_SIZE, 51);
        pair.submit((s) => s.submitRequest(3, ourRequest('POST', '/echo'), bytesProvider(body), 'post'));
        await expectAllClosed(pair, 1);

        expect(pair.ours.receivedOfType<SettingsFrame>(SETTINGS).map((f) => f.iv)).toEqual([
          [[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_PERSIST_VALUE, MiB]],
        ]);
        const id = pair.ours.byTag('post')!.id;
        const updates = pair.ours.receivedOfType<WindowUpdateFrame>(WINDOW_UPDATE);
        const streamDeltas = updates.filter((u) => u.streamId === id).map((u) => u.deltaWindowSize);
        expect(streamDeltas.length).toBeGreaterThan(0);
        expect(streamDeltas.every((d) => d === MiB / 2)).toBe(true);

        const high = flowHighWater(pair.ours.flow);
        expect(high.streamOverrun).toBeLessThanOrEqual(0);
        // No WINDOW_UPDATE comes before the peer has read half a MiB, so the
        // 1 MiB window (not the default 64 KiB) was used.
        expect(high.maxStreamOutstanding).toBeGreaterThanOrEqual(MiB / 2);
        expect(high.maxStreamOutstanding).toBeLessThanOrEqual(MiB);

        const sessionDeltas = updates.filter((u) => u.streamId === 0).map((u) => u.deltaWindowSize);
        if (version === PROTO_SPDY3_1) {
          // Right after its SETTINGS: 64 KiB session window to 1 MiB.
          const control = pair.fromPeer.frames.filter((f) => f.control);
          expect(control.slice(0, 2).map((f) => [f.type, f.type === WINDOW_UPDATE ? word(f, 0) : null])).toEqual([
            [SETTINGS, null],
            [WINDOW_UPDATE, 0],
          ]);
          expect(sessionDeltas[0]).toBe(MiB - 65536);
          expect(high.sessionOverrun).toBeLessThanOrEqual(0);
        } else {
          expect(sessionDeltas).toEqual([]);
        }
      },
    );

    itWhen(hasFlowControl)(
      'the peer stays inside our 64 KiB windows: our automatic WINDOW_UPDATEs carry a 1.25 MiB response with no FLOW_CONTROL_ERROR' +
        (version === PROTO_SPDY3_1 ? ' and no session overrun' : ''),
      async () => {
        // Our windows stay at 64 KiB (no harness widening), so the peer meets them.
        const pair = connect({ version, ourSide: CLIENT, wideWindows: false });
        peerServes(pair);
        pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/get/5'), null, 'get'));
        // We answer a stream overrun with RST FLOW_CONTROL_ERROR and a session
        // overrun with GOAWAY: expectAllClosed checks there was neither.
        await expectAllClosed(pair, 1);

        const id = pair.ours.byTag('get')!.id;
        expectBytes(pair.ours.body(id), getBody('/get/5'));
        const sent = pair.ours.sentOfType<WindowUpdateFrame>(WINDOW_UPDATE);
        const granted = (streamId: number) =>
          sent.filter((u) => u.streamId === streamId).reduce((sum, u) => sum + u.deltaWindowSize, 0);
        // spdylay's policy: an update once half the 64 KiB window is used.
        expect(sent.filter((u) => u.streamId === id).every((u) => u.deltaWindowSize >= 32768)).toBe(true);
        expect(granted(id) + 65536).toBeGreaterThanOrEqual(GET_SIZE);
        if (version === PROTO_SPDY3_1) expect(granted(0) + 65536).toBeGreaterThanOrEqual(GET_SIZE);
        else expect(granted(0)).toBe(0);
      },
    );

    itWhen(isSpdy2)(
      'spdy/2: the peer sends WINDOW_UPDATE, a frame SPDY/2 does not have; we ignore it, as spdylay does (the peer departs from SPDY/2)',
      async () => {
        const pair = connect({ version, ourSide: CLIENT });
        peerServes(pair);
        const body = pseudoRandomBytes(POST_SIZE, 61);
        pair.submit((s) => s.submitRequest(3, ourRequest('POST', '/echo'), bytesProvider(body), 'post'));
        await expectAllClosed(pair, 1);

        const id = pair.ours.byTag('post')!.id;
        const updates = pair.fromPeer.controlOfType(WINDOW_UPDATE);
        expect(updates.length).toBeGreaterThan(0);
        expect(updates.map((f) => [f.version, f.length, word(f, 0), word(f, 4)])).toEqual(
          updates.map(() => [2, 8, id, MiB / 2]),
        );
        expect(pair.ours.receivedOfType(WINDOW_UPDATE)).toEqual([]);
        expectBytes(pair.ours.body(id), body);
      },
    );

    itWhen(isSpdy2)(
      'spdy/2: without our SETTINGS the peer stops after 64 KiB, waiting for a WINDOW_UPDATE SPDY/2 never sends (the peer departs: SPDY/2 has no flow control); SETTINGS INITIAL_WINDOW_SIZE releases it',
      async () => {
        const pair = connect({ version, ourSide: CLIENT, wideWindows: false });
        peerServes(pair);
        pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/get/6'), null, 'get'));
        await pair.until(() => (pair.ours.byTag('get')?.chunks.length ?? 0) > 0, 'the first DATA');
        const stream = pair.ours.byTag('get')!;
        await pair.until(() => pair.ours.body(stream.id).length >= 65536, '64 KiB');
        await settle(QUIET_MS);
        expect(pair.ours.body(stream.id).length).toBe(65536);
        expect(stream.closeStatus).toBeNull();

        pair.submit((s) => s.submitSettings(FLAG_SETTINGS_NONE, [[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_NONE, WIDE_WINDOW]]));
        await expectAllClosed(pair, 1);
        expectBytes(pair.ours.body(stream.id), getBody('/get/6'));
      },
    );
  });

  describe.each(ROLES)('PING and GOAWAY ($label)', ({ ourSide }) => {
    const ourParity = ourSide === CLIENT ? 1 : 2;
    const peerParity = ourSide === CLIENT ? 2 : 1;

    /** One request each way of the roles, completed, so GOAWAY has a stream id to name. */
    async function afterOneRequest(pair: Pair): Promise<void> {
      if (ourSide === CLIENT) {
        peerServes(pair);
        pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/get/1'), null, 'get'));
      } else {
        collect(pair.peer.request({ method: 'GET', path: '/get/1', host: 'localhost' }));
      }
      await expectAllClosed(pair, 1);
    }

    function connectRole() {
      return connect({ version, ourSide, ...(ourSide === SERVER ? { ours: ourServer() } : {}) });
    }

    it('PING both ways: each side echoes the other\'s id, and ids keep the sender\'s parity', async () => {
      const pair = connectRole();
      let peerGotPing = 0;
      pair.peer.connection.on('ping', () => peerGotPing++);
      pair.submit((s) => s.submitPing());
      await pair.until(() => pair.ours.receivedOfType(PING).length === 1, 'the echo of our PING');
      pair.peer.ping();
      await pair.until(() => pair.peer.pingsAnswered === 1, 'the echo of the peer\'s PING');

      expect(peerGotPing).toBe(1);
      const ids = (frames: PingFrame[]) => frames.map((f) => f.uniqueId);
      // Sent: our PING, then our echo of theirs; received: their echo of ours, then their PING.
      expect(ids(pair.ours.sentOfType<PingFrame>(PING))).toEqual([ourParity, peerParity]);
      expect(ids(pair.ours.receivedOfType<PingFrame>(PING))).toEqual([ourParity, peerParity]);
      expect(pair.peer.framesOfType('PING').map((f) => [f.ack, (f.opaque as Buffer).readUInt32BE(0)])).toEqual([
        [false, ourParity],
        [true, peerParity],
      ]);
      expect(pair.peer.errors).toEqual([]);
    });

    it('crossing PINGs: the echo of ours is still recognised (spdylay lets its echo of the peer\'s PING overwrite the id it waits for)', async () => {
      const pair = connectRole();
      await pair.until(() => pair.ours.receivedOfType(SETTINGS).length === 1, 'the peer\'s SETTINGS');
      await settle(QUIET_MS);
      // Queued without a pump pass: it goes out in the same pass as our echo
      // of the peer's PING, and before it.
      pair.ours.session.submitPing();
      pair.peer.ping();
      await pair.until(() => pair.peer.pingsAnswered === 1 && pair.fromPeer.controlOfType(PING).length === 2, 'both PINGs echoed');
      await settle(QUIET_MS);

      expect(pair.ours.sentOfType<PingFrame>(PING).map((f) => f.uniqueId)).toEqual([ourParity, peerParity]);
      // spdylay's last_ping_unique_id would have been overwritten by the echo
      // sent after our PING; we remember only PINGs of our own parity.
      expect(pair.fromPeer.controlOfType(PING).map((f) => word(f, 0))).toEqual([peerParity, ourParity]);
      expect(pair.ours.receivedOfType<PingFrame>(PING).map((f) => f.uniqueId)).toEqual([peerParity, ourParity]);
      expect(pair.ours.parseErrors).toEqual([]);
    });

    it(
      isSpdy2
        ? 'spdy/2: the peer\'s 8-byte GOAWAY (SPDY/2 defines 4 bytes: the peer departs) is accepted, by decision; both sides finish'
        : 'the peer\'s GOAWAY (status OK, last-good-stream-id the highest id it saw) ends the session cleanly on both sides',
      async () => {
        const pair = connectRole();
        await afterOneRequest(pair);
        pair.peer.connection.end();
        await pair.until(() => pair.ours.pump.done && pair.peer.closed, 'both sides finished');

        expect(pair.fromPeer.controlOfType(GOAWAY).map((f) => f.length)).toEqual([8]);
        const [goaway] = pair.ours.receivedOfType<GoawayFrame>(GOAWAY);
        expect([goaway!.lastGoodStreamId, goaway!.statusCode, goaway!.length]).toEqual([1, GOAWAY_OK, 8]);
        expect(pair.ours.parseErrors).toEqual([]);
        expect(pair.ours.sentOfType(GOAWAY)).toEqual([]);
        expect(pair.ours.session.wantRead()).toBe(false);
        expect(pair.ours.session.wantWrite()).toBe(false);
        expect(pair.peer.errors).toEqual([]);
      },
    );

    itWhen(!isSpdy2)('our GOAWAY (status OK, last-good-stream-id the highest id we received) ends the session cleanly on both sides', async () => {
      const pair = connectRole();
      await afterOneRequest(pair);
      pair.submit((s) => s.submitGoaway(GOAWAY_OK));
      await pair.until(() => pair.ours.pump.done && pair.peer.closed, 'both sides finished');

      const lastGood = ourSide === SERVER ? 1 : 0;
      expect(pair.ours.sentOfType<GoawayFrame>(GOAWAY).map((f) => f.lastGoodStreamId)).toEqual([lastGood]);
      expect(pair.peer.framesOfType('GOAWAY')).toEqual([{ type: 'GOAWAY', lastId: lastGood, code: 'OK' }]);
      expect(pair.peer.errors).toEqual([]);
      expect(pair.fromPeer.controlOfType(GOAWAY)).toEqual([]);
    });

    itWhen(isSpdy2)(
      'spdy/2: our 4-byte GOAWAY, as SPDY/2 defines it, is refused by the peer ("GOAWAY OOB"): it stops parsing and answers nothing (the peer departs); our side finishes',
      async () => {
        const pair = connectRole();
        await afterOneRequest(pair);
        pair.submit((s) => s.submitGoaway(GOAWAY_OK));
        await pair.until(() => pair.ours.pump.done && pair.peer.errors.length > 0, 'our side finished and the peer failed');
        await settle(QUIET_MS);

        expect(pair.fromUs.controlOfType(GOAWAY).map((f) => [f.version, f.length])).toEqual([[2, 4]]);
        expect(pair.peer.errors.map((e) => e.message)).toEqual(['GOAWAY OOB']);
        expect(pair.peer.framesOfType('GOAWAY')).toEqual([]);
        // A spdy/2 close between the two is therefore one-sided: the peer
        // neither answers nor closes its connection; only the socket's end
        // would tell it. Closing from the peer's side (its 8-byte GOAWAY,
        // which we accept) is the clean way.
        expect(pair.peer.closed).toBe(false);
        expect(pair.fromPeer.controlOfType(GOAWAY)).toEqual([]);
      },
    );
  });

  describe('where the peer departs from spdylay', () => {
    it('a push without FLAG_UNIDIRECTIONAL (the peer departs: draft 3 §3.3.1 requires it) gets RST_STREAM PROTOCOL_ERROR from us, as from spdylay; the parent response completes', async () => {
      const pair = connect({ version, ourSide: CLIENT });
      pair.peer.connection.on('stream', (stream: PeerStream) => {
        collect(stream);
        stream.on('end', () => {
          stream.respond(200, { 'content-type': 'text/html' });
          const push = stream.pushPromise({
            path: '/pushed.js',
            method: 'GET',
            host: 'localhost',
            status: 200,
            response: { 'content-type': 'text/javascript' },
          });
          // Tracked so our RST_STREAM, if it finds the push still open, is recorded, not thrown.
          pair.peer.track(push);
          push.end('pushed body');
          stream.end('parent body');
        });
      });
      pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/'), null, 'parent'));
      const parent = () => pair.ours.byTag('parent');
      await pair.until(() => (parent()?.closeStatus ?? null) !== null && pair.peer.openStreamCount === 0, 'the parent closed');

      // On the wire: SYN_STREAM 2 associated to 1, flags 0.
      const [pushSyn] = pair.fromPeer.controlOfType(SYN_STREAM);
      expect([pushSyn!.flags, word(pushSyn!, 0), word(pushSyn!, 4)]).toEqual([CTRL_FLAG_NONE, 2, 1]);
      expect(pair.ours.invalid.map(({ frame, statusCode }) => [frame.frameType, (frame as SynStreamFrame).streamId, statusCode])).toEqual([
        [SYN_STREAM, 2, PROTOCOL_ERROR],
      ]);
      // The peer puts request and response headers together (`:status` included).
      expect((pair.ours.invalid[0]!.frame as SynStreamFrame).nv).toEqual(
        expect.arrayContaining([
          [':path', '/pushed.js'],
          [':status', '200'],
          ['content-type', 'text/javascript'],
        ]),
      );
      const rsts = pair.ours.sentOfType<RstStreamFrame>(RST_STREAM);
      expect(rsts[0]!.streamId).toBe(2);
      expect(rsts[0]!.statusCode).toBe(PROTOCOL_ERROR);
      // DATA the peer had already sent for the refused push: that stream never
      // opened here, so it gets INVALID_STREAM (our decision for DATA on a
      // stream that is not open; spdylay ignores it). The peer takes those
      // RSTs without complaint.
      expect(rsts.slice(1).map((f) => [f.streamId, f.statusCode])).toEqual(rsts.slice(1).map(() => [2, INVALID_STREAM]));

      const stream = parent()!;
      expect(stream.closeStatus).toBe(OK);
      expect(Buffer.from(pair.ours.body(stream.id)).toString()).toBe('parent body');
      // The push never became a stream here: no DATA and no close reached a callback.
      expect(pair.ours.streams.has(2)).toBe(false);
      expect(pair.peer.errors).toEqual([]);
    });

    it(
      'SETTINGS: the peer skips an entry flagged PERSISTED without reading its value, so it misreads the entries after it (the peer departs from draft 3 §2.6.4: every entry is 8 bytes)' +
        (hasFlowControl ? '; the INITIAL_WINDOW_SIZE we sent is lost and its windows stay 64 KiB' : ''),
      async () => {
        const pair = connect({ version, ourSide: CLIENT, wideWindows: false });
        peerServes(pair);
        const announced = 4 * 65536;
        pair.submit((s) =>
          s.submitSettings(FLAG_SETTINGS_NONE, [
            [SETTINGS_MAX_CONCURRENT_STREAMS, ID_FLAG_SETTINGS_PERSISTED, 100],
            [SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_NONE, announced],
          ]),
        );
        await pair.until(() => pair.peer.framesOfType('SETTINGS').length === 1, 'the peer parsed our SETTINGS');

        // The peer reads the value 100 as the next id word (id 0 in spdy/2's
        // little-endian layout, 100 in spdy/3: neither a setting it knows),
        // and the next entry's id word as that setting's value.
        const parsed = pair.peer.framesOfType('SETTINGS').at(-1) as PeerFrame;
        expect(parsed.settings).toEqual({ undefined: isSpdy2 ? 0x07000000 : SETTINGS_INITIAL_WINDOW_SIZE });
        // We read the peer's own SETTINGS entry by entry.
        expect(pair.ours.receivedOfType<SettingsFrame>(SETTINGS).map((f) => f.iv)).toEqual([
          [[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_PERSIST_VALUE, MiB]],
        ]);

        if (hasFlowControl) {
          // We wait for half of the 256 KiB we announced before updating, as
          // spdylay does; the peer, still at 64 KiB, stops at 65536 bytes.
          pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/get/7'), null, 'get'));
          await pair.until(() => pair.ours.byTag('get') !== undefined, 'the request');
          const stream = pair.ours.byTag('get')!;
          await pair.until(() => pair.ours.body(stream.id).length >= 65536, '64 KiB');
          await settle(QUIET_MS);
          expect(pair.ours.body(stream.id).length).toBe(65536);
          expect(stream.closeStatus).toBeNull();
          expect(pair.ours.sentOfType(WINDOW_UPDATE).filter((f) => (f as WindowUpdateFrame).streamId === stream.id)).toEqual([]);
        }
      },
    );

    itWhen(hasFlowControl)(
      'a WINDOW_UPDATE of ours that crosses the peer\'s FIN gets RST_STREAM INVALID_STREAM; the stream is closed here by then and the RST is ignored, as spdylay ignores RST_STREAM for a stream it has closed',
      async () => {
        const pair = connect({ version, ourSide: CLIENT, wideWindows: false, ours: { config: { autoWindowUpdate: false } } });
        const body = pseudoRandomBytes(40000, 81);
        pair.peer.connection.on('stream', (stream: PeerStream) => {
          collect(stream);
          stream.on('end', () => {
            stream.respond(200, {});
            stream.end(asBuffer(body));
          });
        });
        pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/small'), null, 'get'));
        // Keep the peer's answer at our door until our WINDOW_UPDATE has reached it.
        pair.ours.pump.hold();
        await pair.until(() => pair.peer.streams.size === 1 && pair.peer.openStreamCount === 0, 'the peer done with the stream');
        const stream = pair.ours.byTag('get')!;
        pair.submit((s) => s.submitWindowUpdate(stream.id, 32768));
        await pair.until(() => pair.peer.framesOfType('WINDOW_UPDATE').some((f) => f.id === stream.id), 'our WINDOW_UPDATE at the peer');
        pair.ours.pump.release();
        await pair.until(() => stream.closeStatus !== null && pair.ours.lateRsts.length === 1, 'the stream closed and the peer\'s RST');

        expect(stream.closeStatus).toBe(OK);
        expectBytes(pair.ours.body(stream.id), body);
        expect(pair.ours.lateRsts).toEqual([{ streamId: stream.id, statusCode: INVALID_STREAM }]);
        expect(pair.ours.sentOfType(RST_STREAM)).toEqual([]);
        expect(pair.ours.parseErrors).toEqual([]);
        expect(pair.ours.sentOfType(GOAWAY)).toEqual([]);
      },
    );

    itWhen(version === PROTO_SPDY3_1)(
      'spdy/3.1: when its session window runs out at the end of a body, the peer drops the stream before its FIN is sent (the FIN waits for a session WINDOW_UPDATE), answers our WINDOW_UPDATE for it with RST_STREAM INVALID_STREAM, then sends the FIN (the peer departs: a stream is open until both FINs, draft 3 §2.6.8 lets it take WINDOW_UPDATE)',
      async () => {
        // Our updates are made by hand so the peer's windows are known exactly:
        // a 64 KiB body uses all of its 64 KiB session send window.
        const pair = connect({ version, ourSide: CLIENT, wideWindows: false, ours: { config: { autoWindowUpdate: false } } });
        pair.peer.connection.on('stream', (stream: PeerStream) => {
          collect(stream);
          stream.on('end', () => {
            stream.respond(200, {});
            stream.end(asBuffer(pseudoRandomBytes(65536, 71)));
          });
        });
        pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/'), null, 'get'));
        await pair.until(() => (pair.ours.byTag('get')?.chunks.length ?? 0) > 0, 'the first DATA');
        const stream = pair.ours.byTag('get')!;
        await pair.until(() => pair.ours.body(stream.id).length === 65536 && pair.peer.openStreamCount === 0, 'the body, and the peer done with the stream');
        await settle(QUIET_MS);
        // The body is in, the peer has dropped the stream, and its FIN has not been sent.
        expect(stream.dataFrames.some((f) => f.flags & DATA_FLAG_FIN)).toBe(false);
        expect(stream.closeStatus).toBeNull();

        pair.submit((s) => s.submitWindowUpdate(stream.id, 32768));
        await pair.until(() => stream.closeStatus !== null, 'the peer\'s answer');
        expect(pair.ours.receivedOfType<RstStreamFrame>(RST_STREAM).map((f) => [f.streamId, f.statusCode])).toEqual([[stream.id, INVALID_STREAM]]);
        expect(stream.closeStatus).toBe(INVALID_STREAM);

        pair.submit((s) => s.submitWindowUpdate(0, 32768));
        await pair.until(() => pair.fromPeer.frames.some((f) => !f.control && f.flags & DATA_FLAG_FIN), 'the peer\'s late FIN');
        const fin = pair.fromPeer.frames.filter((f) => !f.control).at(-1)!;
        expect([fin.streamId, fin.flags, fin.length]).toEqual([stream.id, DATA_FLAG_FIN, 0]);
        // By then the stream is closed here: DATA on a stream that is not open
        // gets INVALID_STREAM (our decision; spdylay ignores it).
        await pair.until(() => pair.ours.sentOfType(RST_STREAM).length === 1, 'our answer to the late FIN');
        expect(pair.ours.sentOfType<RstStreamFrame>(RST_STREAM).map((f) => [f.streamId, f.statusCode])).toEqual([[stream.id, INVALID_STREAM]]);
      },
    );

    itWhen(!isSpdy2)(
      'after our GOAWAY (last-good-stream-id 0: we accepted none of its streams) the peer cancels the request we still have open (the peer departs: draft 3 §2.6.6 lets our own streams finish)',
      async () => {
        const pair = connect({ version, ourSide: CLIENT });
        pair.peer.connection.on('stream', (stream: PeerStream) => {
          collect(stream);
          // Answer, then keep the response open.
          stream.on('end', () => stream.respond(200, {}));
        });
        pair.submit((s) => s.submitRequest(3, ourRequest('GET', '/slow'), null, 'slow'));
        await pair.until(() => (pair.ours.byTag('slow')?.reply ?? null) !== null, 'the reply');
        pair.submit((s) => s.submitGoaway(GOAWAY_OK));
        const stream = pair.ours.byTag('slow')!;
        await pair.until(() => stream.closeStatus !== null, 'the request closed');

        expect(pair.ours.sentOfType<GoawayFrame>(GOAWAY).map((f) => f.lastGoodStreamId)).toEqual([0]);
        expect(pair.ours.receivedOfType<RstStreamFrame>(RST_STREAM).map((f) => [f.streamId, f.statusCode])).toEqual([[stream.id, CANCEL]]);
        expect(stream.closeStatus).toBe(CANCEL);
        expect(pair.peer.streamErrors.map((e) => e.error.message)).toContain('New stream after GOAWAY');
      },
    );
  });

  it('the peer\'s first frame is its SETTINGS: one entry, INITIAL_WINDOW_SIZE 1 MiB flagged PERSIST_VALUE, in this version\'s layout', async () => {
    const pair = connect({ version, ourSide: CLIENT, wideWindows: false });
    await pair.until(() => pair.fromPeer.frames.length > 0, 'the peer\'s first frame');
    const [first] = pair.fromPeer.frames;
    expect([first!.control, first!.version, first!.type, first!.length]).toEqual([true, isSpdy2 ? 2 : 3, SETTINGS, 12]);
    // Count 1; then the id (SPDY/2: 24-bit little-endian before the flag
    // byte, as spdylay reads it) and the value 0x00100000.
    const entry = isSpdy2 ? '07000001' : '01000007';
    expect(Buffer.from(first!.start).toString('hex')).toBe(`00000001${entry}00100000`);
  });
});
