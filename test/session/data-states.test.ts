/**
 * DATA before a reply or after FIN. spdylay fails the whole session for
 * both; we answer with stream errors instead (draft 3 §2.2.2 and
 * §2.3.6): RST_STREAM PROTOCOL_ERROR before SYN_REPLY, and
 * STREAM_ALREADY_CLOSED after FIN (PROTOCOL_ERROR in SPDY/2). These tests
 * follow the consequences: nothing is delivered, one RST per stream, the
 * stream closes with our status, and the session lives on.
 */
import { describe, expect, it } from 'vitest';
import { CTRL_FLAG_FIN, DATA_FLAG_FIN, PROTO_SPDY2, PROTO_SPDY3_1 } from '../../src/index.js';
import { ascii } from '../helpers/bytes.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { describeStream } from '../helpers/stream-states.js';

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  const afterFin = version === PROTO_SPDY2 ? 'PROTOCOL_ERROR' : 'STREAM_ALREADY_CLOSED';

  describe('DATA before SYN_REPLY', () => {
    const early = (): Harness => {
      const h = client(version);
      h.session.submitSynStream(0, 0, [[':path', '/']]);
      h.flush();
      h.log.take();
      return h;
    };

    it('is reset PROTOCOL_ERROR, delivers nothing, and closes the stream with that status', () => {
      const h = early();
      const frame = h.peer.data(1, 0, ascii('early bytes'));
      h.session.memRecv(frame.subarray(0, 12));
      h.session.memRecv(frame.subarray(12));
      expect(h.log.take()).toEqual([]);
      expect(describeStream(h)).toBe('CLOSING');
      expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
      expect(h.log.take().at(-1)).toBe('stream-close 1 PROTOCOL_ERROR');
      expect(h.session.wantRead()).toBe(true);
    });

    it('a SYN_REPLY arriving after it, while our RST is queued, is dropped', () => {
      const h = early();
      h.recv(h.peer.data(1, 0, ascii('x')), h.peer.synReply({ streamId: 1 }), h.peer.data(1, DATA_FLAG_FIN, ascii('y')));
      expect(h.log.take()).toEqual([]);
      expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
    });

    it('other streams are not affected', () => {
      const h = early();
      h.session.submitSynStream(CTRL_FLAG_FIN, 0, [[':path', '/2']]);
      h.flush();
      h.log.take();
      h.recv(h.peer.data(1, 0, ascii('x')), h.peer.synReply({ streamId: 3, flags: CTRL_FLAG_FIN }));
      expect(h.log.take()).toEqual(['ctrl-recv SYN_REPLY(3)', 'stream-close 3 OK']);
    });
  });

  describe('DATA after FIN', () => {
    const finishedBy: Array<[string, (h: Harness) => void]> = [
      ['SYN_STREAM with FIN', (h) => h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }))],
      ['DATA with FIN', (h) => h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, DATA_FLAG_FIN, ascii('end')))],
      ['HEADERS with FIN', (h) => h.recv(h.peer.synStream({ streamId: 1 }), h.peer.headers({ streamId: 1, flags: CTRL_FLAG_FIN }))],
    ];

    it.each(finishedBy)('(their stream finished by %s) is reset once, delivering nothing', (_how, finish) => {
      const h = server(version);
      finish(h);
      h.log.take();
      h.recv(h.peer.data(1, 0, ascii('one')), h.peer.data(1, 0, ascii('two')), h.peer.data(1, DATA_FLAG_FIN, 0));
      expect(h.log.take()).toEqual([]);
      expect(h.flushLabels()).toEqual([`RST_STREAM(1,${afterFin})`]);
    });

    it('(our stream finished by SYN_REPLY with FIN) is reset the same', () => {
      const h = client(version);
      h.session.submitSynStream(0, 0, [[':path', '/']]);
      h.flush();
      h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }));
      h.log.take();
      h.recv(h.peer.data(1, 0, ascii('late')));
      expect(h.log.take()).toEqual([]);
      expect(h.flushLabels()).toEqual([`RST_STREAM(1,${afterFin})`]);
    });

    it('on a stream closed both ways it is DATA for a stream that is not open: INVALID_STREAM', () => {
      const h = server(version);
      h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
      h.session.submitResponse(1, [[':status', '200']]);
      h.flush();
      h.recv(h.peer.data(1, 0, ascii('late')));
      expect(h.flushLabels()).toEqual(['RST_STREAM(1,INVALID_STREAM)']);
    });
  });
});

describe('SPDY/3.1', () => {
  it('refused DATA still counts against the session window, as the peer counted it', () => {
    const h = server(PROTO_SPDY3_1);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.flush();
    h.recv(h.peer.data(1, 0, 40_000));
    // The RST_STREAM takes the stream's priority (0); the session WINDOW_UPDATE the lowest.
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,STREAM_ALREADY_CLOSED)', 'WINDOW_UPDATE(0,+40000)']);
  });
});
