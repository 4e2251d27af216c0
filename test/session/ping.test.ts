/**
 * PING ids and replies (spdylay_submit_ping / get_next_unique_id,
 * spdylay_session_on_ping_received, after_frame_sent): our ids are odd on a
 * client and even on a server and wrap past 2^31-1; the peer's PING (its
 * parity) is echoed at top priority; the echo of our last PING is
 * reported once; id 0 and stale ids of ours are ignored.
 */
import { describe, expect, it } from 'vitest';
import { PROTO_SPDY3 } from '../../src/index.js';
import type { PingFrame } from '../../src/index.js';
import { EVERY_VERSION, client, server, skipIdsTo } from '../helpers/harness.js';

const V = PROTO_SPDY3;

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  it('a client\'s ids are 1, 3, 5; a server\'s 2, 4, 6', () => {
    const c = client(version);
    const s = server(version);
    for (let i = 0; i < 3; i++) {
      c.session.submitPing();
      s.session.submitPing();
    }
    expect(c.flushLabels()).toEqual(['PING(1)', 'PING(3)', 'PING(5)']);
    expect(s.flushLabels()).toEqual(['PING(2)', 'PING(4)', 'PING(6)']);
  });

  it('the peer\'s PING is echoed with its id; the callback fires after the echo is queued', () => {
    let queued = -1;
    const h = client(version, { callbacks: { onCtrlRecvCb: (s) => (queued = s.getOutboundQueueSize()) } });
    h.recv(h.peer.ping(2));
    expect(h.log.take()).toEqual(['ctrl-recv PING(2)']);
    expect(queued).toBe(1);
    expect(h.flushLabels()).toEqual(['PING(2)']);
    expect((h.log.frames('onCtrlRecvCb')[0] as PingFrame).uniqueId).toBe(2);
  });

  it('the echo of our PING is reported and not echoed back', () => {
    const h = client(version);
    h.session.submitPing();
    h.flush();
    h.log.take();
    h.recv(h.peer.ping(1));
    expect(h.log.take()).toEqual(['ctrl-recv PING(1)']);
    expect(h.flush()).toEqual([]);
  });

  it('a second echo of the same PING is ignored', () => {
    const h = client(version);
    h.session.submitPing();
    h.flush();
    h.recv(h.peer.ping(1));
    h.log.take();
    h.recv(h.peer.ping(1));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });

  it('only the latest PING of ours is tracked: an echo of an older one is ignored', () => {
    const h = server(version);
    h.session.submitPing();
    h.session.submitPing();
    h.flush();
    h.log.take();
    h.recv(h.peer.ping(2), h.peer.ping(4));
    expect(h.log.take()).toEqual(['ctrl-recv PING(4)']);
  });

  it('an echo that arrives before our PING is even sent is ignored', () => {
    const h = client(version);
    h.session.submitPing(); // queued, not sent
    h.recv(h.peer.ping(1));
    expect(h.log.take()).toEqual([]);
    expect(h.flushLabels()).toEqual(['PING(1)']);
  });

  it('PING id 0 is ignored', () => {
    const h = server(version);
    h.recv(h.peer.ping(0));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });

  it('ids are unsigned 32-bit on the wire: the peer\'s 2^32-1 is echoed as such', () => {
    const h = server(version);
    h.recv(h.peer.ping(0xffffffff));
    expect(h.flushLabels()).toEqual(['PING(4294967295)']);
  });
});

describe('details', () => {
  it('the peer may send the same PING twice before we answer: each gets an echo', () => {
    const h = client(V);
    h.recv(h.peer.ping(2), h.peer.ping(2));
    expect(h.flushLabels()).toEqual(['PING(2)', 'PING(2)']);
  });

  it('our echo of the peer\'s PING is not taken for a PING of ours: the same id again is echoed again', () => {
    // spdylay records every PING it sends, echoes included, and would take
    // this for the reply to "its" PING; only PINGs of our parity count here
    // (send.ts), so crossing PINGs keep working.
    const h = client(V);
    h.recv(h.peer.ping(2));
    h.flush();
    h.log.take();
    h.recv(h.peer.ping(2));
    expect(h.log.take()).toEqual(['ctrl-recv PING(2)']);
    expect(h.flushLabels()).toEqual(['PING(2)']);
  });

  it('crossing PINGs: the echo of ours is recognised after we echoed theirs', () => {
    const h = client(V);
    h.session.submitPing();
    h.recv(h.peer.ping(2));
    expect(h.flushLabels()).toEqual(['PING(1)', 'PING(2)']); // same priority: submission order
    h.log.take();
    h.recv(h.peer.ping(1));
    expect(h.log.take()).toEqual(['ctrl-recv PING(1)']);
    expect(h.flush()).toEqual([]);
  });

  it('our ids wrap past 2^31-1 back to the first of our parity', () => {
    const c = client(V);
    skipIdsTo(c.session, { pingId: 2 ** 31 - 1 });
    c.session.submitPing();
    c.session.submitPing();
    expect(c.flushLabels()).toEqual([`PING(${2 ** 31 - 1})`, 'PING(1)']);
    const s = server(V);
    skipIdsTo(s.session, { pingId: 2 ** 31 - 2 });
    s.session.submitPing();
    s.session.submitPing();
    expect(s.flushLabels()).toEqual([`PING(${2 ** 31 - 2})`, 'PING(2)']);
  });

  it('a PING of the other version is ignored', () => {
    const h = server(V);
    h.recv(h.peer.ping(1, 2));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });

  it('the echo goes ahead of everything else queued', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynReply(0, 1, [[':status', '200']]);
    h.session.submitSettings(0, []);
    h.recv(h.peer.ping(3));
    expect(h.flushLabels()).toEqual(['PING(3)', 'SETTINGS', 'SYN_REPLY(1)']);
  });
});
