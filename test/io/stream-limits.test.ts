/**
 * What a client can make our Node server spend in streams, on a real
 * socket: the server announces SETTINGS MAX_CONCURRENT_STREAMS 100 by
 * default (spdylay's spdyd does) and refuses a stream beyond it with
 * RST_STREAM REFUSED_STREAM; a client that keeps opening streams and
 * resetting them is ended with GOAWAY INTERNAL_ERROR after 1000 resets
 * (config maxPeerStreamResets). A raw TCP client on 127.0.0.1; every wait
 * is bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CANCEL,
  CTRL_FLAG_FIN,
  GOAWAY,
  GOAWAY_INTERNAL_ERROR,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  REFUSED_STREAM,
  RST_STREAM,
  SETTINGS,
  SETTINGS_MAX_CONCURRENT_STREAMS,
} from '../../src/core/constants.js';
import type { ServerResponse, SpdyProtocol } from '../../src/index.js';
import { concat } from '../helpers/bytes.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameSplitter, goawayFields, rstStatus, settingsEntries } from '../helpers/frame-splitter.js';
import type { RawFrame } from '../helpers/frame-splitter.js';
import { TRANSPORTS, listen, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';
import { rawClient } from '../helpers/raw-peer.js';
import type { RawConversation } from '../helpers/raw-peer.js';

const BOUND = 10_000;
const VERSIONS: Record<SpdyProtocol, number> = { 'spdy/2': PROTO_SPDY2, 'spdy/3': PROTO_SPDY3, 'spdy/3.1': PROTO_SPDY3_1 };

/** Collects the frames the server writes to a raw client, and waits for one that matches. */
function frameWatch(conversation: RawConversation): (match: (f: RawFrame) => boolean, what: string) => Promise<RawFrame> {
  const splitter = new FrameSplitter();
  const seen: RawFrame[] = [];
  const waiters: Array<() => void> = [];
  conversation.socket.on('data', (chunk: Buffer) => {
    seen.push(...splitter.push(chunk));
    for (const wake of waiters.splice(0)) wake();
  });
  return async (match, what) => {
    for (;;) {
      const found = seen.find(match);
      if (found !== undefined) return found;
      await within(new Promise<void>((resolve) => waiters.push(resolve)), BOUND, what);
    }
  };
}

describe.each(TRANSPORTS.filter((t) => !t.tls))('our server ($name)', (transport) => {
  let up: Listening | undefined;

  afterEach(async () => {
    up?.server.destroyAll();
    await up?.server.close();
    up = undefined;
  });

  it('announces MAX_CONCURRENT_STREAMS 100 and refuses the 101st open stream with REFUSED_STREAM', async () => {
    const held: ServerResponse[] = [];
    up = await listen(transport, (_req, res) => void held.push(res));
    const raw = await rawClient(transport, up.port);
    const next = frameWatch(raw);
    const settings = await next((f) => f.control && f.type === SETTINGS, 'the server\'s SETTINGS');
    expect(settingsEntries(settings)).toContainEqual([SETTINGS_MAX_CONCURRENT_STREAMS, 0, 100]);

    const peer = new FrameFactory(VERSIONS[transport.protocol]);
    const requests = Array.from({ length: 101 }, (_, i) => peer.synStream({ streamId: 1 + 2 * i, flags: CTRL_FLAG_FIN, nv: [[':method', 'GET'], [':path', `/${i}`], [':version', 'HTTP/1.1'], [':host', 'x'], [':scheme', 'http']] }));
    raw.socket.write(concat(...requests));
    const refused = await next((f) => f.control && f.type === RST_STREAM, 'the RST_STREAM for stream 201');
    expect([refused.streamId, rstStatus(refused)]).toEqual([201, REFUSED_STREAM]);
    // The hundred open streams are the application's, waiting for their responses.
    await within(
      (async () => {
        while (held.length < 100) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      BOUND,
      'the hundred requests',
    );
    expect(held).toHaveLength(100);
    raw.socket.destroy();
  });

  it('a client that opens and resets 1001 streams gets GOAWAY INTERNAL_ERROR, the connection closes, and the server says why', async () => {
    let requests = 0;
    up = await listen(transport, () => void requests++);
    const sessionErrors: Error[] = [];
    up.server.on('sessionError', (error: Error) => sessionErrors.push(error));
    const raw = await rawClient(transport, up.port);
    const peer = new FrameFactory(VERSIONS[transport.protocol]);
    const pairs: Uint8Array[] = [];
    for (let i = 0; i < 1002; i++) {
      const id = 1 + 2 * i;
      pairs.push(peer.synStream({ streamId: id, flags: CTRL_FLAG_FIN, nv: [[':method', 'GET'], [':path', '/'], [':version', 'HTTP/1.1'], [':host', 'x'], [':scheme', 'http']] }), peer.rstStream(id, CANCEL));
    }
    raw.socket.write(concat(...pairs));
    const received = await within(raw.received, BOUND, 'the server closing the connection');
    const frames = new FrameSplitter().push(received);
    const goaways = frames.filter((f) => f.control && f.type === GOAWAY);
    expect(goaways).toHaveLength(1);
    const { lastGoodStreamId, statusCode } = goawayFields(goaways[0]!);
    expect(lastGoodStreamId).toBe(2001);
    if (transport.protocol !== 'spdy/2') expect(statusCode).toBe(GOAWAY_INTERNAL_ERROR);
    // Stream 2003, after the reset that ended the session, was never read.
    expect(requests).toBe(1001);
    // The application is told why, which the status alone cannot say (and SPDY/2's GOAWAY carries none).
    await within(
      (async () => {
        while (sessionErrors.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      BOUND,
      'the session error',
    );
    expect(sessionErrors.map((e) => e.message)).toEqual([
      `we ended the session with GOAWAY INTERNAL_ERROR: the peer reset more than 1000 streams it opened before they completed (maxPeerStreamResets)`,
    ]);
  });
});
