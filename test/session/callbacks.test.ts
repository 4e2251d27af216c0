/**
 * Every callback of the Python constructor fires when spdylay fires it,
 * with its arguments, in spdylay's order (spdylay_session_on_*_received,
 * spdylay_session_after_frame_sent, spdylay_session_send).
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  DATA_FLAG_FIN,
  DATA_FLAG_NONE,
  DataProvider,
  EOFError,
  ERR_INVALID_FRAME,
  ERR_STREAM_CLOSED,
  GOAWAY_PROTOCOL_ERROR,
  PING,
  PROTO_SPDY3,
  PROTOCOL_ERROR,
  READ_EOF,
  SERVER,
  Session,
  SynReplyFrame,
  SynStreamFrame,
  SETTINGS_MAX_CONCURRENT_STREAMS,
} from '../../src/index.js';
import type { AnyCtrlFrame, RstStreamFrame } from '../../src/index.js';
import { ascii, concat } from '../helpers/bytes.js';
import { client, server } from '../helpers/harness.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameReader, wireLabel } from '../helpers/frame-reader.js';
import { bodyProvider } from '../helpers/providers.js';

const V = PROTO_SPDY3;

describe('receiving', () => {
  it('SYN_STREAM with FIN: onCtrlRecvCb, then onRequestRecvCb', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, pri: 2, flags: CTRL_FLAG_FIN, nv: [[':path', '/a']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1']);
    const frame = h.log.frames('onCtrlRecvCb')[0] as SynStreamFrame;
    expect(frame).toBeInstanceOf(SynStreamFrame);
    expect([frame.version, frame.frameType, frame.flags, frame.streamId, frame.assocStreamId, frame.pri]).toEqual([3, 1, CTRL_FLAG_FIN, 1, 0, 2]);
    expect(frame.nv).toEqual([[':path', '/a']]);
    expect(frame.length).toBeGreaterThan(10);
    expect(h.log.of('onRequestRecvCb')[0]!.args).toEqual([1]);
  });

  it('SYN_STREAM without FIN: onCtrlRecvCb only; the request completes with its last DATA', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)']);
    h.recv(h.peer.data(1, DATA_FLAG_NONE, ascii('abc')));
    expect(h.log.take()).toEqual(['data-chunk-recv 1,len=3', 'data-recv 1,len=3']);
  });

  it('DATA: chunk callbacks, then onDataRecvCb, then onRequestRecvCb, then onStreamCloseCb', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }));
    h.session.submitResponse(1, [[':status', '200']]); // FIN: our half is done first
    h.flush();
    h.log.take();
    const frame = h.peer.data(1, DATA_FLAG_FIN, ascii('hello world'));
    // Three pieces: one chunk callback per piece, each with the frame's flags.
    h.session.memRecv(frame.subarray(0, 10));
    h.session.memRecv(frame.subarray(10, 14));
    h.session.memRecv(frame.subarray(14));
    expect(h.log.take()).toEqual([
      'data-chunk-recv 1,len=2,FIN',
      'data-chunk-recv 1,len=4,FIN',
      'data-chunk-recv 1,len=5,FIN',
      'data-recv 1,len=11,FIN',
      'request-recv 1',
      'stream-close 1 OK',
    ]);
    const chunks = h.log.of('onDataChunkRecvCb').map((e) => e.args[2] as Uint8Array);
    expect(new TextDecoder().decode(concat(...chunks))).toBe('hello world');
    expect(h.log.of('onDataRecvCb')[0]!.args).toEqual([DATA_FLAG_FIN, 1, 11]);
    expect(h.log.of('onStreamCloseCb')[0]!.args).toEqual([1, 0]);
  });

  it('an empty DATA frame with FIN still fires onDataRecvCb (no chunk)', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, DATA_FLAG_FIN, 0));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'data-recv 1,len=0,FIN', 'request-recv 1']);
  });

  it('SYN_REPLY with FIN on our finished stream: onCtrlRecvCb, then onStreamCloseCb OK (no onRequestRecvCb)', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.log.take();
    h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [[':status', '200']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_REPLY(1)', 'stream-close 1 OK']);
    const frame = h.log.frames('onCtrlRecvCb')[0] as SynReplyFrame;
    expect(frame).toBeInstanceOf(SynReplyFrame);
    expect(frame.nv).toEqual([[':status', '200']]);
  });

  it('DATA with FIN on our stream: onDataRecvCb, then onStreamCloseCb (no onRequestRecvCb)', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.recv(h.peer.synReply({ streamId: 1 }));
    h.log.take();
    h.recv(h.peer.data(1, DATA_FLAG_FIN, ascii('body')));
    expect(h.log.take()).toEqual(['data-chunk-recv 1,len=4,FIN', 'data-recv 1,len=4,FIN', 'stream-close 1 OK']);
  });

  it('RST_STREAM: onCtrlRecvCb, then onStreamCloseCb with the peer\'s status, user data still readable', () => {
    const seen: unknown[] = [];
    const h = client(V, { callbacks: { onStreamCloseCb: (s, id) => seen.push(s.getStreamUserData(id)) } });
    const mine = { name: 'request 1' };
    h.session.submitRequest(0, [[':path', '/']], null, mine);
    h.flush();
    h.log.take();
    h.recv(h.peer.rstStream(1, 5 /* CANCEL */));
    expect(h.log.take()).toEqual(['ctrl-recv RST_STREAM(1,CANCEL)', 'stream-close 1 CANCEL']);
    expect(seen).toEqual([mine]);
    expect((h.log.frames('onCtrlRecvCb')[0] as RstStreamFrame).statusCode).toBe(5);
  });

  it('onInvalidCtrlRecvCb fires after the RST_STREAM is queued, with the status it carries', () => {
    let queuedInside = -1;
    const h = client(V, { callbacks: { onInvalidCtrlRecvCb: (s) => (queuedInside = s.getOutboundQueueSize()) } });
    h.recv(h.peer.synReply({ streamId: 1, nv: [[':status', '200']] })); // no such stream
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_REPLY(1) PROTOCOL_ERROR']);
    expect(h.log.of('onInvalidCtrlRecvCb')[0]!.args[1]).toBe(PROTOCOL_ERROR);
    expect(queuedInside).toBe(1);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
  });

  it('onCtrlRecvParseErrorCb gets the type, the 8-byte head, the payload and the error; a GOAWAY follows', () => {
    const h = server(V);
    const bad = h.peer.raw(PING, 0, Uint8Array.of(0, 0, 0, 1, 9)); // PING must be 4 bytes
    h.recv(bad);
    expect(h.log.take()).toEqual(['parse-error PING ERR_INVALID_FRAME']);
    const [type, head, payload, error] = h.log.of('onCtrlRecvParseErrorCb')[0]!.args;
    expect(type).toBe(PING);
    expect(head).toEqual(bad.subarray(0, 8));
    expect(payload).toEqual(Uint8Array.of(0, 0, 0, 1, 9));
    expect(error).toBe(ERR_INVALID_FRAME);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });

  it('onUnknownCtrlRecvCb gets the head and payload of an unknown type; nothing is sent', () => {
    const h = server(V);
    const frame = h.peer.raw(0x42, 0xab, ascii('xyz'));
    h.recv(frame);
    expect(h.log.take()).toEqual(['unknown-ctrl-recv len=3']);
    const [head, payload] = h.log.of('onUnknownCtrlRecvCb')[0]!.args;
    expect(head).toEqual(frame.subarray(0, 8));
    expect(payload).toEqual(ascii('xyz'));
    expect(h.flush()).toEqual([]);
  });

  it('a callback left out is simply not called', () => {
    const s = new Session(SERVER, V);
    const peer = new FrameFactory(V, CLIENT);
    expect(() => s.memRecv(concat(peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }), peer.ping(1)))).not.toThrow();
    expect(s.memSend()).not.toBeNull();
  });
});

describe('sending', () => {
  it('beforeCtrlSendCb sees the assigned stream id and the stream (with its user data) already exists', () => {
    const inside: unknown[] = [];
    const h = client(V, {
      callbacks: {
        beforeCtrlSendCb: (s, f) => {
          const id = (f as SynStreamFrame).streamId;
          inside.push(id, s.getStreamUserData(id));
        },
      },
    });
    h.session.submitRequest(3, [[':path', '/1']], null, 'one');
    h.session.submitRequest(3, [[':path', '/2']], null, 'two');
    h.flush();
    expect(inside).toEqual([1, 'one', 3, 'two']);
    expect(h.log.take()).toEqual([
      'before-ctrl-send SYN_STREAM(1)',
      'ctrl-send SYN_STREAM(1)',
      'before-ctrl-send SYN_STREAM(3)',
      'ctrl-send SYN_STREAM(3)',
    ]);
    const sent = h.log.frames('onCtrlSendCb')[0] as SynStreamFrame;
    expect([sent.streamId, sent.pri, sent.flags]).toEqual([1, 3, CTRL_FLAG_FIN]);
    expect(sent.length).toBeGreaterThan(10);
  });

  it('send(): beforeCtrlSendCb once, sendCb until the frame is written, then onCtrlSendCb', () => {
    const order: string[] = [];
    const s = new Session(CLIENT, V, {
      sendCb: (_s, data) => {
        order.push(`sendCb ${data.length}`);
        return Math.min(5, data.length); // partial writes
      },
      beforeCtrlSendCb: () => order.push('before'),
      onCtrlSendCb: () => order.push('sent'),
    });
    s.submitPing();
    s.send();
    expect(order).toEqual(['before', 'sendCb 12', 'sendCb 7', 'sendCb 2', 'sent']);
  });

  it('send() offers sendCb one frame per call', () => {
    const writes: Uint8Array[] = [];
    const s = new Session(CLIENT, V, { sendCb: (_s, data) => (writes.push(data.slice()), data.length) });
    s.submitPing();
    s.submitGoaway(0);
    s.submitSettings(0, [[4, 0, 100]]);
    s.send();
    const reader = new FrameReader(V, CLIENT);
    expect(writes.map((w) => reader.read(w).map(wireLabel))).toEqual([['PING(1)'], ['SETTINGS'], ['GOAWAY(0,OK)']]);
  });

  it('onDataSendCb reports each DATA frame (flags as sent, stream, payload length); FIN closes our half', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(5000));
    h.flush();
    expect(h.log.take()).toEqual([
      'before-ctrl-send SYN_STREAM(1)',
      'ctrl-send SYN_STREAM(1)',
      'data-send 1,len=4096',
      'data-send 1,len=904,FIN',
    ]);
    expect(h.log.of('onDataSendCb').map((e) => e.args)).toEqual([
      [DATA_FLAG_NONE, 1, 4096],
      [DATA_FLAG_FIN, 1, 904],
    ]);
    h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_REPLY(1)', 'stream-close 1 OK']);
  });

  it('a provider that reports EOF on an empty read ends with an empty DATA frame carrying FIN', () => {
    const h = client(V);
    let sent = false;
    const prd = new DataProvider(null, (_s, _id, _len, ctrl) => {
      if (sent) {
        ctrl.flags = READ_EOF;
        return new Uint8Array(0);
      }
      sent = true;
      return ascii('Hello World');
    });
    h.session.submitRequest(0, [[':method', 'POST']], prd);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=11)', 'DATA(1,len=0,FIN)']);
    expect(h.log.of('onDataSendCb').map((e) => e.args)).toEqual([
      [0, 1, 11],
      [DATA_FLAG_FIN, 1, 0],
    ]);
  });

  it('onCtrlNotSendCb gets the frame and spdylay\'s error code', () => {
    const h = server(V);
    h.session.submitSynReply(0, 1, [[':status', '200']]); // stream 1 does not exist
    expect(h.flush()).toEqual([]);
    expect(h.log.take()).toEqual(['ctrl-not-send SYN_REPLY(1) ERR_STREAM_CLOSED']);
    const [frame, code] = h.log.of('onCtrlNotSendCb')[0]!.args as [AnyCtrlFrame, number];
    expect(frame).toBeInstanceOf(SynReplyFrame);
    expect((frame as SynReplyFrame).nv).toEqual([[':status', '200']]);
    expect(code).toBe(ERR_STREAM_CLOSED);
  });

  it('sending RST_STREAM: onCtrlSendCb, then onStreamCloseCb with our status', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.log.take();
    h.session.submitRstStream(1, 3 /* REFUSED_STREAM */);
    h.flush();
    expect(h.log.take()).toEqual([
      'before-ctrl-send RST_STREAM(1,REFUSED_STREAM)',
      'ctrl-send RST_STREAM(1,REFUSED_STREAM)',
      'stream-close 1 REFUSED_STREAM',
    ]);
  });

  it('a stream closed again from inside onStreamCloseCb is reported and counted out once', () => {
    let fed = false;
    const h = client(V, {
      callbacks: {
        onStreamCloseCb: (s, id) => {
          if (fed) return;
          fed = true;
          s.memRecv(h.peer.rstStream(id, 5)); // the peer's RST for the stream being closed
        },
      },
    });
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.session.submitRstStream(1, PROTOCOL_ERROR);
    h.flush();
    expect(h.log.of('onStreamCloseCb').map((e) => e.text)).toEqual(['stream-close 1 PROTOCOL_ERROR']);
    expect(h.stream(1)).toBeUndefined();
    // Counted out exactly once: with the peer's limit at 1, one new stream (not two, not none) may open.
    h.recv(h.peer.settings(0, [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, 1]]));
    h.session.submitRequest(0, [[':path', '/a']]);
    h.session.submitRequest(0, [[':path', '/b']]);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(3)']);
  });

  it('failSession: GOAWAY goes out with the given status and the session is done', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.session.failSession(GOAWAY_PROTOCOL_ERROR);
    expect(h.flushLabels()).toEqual(['GOAWAY(1,PROTOCOL_ERROR)']);
  });
});

describe('I/O callbacks', () => {
  it('recv() asks recvCb for 16384 bytes at a time until it would block', () => {
    const peer = new FrameFactory(V, CLIENT);
    const input = [peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }), peer.ping(1)];
    const asked: number[] = [];
    const h = server(V, { callbacks: { recvCb: (_s, length) => (asked.push(length), input.shift() ?? null) } });
    h.session.recv();
    expect(asked).toEqual([16384, 16384, 16384]);
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1', 'ctrl-recv PING(1)']);
  });

  it('recvCb throwing EOFError makes recv() throw it', () => {
    const eof = new EOFError();
    const s = new Session(SERVER, V, {
      recvCb: () => {
        throw eof;
      },
    });
    expect(() => s.recv()).toThrow(eof);
  });

  it('sendCb returning 0 (would block) stops send(); the next send() resumes the same frame', () => {
    let budget = 4;
    const got: number[] = [];
    const order: string[] = [];
    const s = new Session(CLIENT, V, {
      sendCb: (_s, data) => {
        if (budget === 0) return 0;
        const n = Math.min(budget, data.length);
        budget -= n;
        got.push(n);
        return n;
      },
      beforeCtrlSendCb: () => order.push('before'),
      onCtrlSendCb: () => order.push('sent'),
    });
    s.submitPing();
    s.send();
    expect(order).toEqual(['before']);
    expect(s.wantWrite()).toBe(true);
    budget = 100;
    s.send();
    expect(order).toEqual(['before', 'sent']);
    expect(got).toEqual([4, 8]);
  });
});
