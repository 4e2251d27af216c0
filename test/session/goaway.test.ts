/**
 * GOAWAY, sent and received (spdylay_submit_goaway,
 * spdylay_session_on_goaway_received, the goaway_flags checks): what is
 * refused afterwards, what carries on, and the last-good-stream-id we send.
 * The REFUSED_STREAM close of our streams above the peer's last-good id is
 * a departure, tested in departures.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  DATA_FLAG_FIN,
  ERR_GOAWAY_ALREADY_SENT,
  ERR_SYN_STREAM_NOT_ALLOWED,
  GOAWAY,
  GOAWAY_INTERNAL_ERROR,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  PROTO_SPDY2,
  PROTO_SPDY3,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SessionMachine,
} from '../../src/index.js';
import type { GoawayFrame } from '../../src/index.js';
import { ascii } from '../helpers/bytes.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { client, server } from '../helpers/harness.js';

const V = PROTO_SPDY3;

describe('the GOAWAY we send', () => {
  it('names the highest stream id the peer had opened when submitGoaway was called', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3 }));
    h.session.submitGoaway(GOAWAY_OK);
    h.recv(h.peer.synStream({ streamId: 5 })); // after the submit, before the send
    expect(h.flushLabels()).toEqual(['GOAWAY(3,OK)']);
  });

  it('counts an id the peer used even when we refused its stream', () => {
    const h = server(V);
    h.session.submitSettings(0, [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, 0]]);
    h.recv(h.peer.synStream({ streamId: 7 }));
    h.session.submitGoaway(GOAWAY_OK);
    expect(h.flushLabels()).toEqual(['SETTINGS', 'RST_STREAM(7,REFUSED_STREAM)', 'GOAWAY(7,OK)']);
  });

  it('is 0 when the peer opened nothing; the status travels in SPDY/3 only', () => {
    const h = client(V);
    h.session.submitGoaway(GOAWAY_PROTOCOL_ERROR);
    expect(framesOfType(h.flush(), GOAWAY)[0]).toMatchObject({ lastGoodStreamId: 0, statusCode: 1, length: 8 });
    const h2 = client(PROTO_SPDY2);
    h2.session.submitGoaway(GOAWAY_PROTOCOL_ERROR);
    expect(framesOfType(h2.flush(), GOAWAY)[0]).toMatchObject({ lastGoodStreamId: 0, statusCode: 0, length: 4 });
  });

  it('SPDY/2 has no status field: the GoawayFrame every callback gets reports 0, whatever was asked (SPDY/3 reports it)', () => {
    for (const version of [PROTO_SPDY2, PROTO_SPDY3]) {
      const h = client(version);
      h.session.failSession(GOAWAY_PROTOCOL_ERROR);
      h.session.submitGoaway(GOAWAY_INTERNAL_ERROR);
      h.flush();
      const reported = [...h.log.frames('beforeCtrlSendCb'), ...h.log.frames('onCtrlSendCb'), ...h.log.frames('onCtrlNotSendCb')] as GoawayFrame[];
      expect(reported.map((f) => f.statusCode)).toEqual(
        version === PROTO_SPDY2 ? [GOAWAY_OK, GOAWAY_OK, GOAWAY_OK] : [GOAWAY_PROTOCOL_ERROR, GOAWAY_PROTOCOL_ERROR, GOAWAY_INTERNAL_ERROR],
      );
    }
  });

  it("the machine's record of a GOAWAY we send in SPDY/2 keeps the code it was queued with (why we sent it); the wire has none", () => {
    const sent: number[] = [];
    const machine = new SessionMachine(CLIENT, PROTO_SPDY2, (event) => {
      if (event.type === 'ctrl-send' && event.frame.type === GOAWAY) sent.push(event.frame.statusCode);
    });
    machine.failSession(GOAWAY_PROTOCOL_ERROR);
    const bytes = machine.memSend()!;
    expect(sent).toEqual([GOAWAY_PROTOCOL_ERROR]);
    expect(bytes.length).toBe(12); // head and last-good-stream-id only
  });

  it('a second GOAWAY is not sent: ERR_GOAWAY_ALREADY_SENT (also after failSession)', () => {
    const h = client(V);
    h.session.failSession(GOAWAY_PROTOCOL_ERROR);
    h.flush();
    h.session.submitGoaway(GOAWAY_OK);
    expect(h.flush()).toEqual([]);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_GOAWAY_ALREADY_SENT]);
  });
});

describe('after our GOAWAY is sent', () => {
  const afterGoaway = () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }));
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    h.log.take();
    return h;
  };

  it('a new SYN_STREAM from the peer is ignored: no callback, no RST_STREAM, id not recorded', () => {
    const h = afterGoaway();
    h.recv(h.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN }));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
    // Not recorded: a GOAWAY submitted now would still name stream 1 (refused, as ours is out).
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.text)).toEqual(['ctrl-not-send GOAWAY(1,OK) ERR_GOAWAY_ALREADY_SENT']);
  });

  it('DATA for such a stream is dropped without RST_STREAM', () => {
    const h = afterGoaway();
    h.recv(h.peer.synStream({ streamId: 3 }), h.peer.data(3, 0, ascii('late')));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });

  it('streams already open carry on both ways', () => {
    const h = afterGoaway();
    h.recv(h.peer.data(1, DATA_FLAG_FIN, ascii('body')));
    h.session.submitResponse(1, [[':status', '200']]);
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)']);
    expect(h.log.take()).toEqual([
      'data-chunk-recv 1,len=4,FIN',
      'data-recv 1,len=4,FIN',
      'request-recv 1',
      'before-ctrl-send SYN_REPLY(1)',
      'ctrl-send SYN_REPLY(1)',
      'stream-close 1 OK',
    ]);
  });

  it('our own new streams are refused: ERR_SYN_STREAM_NOT_ALLOWED', () => {
    const h = afterGoaway();
    h.session.submitSynStream(2 /* UNIDIRECTIONAL */, 0, [[':path', '/p']], 1);
    expect(h.flush()).toEqual([]);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_SYN_STREAM_NOT_ALLOWED]);
  });

  it('PINGs are still answered', () => {
    const h = afterGoaway();
    h.recv(h.peer.ping(5));
    expect(h.flushLabels()).toEqual(['PING(5)']);
  });
});

describe('after the peer\'s GOAWAY', () => {
  it('a SPDY/2 GOAWAY, 4 bytes or spdy-transport\'s 8, is reported with statusCode 0', () => {
    const h = client(PROTO_SPDY2);
    h.recv(h.peer.goaway(3));
    const frame = h.log.frames('onCtrlRecvCb')[0] as GoawayFrame;
    expect([frame.length, frame.lastGoodStreamId, frame.statusCode]).toEqual([4, 3, GOAWAY_OK]);
    const h8 = client(PROTO_SPDY2);
    h8.recv(h8.peer.raw(GOAWAY, 0, Uint8Array.of(0, 0, 0, 3, 0, 0, 0, 2)));
    const frame8 = h8.log.frames('onCtrlRecvCb')[0] as GoawayFrame;
    expect([frame8.length, frame8.lastGoodStreamId, frame8.statusCode]).toEqual([8, 3, GOAWAY_OK]);
  });

  it('is reported with its fields and acted on: our streams above its last-good-stream-id close', () => {
    const h = client(V);
    for (let i = 0; i < 4; i++) h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.log.take();
    h.recv(h.peer.goaway(5, GOAWAY_PROTOCOL_ERROR));
    expect(h.log.take()).toEqual(['ctrl-recv GOAWAY(5,PROTOCOL_ERROR)', 'stream-close 7 REFUSED_STREAM']);
    const frame = h.log.frames('onCtrlRecvCb')[0] as GoawayFrame;
    expect([frame.lastGoodStreamId, frame.statusCode]).toEqual([5, GOAWAY_PROTOCOL_ERROR]);
    expect([1, 3, 5, 7].map((id) => h.stream(id) !== undefined)).toEqual([true, true, true, false]);
  });

  it('new streams of the peer are ignored; ours queued or new are refused', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/queued']]);
    h.recv(h.peer.goaway(0));
    h.session.submitRequest(0, [[':path', '/new']]);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: 2 }));
    expect(h.flush()).toEqual([]);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_SYN_STREAM_NOT_ALLOWED, ERR_SYN_STREAM_NOT_ALLOWED]);
    expect(h.log.of('onCtrlRecvCb').length).toBe(1); // the GOAWAY only
  });

  it('our streams at or below last-good-stream-id carry on', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/1']]);
    h.session.submitRequest(0, [[':path', '/3']]);
    h.flush();
    h.recv(h.peer.goaway(3));
    h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }), h.peer.synReply({ streamId: 3 }), h.peer.data(3, DATA_FLAG_FIN, ascii('x')));
    expect(h.log.of('onStreamCloseCb').map((e) => e.text)).toEqual(['stream-close 1 OK', 'stream-close 3 OK']);
  });

  it('a GOAWAY of the other version is ignored', () => {
    const h = client(V);
    h.recv(h.peer.goaway(0, 0, 2));
    expect(h.log.take()).toEqual([]);
    expect(h.session.wantRead()).toBe(true);
  });
});
