/**
 * The bound on the replies a session owes its peer (reply-backlog.ts,
 * config maxQueuedReplies, default 1000 as nghttp2's max_outbound_ack):
 * PING echoes, RST_STREAMs answering its frames, automatic WINDOW_UPDATEs.
 * At the bound the session stops reading (wantRead() false until memSend
 * takes some); a peer that keeps sending regardless is ended with GOAWAY
 * INTERNAL_ERROR. spdylay has no bound: a PING flood from a peer that never
 * reads grows its queue without end.
 */
import { describe, expect, it } from 'vitest';
import { DATA_FLAG_FIN, InvalidArgumentError, PROTO_SPDY3, Session, SERVER } from '../../src/index.js';
import { EVERY_VERSION, server } from '../helpers/harness.js';

/** `count` PINGs of the client's parity, ids 1, 3, 5, ... as one buffer. */
function pings(h: ReturnType<typeof server>, count: number, firstId = 1): Uint8Array {
  const one = h.peer.ping(firstId);
  const out = new Uint8Array(one.length * count);
  for (let i = 0; i < count; i++) out.set(h.peer.ping(firstId + 2 * i), i * one.length);
  return out;
}

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  it('200,000 PINGs to a session whose peer never reads: 1000 echoes queued, then GOAWAY INTERNAL_ERROR, the rest unread', () => {
    const h = server(version);
    const flood = pings(h, 200_000);
    expect(h.session.memRecv(flood)).toBe(flood.length);
    // The default bound: 1000 echoes, and the GOAWAY. Nothing else is kept.
    expect(h.session.getOutboundQueueSize()).toBe(1001);
    expect(h.log.of('onCtrlRecvCb')).toHaveLength(1000);
    const sent = h.flushLabels();
    expect(sent).toHaveLength(1001);
    expect(sent.slice(0, 2)).toEqual(['PING(1)', 'PING(3)']);
    expect(sent[999]).toBe('PING(1999)');
    expect(sent[1000]).toBe(version === 2 ? 'GOAWAY(0,OK)' : 'GOAWAY(0,INTERNAL_ERROR)');
  });

  it('the same flood in pieces of 100 PINGs: the same bound, the same frames', () => {
    const whole = server(version);
    whole.recv(pings(whole, 20_000));
    const cut = server(version);
    const flood = pings(cut, 20_000);
    const piece = 100 * 12;
    for (let at = 0; at < flood.length; at += piece) {
      cut.session.memRecv(flood.subarray(at, at + piece));
      expect(cut.session.getOutboundQueueSize()).toBeLessThanOrEqual(1001);
    }
    expect(cut.log.texts).toEqual(whole.log.texts);
    expect(cut.flushLabels()).toEqual(whole.flushLabels());
  });

  it('at the bound wantRead() is false until memSend takes the replies; a peer that waits goes on as before', () => {
    const h = server(version, { config: { maxQueuedReplies: 3 } });
    h.recv(pings(h, 3));
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, true]);
    expect(h.flushLabels()).toEqual(['PING(1)', 'PING(3)', 'PING(5)']);
    expect(h.session.wantRead()).toBe(true);
    h.recv(pings(h, 3, 7));
    expect(h.flushLabels()).toEqual(['PING(7)', 'PING(9)', 'PING(11)']);
    expect(h.log.of('onCtrlRecvCb')).toHaveLength(6);
  });

  it('a frame arriving at the bound, in the same buffer or a later one, fails the session and is not processed', () => {
    for (const later of [false, true]) {
      const h = server(version, { config: { maxQueuedReplies: 3 } });
      const settings = h.peer.settings(0, [[4, 0, 10]]);
      if (later) {
        h.recv(pings(h, 3));
        h.recv(settings);
      } else {
        h.recv(pings(h, 3), settings);
      }
      expect(h.log.take()).toEqual(['ctrl-recv PING(1)', 'ctrl-recv PING(3)', 'ctrl-recv PING(5)']);
      expect(h.flushLabels()).toEqual(['PING(1)', 'PING(3)', 'PING(5)', version === 2 ? 'GOAWAY(0,OK)' : 'GOAWAY(0,INTERNAL_ERROR)']);
      expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
    }
  });

  it('RST_STREAMs answering the peer count: DATA for streams that never opened', () => {
    const h = server(version, { config: { maxQueuedReplies: 2 } });
    h.recv(h.peer.data(1, 0, 1), h.peer.data(3, 0, 1), h.peer.data(5, 0, 1));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,INVALID_STREAM)', 'RST_STREAM(3,INVALID_STREAM)', version === 2 ? 'GOAWAY(0,OK)' : 'GOAWAY(0,INTERNAL_ERROR)']);
  });

  it('frames the application queues do not count: only the replies the peer caused', () => {
    const h = server(version, { config: { maxQueuedReplies: 2 } });
    for (let i = 0; i < 10; i++) h.session.submitPing();
    h.recv(h.peer.synStream({ streamId: 1 }));
    for (let i = 0; i < 10; i++) h.session.submitRstStream(1, 5 /* CANCEL */);
    expect(h.session.wantRead()).toBe(true);
    h.recv(h.peer.ping(1));
    expect(h.log.take().at(-1)).toBe('ctrl-recv PING(1)');
  });
});

it('automatic WINDOW_UPDATEs count (SPDY/3): two half-windows of DATA owe two', () => {
  const h = server(PROTO_SPDY3, { config: { maxQueuedReplies: 2 } });
  h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 32768), h.peer.data(1, 0, 32768));
  expect(h.session.wantRead()).toBe(false);
  h.recv(h.peer.data(1, DATA_FLAG_FIN, 0));
  expect(h.log.of('onRequestRecvCb')).toEqual([]);
  expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+32768)', 'WINDOW_UPDATE(1,+32768)', 'GOAWAY(1,INTERNAL_ERROR)']);
});

it('recv() stops asking recvCb for bytes once the session stops wanting to read', () => {
  let asked = 0;
  const peer = server(PROTO_SPDY3);
  const s = new Session(SERVER, PROTO_SPDY3, {
    config: { maxQueuedReplies: 3 },
    recvCb: () => (asked++, pings(peer, 3, 1 + 6 * asked)),
  });
  s.recv();
  expect(asked).toBe(1);
  expect([s.wantRead(), s.getOutboundQueueSize()]).toEqual([false, 3]);
});

it('maxQueuedReplies is an integer of at least 1', () => {
  expect(() => new Session(SERVER, PROTO_SPDY3, { config: { maxQueuedReplies: 0 } })).toThrow(
    new InvalidArgumentError('config.maxQueuedReplies must be an integer 1..2147483647, got 0'),
  );
  expect(() => new Session(SERVER, PROTO_SPDY3, { config: { maxQueuedReplies: 1.5 } })).toThrow(InvalidArgumentError);
});
