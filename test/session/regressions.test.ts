/**
 * Minimal cases of bugs the property tests (test/property/session-*.property.test.ts)
 * found, each kept as a plain test named for the behaviour it pins down.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  CLIENT,
  ERR_DEFERRED,
  GOAWAY,
  GOAWAY_OK,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  READ_EOF,
  REFUSED_STREAM,
  RST_STREAM,
  SERVER,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SYN_REPLY,
  WINDOW_UPDATE,
} from '../../src/core/constants.js';
import { DataProvider } from '../../src/core/api/data-provider.js';
import { Session } from '../../src/core/api/session.js';
import type { ReadControl } from '../../src/core/session/outbound.js';
import { FrameSplitter, windowDelta } from '../helpers/frame-splitter.js';

const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':path', '/'],
  [':version', 'HTTP/1.1'],
  [':host', 'example.org'],
  [':scheme', 'https'],
];
const RESPONSE: Array<[string, string]> = [
  [':status', '200 OK'],
  [':version', 'HTTP/1.1'],
];

/** A provider of `size` zero bytes. */
function zeros(size: number): DataProvider<null> {
  let offset = 0;
  return new DataProvider(null, (_s, _id, length: number, ctrl: ReadControl) => {
    const n = Math.min(length, size - offset);
    offset += n;
    if (offset === size) ctrl.flags = READ_EOF;
    return new Uint8Array(n);
  });
}

/** Moves every pending byte both ways until both sides are quiet. */
function pump(a: Session, b: Session): void {
  for (let round = 0; round < 10_000; round++) {
    let moved = false;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (let out = from.memSend(); out !== null; out = from.memSend()) {
        to.memRecv(out);
        moved = true;
      }
    }
    if (!moved) return;
  }
  throw new Error('the sessions never settled');
}

describe('regressions', () => {
  it.each([
    ['SPDY/3', PROTO_SPDY3],
    ['SPDY/3.1', PROTO_SPDY3_1],
  ])('lowering INITIAL_WINDOW_SIZE acknowledges what already reached the new threshold (%s)', (_name, version) => {
    // The server sends 2 bytes and defers; the client then lowers its window
    // to 1, which leaves the server's window at 1 - 2 = -1. Unless the 2
    // unacknowledged bytes (over the new threshold of 1/2) are acknowledged
    // now, no more DATA can come to trigger it and the stream never ends.
    const body = Uint8Array.from({ length: 100 }, (_, k) => k);
    let offset = 0;
    let deferredOnce = false;
    const closes: Array<[number, number]> = [];
    const received: number[] = [];
    const server = new Session(SERVER, version, {
      onRequestRecvCb: (s, streamId) =>
        s.submitResponse(
          streamId,
          RESPONSE,
          new DataProvider(null, (_s, _id, length: number, ctrl: ReadControl) => {
            if (offset === 2 && !deferredOnce) {
              deferredOnce = true;
              return ERR_DEFERRED;
            }
            const chunk = body.subarray(offset, offset + (offset === 0 ? 2 : length));
            offset += chunk.length;
            if (offset === body.length) ctrl.flags = READ_EOF;
            return chunk;
          }),
        ),
    });
    const client = new Session(CLIENT, version, {
      onDataChunkRecvCb: (_s, _flags, _id, data) => received.push(...data),
      onStreamCloseCb: (_s, streamId, status) => closes.push([streamId, status]),
    });
    client.submitRequest(0, REQUEST);
    pump(client, server);
    expect(received).toEqual([0, 1]);

    client.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, 1]]);
    const out = client.memSend()!;
    const frames = new FrameSplitter().push(out);
    expect(frames.map((f) => f.type)).toEqual([SETTINGS, WINDOW_UPDATE]);
    expect([frames[1]!.streamId, windowDelta(frames[1]!)]).toEqual([1, 2]);
    server.memRecv(out);

    expect(server.resumeData(1)).toBe(true);
    pump(client, server);
    expect(received).toEqual([...body]);
    expect(closes).toEqual([[1, 0]]);
  });

  it('with autoWindowUpdate off, dropped DATA is acknowledged at session level (SPDY/3.1)', () => {
    // The application acknowledges every byte it is given. The server's first
    // burst (the whole 64 KiB session window) is in flight when the client
    // resets the stream, so the client drops it, and the application never
    // sees those bytes. Unless the session acknowledges them itself, the
    // server's session window stays at 0 and the next stream never gets DATA.
    const server = new Session(SERVER, PROTO_SPDY3_1, {
      onRequestRecvCb: (s, streamId) => s.submitResponse(streamId, RESPONSE, zeros(100_000)),
    });
    const closes: Array<[number, number]> = [];
    let delivered = 0;
    const client = new Session(CLIENT, PROTO_SPDY3_1, {
      config: { autoWindowUpdate: false },
      onDataChunkRecvCb: (s, _flags, streamId, data) => {
        delivered += data.length;
        s.submitWindowUpdate(streamId, data.length);
        s.submitWindowUpdate(0, data.length);
      },
      onStreamCloseCb: (_s, streamId, status) => closes.push([streamId, status]),
    });
    client.submitRequest(0, REQUEST);
    server.memRecv(client.memSend()!);
    const burst: Uint8Array[] = [];
    for (let out = server.memSend(); out !== null; out = server.memSend()) burst.push(out);

    client.submitRstStream(1, CANCEL);
    const rst = client.memSend()!;
    const sessionUpdates: number[] = [];
    for (const bytes of burst) client.memRecv(bytes);
    for (let out = client.memSend(); out !== null; out = client.memSend()) {
      for (const f of new FrameSplitter().push(out)) if (f.type === WINDOW_UPDATE && f.streamId === 0) sessionUpdates.push(windowDelta(f));
      server.memRecv(out);
    }
    server.memRecv(rst);
    expect(delivered).toBe(0);
    // The dropped 64 KiB come back as two WINDOW_UPDATEs at the 32 KiB threshold.
    expect(sessionUpdates).toEqual([32768, 32768]);

    client.submitRequest(0, REQUEST);
    pump(client, server);
    expect(delivered).toBe(100_000);
    expect(closes).toEqual([
      [1, CANCEL],
      [3, 0],
    ]);
  });

  it.each([
    ['SPDY/2', PROTO_SPDY2],
    ['SPDY/3', PROTO_SPDY3],
    ['SPDY/3.1', PROTO_SPDY3_1],
  ])('streams opened after submitGoaway, before the GOAWAY is sent, are ignored (%s)', (_name, version) => {
    // The server decides on GOAWAY (last-good-stream-id 0: it has seen no
    // stream) while the client's SYN_STREAM 1 and its DATA are on the way.
    // The client will take stream 1 as refused, so the server must not
    // process it: no stream, no SYN_REPLY, no RST_STREAM for its DATA.
    const serverSaw: number[] = [];
    const server = new Session(SERVER, version, {
      onCtrlRecvCb: (_s, frame) => serverSaw.push(frame.frameType),
      onRequestRecvCb: (s, streamId) => s.submitResponse(streamId, RESPONSE),
    });
    const clientCloses: Array<[number, number]> = [];
    const client = new Session(CLIENT, version, {
      onStreamCloseCb: (_s, streamId, status) => clientCloses.push([streamId, status]),
    });
    client.submitRequest(0, REQUEST, zeros(10));
    const request = client.memSend()!;
    server.submitGoaway(GOAWAY_OK);
    server.memRecv(request);
    expect(serverSaw).toEqual([]);

    const out = server.memSend()!;
    const types = new FrameSplitter().push(out).map((f) => f.type);
    expect(types).toEqual([GOAWAY]);
    expect(types).not.toContain(SYN_REPLY);
    expect(types).not.toContain(RST_STREAM);
    // No stream was opened: with its GOAWAY out, the server has nothing left to read for.
    expect(server.wantRead()).toBe(false);
    client.memRecv(out);
    pump(client, server);
    expect(clientCloses).toEqual([[1, REFUSED_STREAM]]);
    // No stream left: after the peer's GOAWAY, nothing more to read for.
    expect(client.wantRead()).toBe(false);
  });

  it('a DATA frame that ends after our RST_STREAM is queued does not close the stream', () => {
    // The response's only DATA frame (with FIN) is half in when the client
    // resets the stream. At the frame's end the stream is CLOSING: the frame
    // is dropped there, FIN included (spdylay re-checks at the end of a
    // frame), and the stream closes once the RST_STREAM is sent, as
    // CANCEL, not as a stream that completed.
    const server = new Session(SERVER, PROTO_SPDY3, {
      onRequestRecvCb: (s, streamId) => s.submitResponse(streamId, RESPONSE, zeros(10)),
    });
    const events: string[] = [];
    const client = new Session(CLIENT, PROTO_SPDY3, {
      onDataRecvCb: (_s, flags, streamId, length) => events.push(`data ${streamId} ${flags} ${length}`),
      onStreamCloseCb: (_s, streamId, status) => events.push(`close ${streamId} ${status}`),
    });
    client.submitRequest(0, REQUEST);
    server.memRecv(client.memSend()!);
    const response = server.memSend()!;
    // The DATA frame is the last 8 + 10 bytes: deliver all but its last 4.
    const cut = response.length - 4;
    client.memRecv(response.subarray(0, cut));
    client.submitRstStream(1, CANCEL);
    client.memRecv(response.subarray(cut));
    expect(events).toEqual([]);
    expect(client['machine'].isStreamOpen(1)).toBe(true);
    client.memSend();
    expect(events).toEqual([`close 1 ${CANCEL}`]);
  });
});
