/**
 * Unidirectional and pushed streams (spdylay_session_validate_syn_stream,
 * spdylay_session_on_syn_stream_received, after_frame_sent for SYN_STREAM,
 * close_pushed_streams): a server pushes with an associated stream id and
 * UNIDIRECTIONAL; a client accepts only that; RST_STREAM CANCEL of the
 * parent ends what was pushed for it.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  ERR_STREAM_SHUT_WR,
  PROTO_SPDY3,
  PROTOCOL_ERROR,
} from '../../src/index.js';
import type { SynStreamFrame } from '../../src/index.js';
import { ascii } from '../helpers/bytes.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { Pair } from '../helpers/pair.js';
import { bodyProvider } from '../helpers/providers.js';
import { describeStream } from '../helpers/stream-states.js';

const UNI = CTRL_FLAG_UNIDIRECTIONAL;
const V = PROTO_SPDY3;

/** A client whose request 1 is open (sent without FIN, replied). */
function clientWithRequest(version = V): Harness {
  const h = client(version);
  h.session.submitSynStream(0, 0, [[':path', '/']]);
  h.flush();
  h.recv(h.peer.synReply({ streamId: 1 }));
  h.log.take();
  return h;
}

describe.each(EVERY_VERSION)('a client receiving a push ($name)', ({ version }) => {
  it('accepts SYN_STREAM with its parent and UNIDIRECTIONAL: OPENING, shut for writing', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, pri: 1, flags: UNI, nv: [[':path', '/style.css']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(2)']);
    const frame = h.log.frames('onCtrlRecvCb').at(-1) as SynStreamFrame;
    expect([frame.streamId, frame.assocStreamId, frame.pri, frame.flags]).toEqual([2, 1, 1, UNI]);
    expect(describeStream(h, 2)).toBe('OPENING,WR');
    expect(h.flush()).toEqual([]);
  });

  it('takes the pushed body and closes the stream at its FIN (onRequestRecvCb fires for it too)', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI }), h.peer.data(2, DATA_FLAG_FIN, ascii('body{}')));
    expect(h.log.take()).toEqual([
      'ctrl-recv SYN_STREAM(2)',
      'data-chunk-recv 2,len=6,FIN',
      'data-recv 2,len=6,FIN',
      'request-recv 2',
      'stream-close 2 OK',
    ]);
  });

  it('HEADERS on the pushed stream are accepted before any reply', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI }), h.peer.headers({ streamId: 2, flags: CTRL_FLAG_FIN, nv: [['x-late', '1']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(2)', 'ctrl-recv HEADERS(2)', 'request-recv 2', 'stream-close 2 OK']);
  });

  it('FIN and UNIDIRECTIONAL together: reported, finished and closed at once, with no stream kept', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI | CTRL_FLAG_FIN }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(2)', 'request-recv 2', 'stream-close 2 OK']);
    expect(h.stream(2)).toBeUndefined();
  });

  it('without UNIDIRECTIONAL: RST_STREAM PROTOCOL_ERROR, as spdylay', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1 }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(2) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(2,PROTOCOL_ERROR)']);
    expect(h.stream(2)).toBeUndefined();
  });

  it('with associated stream 0: RST_STREAM INVALID_STREAM', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, flags: UNI }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(2) INVALID_STREAM']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(2,INVALID_STREAM)']);
  });

  it('with an associated stream that does not exist: RST_STREAM PROTOCOL_ERROR', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 9, flags: UNI }));
    expect(h.flushLabels()).toEqual(['RST_STREAM(2,PROTOCOL_ERROR)']);
  });

  it('the associated stream may be finished both ways as long as it still exists', () => {
    const h = client(version);
    h.session.submitSynStream(CTRL_FLAG_FIN, 0, [[':path', '/']]);
    h.flush();
    h.recv(h.peer.synReply({ streamId: 1 })); // our half done; theirs still open
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI }));
    expect(h.log.take().at(-1)).toBe('ctrl-recv SYN_STREAM(2)');
  });

  it('we cannot write on a pushed stream: HEADERS is refused STREAM_SHUT_WR, DATA dropped', () => {
    const h = clientWithRequest(version);
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI }));
    h.session.submitHeaders(0, 2, [['x-a', 'b']]);
    h.session.submitData(2, DATA_FLAG_FIN, bodyProvider('no'));
    expect(h.flush()).toEqual([]);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_STREAM_SHUT_WR]);
  });
});

describe('our limit on incoming streams', () => {
  it('pushed streams count against the MAX_CONCURRENT_STREAMS we submitted: over it, REFUSED_STREAM', () => {
    const h = clientWithRequest();
    h.session.submitSettings(0, [[4 /* MAX_CONCURRENT_STREAMS */, 0, 1]]);
    h.flush();
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI }), h.peer.synStream({ streamId: 4, assocStreamId: 1, flags: UNI }));
    expect(h.log.take().slice(-2)).toEqual(['ctrl-recv SYN_STREAM(2)', 'invalid-ctrl-recv SYN_STREAM(4) REFUSED_STREAM']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(4,REFUSED_STREAM)']);
  });
});

describe('a server receiving what only a server may send', () => {
  it('SYN_STREAM with an associated stream: RST_STREAM PROTOCOL_ERROR', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3, assocStreamId: 1 }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'invalid-ctrl-recv SYN_STREAM(3) PROTOCOL_ERROR']);
  });

  it('SYN_STREAM with UNIDIRECTIONAL: RST_STREAM PROTOCOL_ERROR', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, flags: UNI }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
  });
});

describe('a server pushing', () => {
  it('the pushed stream is shut for reading; its DATA closes it; user data is kept', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.session.submitSynStream(UNI, 2, [[':path', '/pushed']], 1, 'push data');
    const sent = framesOfType(h.flush(), 1);
    expect(sent.map((f) => [f.streamId, f.assocStreamId, f.flags, f.pri])).toEqual([[2, 1, UNI, 2]]);
    expect(describeStream(h, 2)).toBe('OPENING,RD');
    expect(h.session.getStreamUserData(2)).toBe('push data');
    h.session.submitData(2, DATA_FLAG_FIN, bodyProvider('pushed body'));
    expect(h.flushLabels()).toEqual(['DATA(2,len=11,FIN)']);
    expect(h.log.texts.at(-1)).toBe('stream-close 2 OK');
  });

  it('FIN and UNIDIRECTIONAL together close the pushed stream once sent', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynStream(UNI | CTRL_FLAG_FIN, 0, [[':path', '/empty']], 1);
    h.flush();
    expect(h.log.take().slice(-2)).toEqual(['ctrl-send SYN_STREAM(2)', 'stream-close 2 OK']);
  });

  it('end to end: the client sees the push and its body', () => {
    const pair = new Pair(V, {
      server: {
        callbacks: {
          onRequestRecvCb: (s, id) => {
            s.submitSynStream(UNI, 0, [[':path', '/pushed']], id);
            s.submitResponse(id, [[':status', '200']], bodyProvider('page'));
          },
          onCtrlSendCb: (s, f) => {
            if (f.frameType === 1) s.submitData((f as SynStreamFrame).streamId, DATA_FLAG_FIN, bodyProvider('pushed'));
          },
        },
      },
    });
    pair.client.submitRequest(0, [[':path', '/']]);
    pair.pump();
    expect(pair.clientLog.texts.filter((t) => !t.includes('send'))).toEqual([
      'ctrl-recv SYN_STREAM(2)',
      'ctrl-recv SYN_REPLY(1)',
      'data-chunk-recv 2,len=6,FIN',
      'data-recv 2,len=6,FIN',
      'request-recv 2',
      'stream-close 2 OK',
      'data-chunk-recv 1,len=4,FIN',
      'data-recv 1,len=4,FIN',
      'stream-close 1 OK',
    ]);
  });
});

describe('RST_STREAM CANCEL of the parent', () => {
  /** A client with request 1 open and pushed streams 2 and 4. */
  const withPushes = () => {
    const h = clientWithRequest();
    h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: UNI }), h.peer.synStream({ streamId: 4, assocStreamId: 1, flags: UNI }));
    h.log.take();
    return h;
  };

  it('sent by the client: the parent and its pushed streams close, CANCEL', () => {
    const h = withPushes();
    h.session.submitRstStream(1, CANCEL);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,CANCEL)']);
    expect(h.log.of('onStreamCloseCb').map((e) => e.text)).toEqual(['stream-close 2 CANCEL', 'stream-close 4 CANCEL', 'stream-close 1 CANCEL']);
    expect([h.stream(2), h.stream(4)]).toEqual([undefined, undefined]);
  });

  it('sent by the client with another status: only the parent closes', () => {
    const h = withPushes();
    h.session.submitRstStream(1, PROTOCOL_ERROR);
    h.flush();
    expect(h.log.of('onStreamCloseCb').map((e) => e.text)).toEqual(['stream-close 1 PROTOCOL_ERROR']);
    expect(describeStream(h, 2)).toBe('OPENING,WR');
  });

  it('received by the server: its pushed streams close too', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynStream(UNI, 0, [[':path', '/a']], 1);
    h.session.submitSynStream(UNI, 0, [[':path', '/b']], 1);
    h.flush();
    h.log.take();
    h.recv(h.peer.rstStream(1, CANCEL));
    expect(h.log.take()).toEqual(['ctrl-recv RST_STREAM(1,CANCEL)', 'stream-close 2 CANCEL', 'stream-close 4 CANCEL', 'stream-close 1 CANCEL']);
  });

  it('a pushed stream that has already finished is not closed twice', () => {
    const h = withPushes();
    h.recv(h.peer.data(2, DATA_FLAG_FIN, 0));
    h.log.take();
    h.session.submitRstStream(1, CANCEL);
    h.flush();
    expect(h.log.of('onStreamCloseCb').map((e) => e.text)).toEqual(['stream-close 2 OK', 'stream-close 4 CANCEL', 'stream-close 1 CANCEL']);
  });
});
