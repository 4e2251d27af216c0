/**
 * SessionMachine.failureReason: when the session ends itself with a GOAWAY,
 * it says why in words, because the GOAWAY's status cannot: a PING flood, a
 * rapid reset and a data source that threw all end in INTERNAL_ERROR, and
 * SPDY/2's GOAWAY carries no status at all. Null while the session has not
 * failed, and when the application ended it.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  CTRL_FLAG_FIN,
  CallbackFailureError,
  DataProvider,
  GOAWAY_PROTOCOL_ERROR,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SETTINGS,
} from '../../src/index.js';
import { EVERY_VERSION, client, machineOf, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

const reason = (h: Harness) => machineOf(h.session).failureReason;

const request = (h: Harness, streamId: number, flags = CTRL_FLAG_FIN) =>
  h.peer.synStream({ streamId, flags, nv: [[':method', 'POST'], [':path', '/'], [':version', 'HTTP/1.1'], [':host', 'x'], [':scheme', 'http']] });

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  it('a PING flood past maxQueuedReplies names the bound', () => {
    const h = server(version, { config: { maxQueuedReplies: 10 } });
    const pings: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) pings.push(h.peer.ping(1 + 2 * i));
    h.recv(...pings);
    expect(reason(h)).toBe('the peer kept sending while 10 replies to it were unsent (maxQueuedReplies)');
  });

  it('a rapid reset past maxPeerStreamResets names the bound', () => {
    const h = server(version, { config: { maxPeerStreamResets: 2 } });
    const frames: Uint8Array[] = [];
    for (let id = 1; id <= 5; id += 2) frames.push(request(h, id), h.peer.rstStream(id, CANCEL));
    h.recv(...frames);
    expect(reason(h)).toBe('the peer reset more than 2 streams it opened before they completed (maxPeerStreamResets)');
  });

  it('a stream id going backwards names the ids', () => {
    const h = server(version);
    h.recv(request(h, 5), request(h, 3));
    expect(reason(h)).toBe("SYN_STREAM for stream 3, an id not above the peer's last (5) or of our parity");
  });

  it('DATA on stream 0', () => {
    const h = server(version);
    h.recv(h.peer.data(0, 0, 10));
    expect(reason(h)).toBe('DATA on stream 0');
  });

  it('a control frame that cannot be parsed names its type', () => {
    const h = server(version);
    // SETTINGS announcing 5 entries and carrying none.
    h.recv(h.peer.raw(SETTINGS, 0, new Uint8Array([0, 0, 0, 5])));
    expect(reason(h)).toMatch(/^unparsable SETTINGS frame \(.+\)$/);
  });

  it('a data source that throws names its stream', () => {
    const h = client(version);
    h.session.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(null, () => {
        throw new CallbackFailureError();
      }),
    );
    expect(() => h.session.memSend()).toThrow(CallbackFailureError);
    expect(reason(h)).toBe('the data source of stream 1 threw');
  });

  it('null while the session goes on, and when the application ends it', () => {
    const h = server(version);
    h.recv(h.peer.ping(1), request(h, 1));
    expect(reason(h)).toBeNull();
    h.session.failSession(GOAWAY_PROTOCOL_ERROR);
    h.flush();
    expect(reason(h)).toBeNull();
  });

  it('the first reason stays: a failed session reads nothing more', () => {
    const h = server(version);
    h.recv(h.peer.data(0, 0, 10), request(h, 5), request(h, 3));
    expect(reason(h)).toBe('DATA on stream 0');
  });
});

describe('SPDY/3.1 flow control', () => {
  it('DATA overrunning the session window names the stream and the size', () => {
    const h = server(PROTO_SPDY3_1, { config: { sessionWindowOverrunTolerance: 0 } });
    // Two streams each within their own 64 KiB window, together past the session's.
    h.recv(request(h, 1, 0), request(h, 3, 0), h.peer.data(1, 0, 40_000), h.peer.data(3, 0, 40_000));
    expect(reason(h)).toBe("DATA of 40000 bytes on stream 3 overran the session's receive window");
  });

  it('a session WINDOW_UPDATE that overflows the send window names the delta', () => {
    const h = server(PROTO_SPDY3_1);
    h.recv(h.peer.windowUpdate(0, 0x7fffffff));
    expect(reason(h)).toBe('a session WINDOW_UPDATE of 2147483647 that overflows the send window');
  });
});

it('SPDY/3: the reason is kept whatever the GOAWAY says', () => {
  const h = server(PROTO_SPDY3);
  h.recv(h.peer.data(0, 0, 1));
  expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  expect(reason(h)).toBe('DATA on stream 0');
});
