/**
 * The documented departures from spdylay (docs/behaviour.md), one test
 * named for each, so that a change in any of them shows up by name. Each
 * name says what we do and what spdylay does instead.
 */
import { describe, expect, it } from 'vitest';
import {
  CallbackFailureError,
  CLIENT,
  CTRL_FLAG_FIN,
  DATA_FLAG_FIN,
  DataProvider,
  ERR_DEFERRED,
  ERR_STREAM_ID_NOT_AVAILABLE,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  InvalidArgumentError,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SERVER,
  Session,
  SpdylayError,
  TemporalCallbackFailureError,
} from '../../src/index.js';
import type { GoawayFrame, SynStreamFrame } from '../../src/index.js';
import { ascii, hex } from '../helpers/bytes.js';
import { EVERY_VERSION, client, server, skipIdsTo } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';
import { describeStream } from '../helpers/stream-states.js';

describe('DATA that spdylay ignores or answers with GOAWAY', () => {
  it('DATA on a stream that is not open gets INVALID_STREAM (spdylay ignores it)', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.data(1, 0, ascii('never opened')));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,INVALID_STREAM)']);
    // A stream that existed and closed is "not open" too.
    h.recv(h.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN }));
    h.session.submitResponse(3, [[':status', '200']]);
    h.flush();
    expect(h.stream(3)).toBeUndefined();
    h.recv(h.peer.data(3, DATA_FLAG_FIN, ascii('closed')));
    expect(h.flushLabels()).toEqual(['RST_STREAM(3,INVALID_STREAM)']);
    expect(h.log.of('onDataChunkRecvCb')).toEqual([]);
    expect(h.log.of('onDataRecvCb')).toEqual([]);
  });

  it('DATA on a stream that is not open is dropped silently once we have sent GOAWAY (as spdylay)', () => {
    const h = server(PROTO_SPDY3);
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    h.recv(h.peer.data(1, 0, ascii('late')));
    expect(h.flush()).toEqual([]);
  });

  it('DATA on stream 0 fails the session with GOAWAY PROTOCOL_ERROR (spdylay ignores it)', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.data(0, 0, ascii('x')));
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });

  it('DATA before SYN_REPLY on our stream gets RST_STREAM PROTOCOL_ERROR (spdylay fails the session)', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.recv(h.peer.data(1, 0, ascii('too early')));
    expect(h.log.of('onDataChunkRecvCb')).toEqual([]);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
    expect(h.session.wantRead()).toBe(true); // the session lives on
    expect(h.log.texts.at(-1)).toBe('stream-close 1 PROTOCOL_ERROR');
  });

  it('DATA after the peer\'s FIN gets STREAM_ALREADY_CLOSED in SPDY/3 (spdylay fails the session)', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }), h.peer.data(1, 0, ascii('after FIN')));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,STREAM_ALREADY_CLOSED)']);
  });

  it('DATA after the peer\'s FIN gets PROTOCOL_ERROR in SPDY/2, which lacks STREAM_ALREADY_CLOSED (spdylay fails the session)', () => {
    const h = server(PROTO_SPDY2);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }), h.peer.data(1, 0, ascii('after FIN')));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
  });

  it('frames on a CLOSING stream (our RST_STREAM queued) are dropped silently, as spdylay', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitRstStream(1, 5);
    h.log.take();
    h.recv(h.peer.data(1, 0, ascii('x')), h.peer.headers({ streamId: 1, nv: [['a', 'b']] }), h.peer.data(1, DATA_FLAG_FIN, 0));
    expect(h.log.take()).toEqual([]);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,CANCEL)']);
  });
});

describe('receive windows are enforced (spdylay never checks)', () => {
  it('a peer overrunning a stream window gets FLOW_CONTROL_ERROR (spdylay never checks)', () => {
    const h = server(PROTO_SPDY3, { config: { autoWindowUpdate: false } });
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 65_536));
    expect(h.flush()).toEqual([]);
    h.log.take();
    h.recv(h.peer.data(1, 0, 1));
    expect(h.log.take()).toEqual([]); // the overrunning bytes are not delivered
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FLOW_CONTROL_ERROR)']);
    expect(h.log.texts.at(-1)).toBe('stream-close 1 FLOW_CONTROL_ERROR');
  });

  it('a peer overrunning a stream window gets FLOW_CONTROL_ERROR even with automatic WINDOW_UPDATE, within one burst', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 65_537));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FLOW_CONTROL_ERROR)']);
  });

  it('a WINDOW_UPDATE we queued but have not sent grants nothing yet: the peer cannot count on it', () => {
    const h = server(PROTO_SPDY3);
    // 40,000 bytes queue an automatic WINDOW_UPDATE; it is not written before
    // the next 30,000 arrive, so those overrun the 65,536 the peer was given.
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 40_000), h.peer.data(1, 0, 30_000));
    // (The queued WINDOW_UPDATE is then dropped: its stream is being reset.)
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FLOW_CONTROL_ERROR)']);
    // Written first, the same WINDOW_UPDATE makes room for them.
    const g = server(PROTO_SPDY3);
    g.recv(g.peer.synStream({ streamId: 1 }), g.peer.data(1, 0, 40_000));
    expect(g.flushLabels()).toEqual(['WINDOW_UPDATE(1,+40000)']);
    g.recv(g.peer.data(1, 0, 30_000));
    expect(g.flushLabels()).toEqual([]);
  });

  it('the window we grant is what the peer may send: our WINDOW_UPDATE and a larger INITIAL_WINDOW_SIZE widen it', () => {
    const h = server(PROTO_SPDY3, { config: { autoWindowUpdate: false } });
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 65_536));
    h.session.submitWindowUpdate(1, 1000);
    h.session.submitSettings(0, [[7, 0, 65_536 + 500]]);
    h.flush();
    h.recv(h.peer.data(1, 0, 1500));
    expect(h.flush()).toEqual([]);
    h.recv(h.peer.data(1, 0, 1));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FLOW_CONTROL_ERROR)']);
  });

  it('a peer overrunning the session window gets GOAWAY PROTOCOL_ERROR (SPDY/3.1; spdylay never checks)', () => {
    const h = server(PROTO_SPDY3_1, { config: { autoWindowUpdate: false } });
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3 }));
    h.session.submitSettings(0, [[7, 0, 1 << 20]]); // stream windows are not the limit
    h.flush();
    h.recv(h.peer.data(1, 0, 40_000), h.peer.data(3, 0, 25_536));
    expect(h.flush()).toEqual([]);
    h.log.take();
    h.recv(h.peer.data(3, 0, 1), h.peer.data(1, 0, 10));
    expect(h.log.take()).toEqual([]);
    expect(h.flushLabels()).toEqual(['GOAWAY(3,PROTOCOL_ERROR)']);
  });
});

describe('GOAWAY and stream ids', () => {
  it('GOAWAY closes our streams above last-good-stream-id with REFUSED_STREAM (spdylay leaves them open)', () => {
    const h = client(PROTO_SPDY3);
    for (const path of ['/1', '/3', '/5']) h.session.submitRequest(0, [[':path', path]]);
    h.flush();
    h.log.take();
    h.recv(h.peer.goaway(1));
    expect(h.log.take()).toEqual(['ctrl-recv GOAWAY(1,OK)', 'stream-close 3 REFUSED_STREAM', 'stream-close 5 REFUSED_STREAM']);
    expect(describeStream(h, 1)).toBe('OPENING,WR');
    expect((h.log.frames('onCtrlRecvCb')[0] as GoawayFrame).lastGoodStreamId).toBe(1);
  });

  it('GOAWAY leaves the peer\'s own streams alone', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3 }), h.peer.goaway(0));
    expect(h.log.of('onStreamCloseCb')).toEqual([]);
    expect([describeStream(h, 1), describeStream(h, 3)]).toEqual(['OPENING', 'OPENING']);
  });

  it('stream ids are assigned at send time, in send order (spdylay 1.4 assigns them at submit)', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(7, [[':path', '/first-submitted']]);
    h.session.submitRequest(0, [[':path', '/second-submitted']]);
    h.flush();
    const sent = h.log.frames('onCtrlSendCb') as SynStreamFrame[];
    expect(sent.map((f) => [f.streamId, f.nv[0]![1]])).toEqual([
      [1, '/second-submitted'],
      [3, '/first-submitted'],
    ]);
  });

  it('running out of stream ids throws ERR_STREAM_ID_NOT_AVAILABLE at submit (spdylay reports it at send)', () => {
    const s = new Session(CLIENT, PROTO_SPDY3);
    skipIdsTo(s, { streamId: 2 ** 31 + 1 });
    let thrown: unknown;
    try {
      s.submitRequest(0, [[':path', '/']]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpdylayError);
    expect((thrown as SpdylayError).code).toBe(ERR_STREAM_ID_NOT_AVAILABLE);
  });

  it('SPDY/2 accepts spdy-transport\'s 8-byte GOAWAY', () => {
    const h = client(PROTO_SPDY2);
    h.recv(hex('80 02 00 07 00 00 00 08  00 00 00 00  00 00 00 01'));
    // SPDY/2's GOAWAY has no status field: the frame reports 0 whatever the extra bytes say.
    expect(h.log.take()).toEqual(['ctrl-recv GOAWAY(0,OK)']);
    expect((h.log.frames('onCtrlRecvCb')[0] as GoawayFrame).statusCode).toBe(0);
    expect(h.flush()).toEqual([]);
  });
});

describe('the send side', () => {
  it('a DataProvider that returns no bytes without EOF sends nothing and is asked again on the next send pass (spdylay spins sending empty frames)', () => {
    const h = client(PROTO_SPDY3);
    let calls = 0;
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => (calls++, new Uint8Array(0))));
    const first = h.reader.read(h.session.memSend()!);
    expect(first.filter((e) => e.e === 'data')).toEqual([]);
    expect(calls).toBe(1);
    expect(h.session.memSend()).toBeNull();
    expect(calls).toBe(2);
  });

  it('wantWrite stays true until the failing GOAWAY is sent (spdylay reports false)', () => {
    const h = client(PROTO_SPDY3);
    h.session.failSession(GOAWAY_PROTOCOL_ERROR);
    expect(h.session.wantRead()).toBe(false);
    expect(h.session.wantWrite()).toBe(true);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
    expect(h.session.wantWrite()).toBe(false);
  });

  it('wantWrite stays true while RST_STREAMs queued after the peer\'s GOAWAY are unsent (spdylay reports false)', () => {
    const h = client(PROTO_SPDY3);
    // The PING's echo is still to be written, so the session is not over and reads on.
    h.recv(h.peer.ping(2), h.peer.goaway(0));
    h.recv(h.peer.synReply({ streamId: 1 })); // no such stream: RST_STREAM PROTOCOL_ERROR queued
    expect(h.session.wantWrite()).toBe(true);
    expect(h.flushLabels()).toEqual(['PING(2)', 'RST_STREAM(1,PROTOCOL_ERROR)']);
    expect(h.session.wantWrite()).toBe(false);
  });

  it('an exception thrown by a callback is rethrown after the call has finished its work (python-spdylay re-raises after the C call)', () => {
    const oops = new Error('in callback');
    const h = server(PROTO_SPDY3, {
      callbacks: {
        onCtrlRecvCb: () => {
          throw oops;
        },
      },
    });
    expect(() => h.recv(h.peer.ping(1), h.peer.ping(3))).toThrow(oops);
    expect(h.flushLabels()).toEqual(['PING(1)', 'PING(3)']);
  });

  it('readCb throwing TemporalCallbackFailureError resets the stream with INTERNAL_ERROR; anything else queues GOAWAY INTERNAL_ERROR and is rethrown', () => {
    const t = client(PROTO_SPDY3);
    t.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => {
      throw new TemporalCallbackFailureError();
    }));
    expect(t.flushLabels()).toEqual(['SYN_STREAM(1)', 'RST_STREAM(1,INTERNAL_ERROR)']);
    const f = client(PROTO_SPDY3);
    const fatal = new CallbackFailureError();
    f.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => {
      throw fatal;
    }));
    expect(() => f.session.memSend()).toThrow(fatal);
    expect(f.flushLabels()).toEqual(['SYN_STREAM(1)', 'GOAWAY(0,INTERNAL_ERROR)']);
  });

  it('resumeData returns true when resumed, false while the DATA waits for window, and throws InvalidArgumentError without deferred DATA', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => ERR_DEFERRED));
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(70_000));
    h.flush();
    expect(h.session.resumeData(1)).toBe(true);
    expect(h.session.resumeData(3)).toBe(false);
    expect(() => h.session.resumeData(5)).toThrow(InvalidArgumentError);
  });
});

describe('frames without a callback', () => {
  it('received NOOP and CREDENTIAL fire no callback', () => {
    const h2 = server(PROTO_SPDY2);
    h2.recv(h2.peer.noop());
    const h3 = new Session(SERVER, PROTO_SPDY3, {
      onCtrlRecvCb: () => {
        throw new Error('no callback expected');
      },
    });
    const peer = server(PROTO_SPDY3).peer;
    h3.memRecv(peer.credential(1, ascii('proof'), [ascii('cert')]));
    expect(h2.log.texts).toEqual([]);
    expect(h3.memSend()).toBeNull();
    expect(h2.flush()).toEqual([]);
  });

  it('a malformed CREDENTIAL is ignored (spdylay: parse error, GOAWAY), in every version, whatever its size', () => {
    for (const { version } of EVERY_VERSION) {
      const h = server(version, { config: { maxControlFrameLength: 64 } });
      h.recv(
        h.peer.rawCredential(new Uint8Array(0)),
        h.peer.rawCredential(hex('00 01 ff ff ff ff 00 00 00 00')), // the proof runs past the end
        h.peer.rawCredential(hex('00 01 00 00 00 00')), // no certificate
        h.peer.rawCredential(new Uint8Array(100_000)), // over maxControlFrameLength
        h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [[':path', '/']] }),
        h.peer.ping(1),
      );
      expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1', 'ctrl-recv PING(1)']);
      expect(h.flushLabels()).toEqual(['PING(1)']);
      expect(h.session.wantRead()).toBe(true);
    }
  });
});
