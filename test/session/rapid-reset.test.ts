/**
 * Rapid reset (reset-budget.ts, config maxPeerStreamResets, default 1000):
 * a peer that opens streams and resets them itself before they complete
 * may do so that many times beyond the streams it lets complete; the reset
 * past it ends the session with GOAWAY INTERNAL_ERROR, as nghttp2's stream
 * reset rate limit does. Each reset costs a bounded amount: its callbacks
 * and nothing queued. spdylay has no such guard.
 */
import { describe, expect, it } from 'vitest';
import { CANCEL, CTRL_FLAG_FIN, InvalidArgumentError, PROTO_SPDY3, REFUSED_STREAM, SERVER, Session } from '../../src/index.js';
import { concat } from '../helpers/bytes.js';
import { EVERY_VERSION, client, machineOf, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

/** The peer opens stream `id` with a whole request and resets it at once. */
function openAndReset(h: Harness, id: number): Uint8Array {
  return concat(h.peer.synStream({ streamId: id, flags: CTRL_FLAG_FIN }), h.peer.rstStream(id, CANCEL));
}

function pairs(h: Harness, count: number, firstId = 1): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) parts.push(openAndReset(h, firstId + 2 * i));
  return concat(...parts);
}

const goaway = (version: number, lastGood: number) => `GOAWAY(${lastGood},${version === 2 ? 'OK' : 'INTERNAL_ERROR'})`;

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  it('1000 streams opened and reset go by; the 1001st reset ends the session, and what follows is not read', () => {
    const h = server(version);
    h.recv(pairs(h, 1000));
    expect(h.flush()).toEqual([]);
    h.log.take();
    h.recv(pairs(h, 2, 2001));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(2001)', 'request-recv 2001', 'ctrl-recv RST_STREAM(2001,CANCEL)', 'stream-close 2001 CANCEL']);
    expect(h.flushLabels()).toEqual([goaway(version, 2001)]);
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
  });

  it('each reset costs the same callbacks and leaves nothing behind: no stream, nothing queued', () => {
    const h = server(version);
    for (let i = 0; i < 999; i++) {
      const id = 1 + 2 * i;
      h.recv(openAndReset(h, id));
      expect(h.log.take()).toEqual([`ctrl-recv SYN_STREAM(${id})`, `request-recv ${id}`, `ctrl-recv RST_STREAM(${id},CANCEL)`, `stream-close ${id} CANCEL`]);
    }
    expect(h.session.getOutboundQueueSize()).toBe(0);
    expect(machineOf(h.session)['state'].streams.size).toBe(0);
  });

  it('a stream that completes gives one reset back', () => {
    const h = server(version, {
      config: { maxPeerStreamResets: 2 },
      callbacks: { onRequestRecvCb: (s, id) => id === 5 && s.submitResponse(id, [[':status', '200']]) },
    });
    h.recv(pairs(h, 2));
    h.recv(h.peer.synStream({ streamId: 5, flags: CTRL_FLAG_FIN }));
    h.flush(); // the response to 5: the stream completes
    expect(h.log.texts.at(-1)).toBe('stream-close 5 OK');
    h.recv(openAndReset(h, 7));
    expect(h.flushLabels()).toEqual([]);
    h.recv(openAndReset(h, 9));
    expect(h.flushLabels()).toEqual([goaway(version, 9)]);
  });

  it('resets of our own streams do not count, nor resets of streams that do not exist', () => {
    const c = client(version, { config: { maxPeerStreamResets: 1 } });
    for (let i = 0; i < 4; i++) c.session.submitRequest(0, [[':path', `/${i}`]]);
    c.flush();
    c.recv(...[1, 3, 5, 7].map((id) => c.peer.rstStream(id, REFUSED_STREAM)));
    expect(c.log.of('onStreamCloseCb')).toHaveLength(4);
    const s = server(version, { config: { maxPeerStreamResets: 1 } });
    s.recv(...[1, 3, 5, 7].map((id) => s.peer.rstStream(id, CANCEL)));
    expect(c.flush()).toEqual([]);
    expect(s.flush()).toEqual([]);
    expect(s.session.wantRead()).toBe(true);
  });
});

it('maxPeerStreamResets is an integer of at least 0; with 0 the first reset ends the session', () => {
  expect(() => new Session(SERVER, PROTO_SPDY3, { config: { maxPeerStreamResets: -1 } })).toThrow(
    new InvalidArgumentError('config.maxPeerStreamResets must be an integer 0..2147483647, got -1'),
  );
  const h = server(PROTO_SPDY3, { config: { maxPeerStreamResets: 0 } });
  h.recv(openAndReset(h, 1));
  expect(h.flushLabels()).toEqual(['GOAWAY(1,INTERNAL_ERROR)']);
});
