/**
 * Stream id allocation and parity (spdylay_session_is_my_stream_id,
 * _is_new_peer_stream_id, the checks at the top of
 * spdylay_session_on_syn_stream_received): clients use odd ids, servers
 * even, each side strictly increasing; the peer's ids must be of its parity
 * and above every id it used before.
 */
import { describe, expect, it } from 'vitest';
import { CTRL_FLAG_FIN, CTRL_FLAG_UNIDIRECTIONAL, GOAWAY_OK, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, SYN_STREAM } from '../../src/index.js';
import type { SynStreamFrame } from '../../src/index.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import { describeStream } from '../helpers/stream-states.js';

describe.each(EVERY_VERSION)('our ids ($name)', ({ version }) => {
  it('a client uses 1, 3, 5, ...', () => {
    const h = client(version);
    for (let i = 0; i < 4; i++) h.session.submitRequest(0, [[':path', `/${i}`]]);
    expect(framesOfType(h.flush(), 1).map((f) => f.streamId)).toEqual([1, 3, 5, 7]);
  });

  it('a server pushes on 2, 4, 6, ...', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 1 }));
    for (let i = 0; i < 3; i++) h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', `/${i}`]], 1);
    expect(framesOfType(h.flush(), 1).map((f) => f.streamId)).toEqual([2, 4, 6]);
  });

  it('ids are given when sent, so submits in several batches keep counting', () => {
    const h = client(version);
    h.session.submitRequest(0, [[':path', '/a']]);
    h.flush();
    h.session.submitRequest(0, [[':path', '/b']]);
    h.session.submitRequest(0, [[':path', '/c']]);
    h.flush();
    expect((h.log.frames('onCtrlSendCb') as SynStreamFrame[]).map((f) => f.streamId)).toEqual([1, 3, 5]);
  });
});

describe.each(EVERY_VERSION)('the peer\'s ids ($name)', ({ version }) => {
  // SPDY/2's GOAWAY has no status field: it reads back as OK.
  const goawayError = version === PROTO_SPDY2 ? 'OK' : 'PROTOCOL_ERROR';
  it('may skip ids, as long as they increase', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 7 }), h.peer.synStream({ streamId: 9 }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'ctrl-recv SYN_STREAM(7)', 'ctrl-recv SYN_STREAM(9)']);
    h.session.submitGoaway(GOAWAY_OK); // names the highest stream the peer opened
    expect(h.flushLabels()).toEqual(['GOAWAY(9,OK)']);
  });

  it('the last id again is a stream error: RST_STREAM PROTOCOL_ERROR, and the open stream becomes CLOSING', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.log.take();
    h.recv(h.peer.synStream({ streamId: 1 }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR']);
    expect(describeStream(h)).toBe('CLOSING');
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
  });

  it('a lower id is a session error: GOAWAY PROTOCOL_ERROR naming the highest id, no RST_STREAM', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 5 }), h.peer.synStream({ streamId: 3 }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(5)', 'invalid-ctrl-recv SYN_STREAM(3) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual([`GOAWAY(5,${goawayError})`]);
  });

  it('an id of our parity is a session error (a server gets an even id)', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 2 }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(2) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual([`GOAWAY(0,${goawayError})`]);
  });

  it('an id of our parity is a session error (a client gets an odd id)', () => {
    const h = client(version);
    h.recv(h.peer.synStream({ streamId: 1, assocStreamId: 1, flags: CTRL_FLAG_UNIDIRECTIONAL }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual([`GOAWAY(0,${goawayError})`]);
  });

  it('stream id 0 as the first stream: RST_STREAM(0) PROTOCOL_ERROR (spdylay\'s repeat check, 0 being the last id), no onRequestRecvCb', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 0, flags: CTRL_FLAG_FIN }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(0) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(0,PROTOCOL_ERROR)']);
  });

  it('stream id 0 after another stream: a session error', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 0, flags: CTRL_FLAG_FIN }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'invalid-ctrl-recv SYN_STREAM(0) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual([`GOAWAY(1,${goawayError})`]);
  });

  it('after the session error, further SYN_STREAMs are ignored', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 2 }), h.peer.synStream({ streamId: 3 }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(2) PROTOCOL_ERROR']);
  });
});

describe('SYN_STREAM of the other version', () => {
  // spdylay (spdylay_frame_unpack_syn_stream) reads such a frame whole by
  // its own version's layout, header block included (16-bit lengths in
  // SPDY/2, 32-bit in SPDY/3), inflates it with the session's stream, and
  // answers the valid frame with a stream error (validate_syn_stream).

  it('a valid one gets RST_STREAM UNSUPPORTED_VERSION once its id is recorded; the session goes on', () => {
    // A SPDY/3 session given a version-2 frame (16-bit lengths) compressed
    // on the stream the session inflates.
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1, version: 2, nv: [['url', '/'], ['method', 'GET']] }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) UNSUPPORTED_VERSION']);
    expect((h.log.frames('onInvalidCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([['method', 'GET'], ['url', '/']]);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,UNSUPPORTED_VERSION)']);
    h.log.take();
    h.recv(h.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN, nv: [[':path', '/']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(3)', 'request-recv 3']);
    const g = server(PROTO_SPDY3);
    g.recv(g.peer.synStream({ streamId: 1, version: 2, nv: [['url', '/']] }));
    g.session.submitGoaway(GOAWAY_OK); // names the highest stream the peer opened: 1, recorded
    expect(g.flushLabels()).toEqual(['RST_STREAM(1,UNSUPPORTED_VERSION)', 'GOAWAY(1,OK)']);
  });

  it('the same in a SPDY/2 session given a version-3 SYN_STREAM (32-bit lengths), and in SPDY/3.1 given a version-2 one', () => {
    const h = server(PROTO_SPDY2);
    h.recv(h.peer.synStream({ streamId: 1, version: 3, nv: [[':path', '/']] }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) UNSUPPORTED_VERSION']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,UNSUPPORTED_VERSION)']);
    const h31 = server(PROTO_SPDY3_1);
    h31.recv(h31.peer.synStream({ streamId: 1, version: 2, nv: [['url', '/']] }));
    expect(h31.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) UNSUPPORTED_VERSION']);
    expect(h31.flushLabels()).toEqual(['RST_STREAM(1,UNSUPPORTED_VERSION)']);
  });

  it("one whose block is laid out for the session's version instead does not unpack by its own: a parse error, as in spdylay", () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.withBlock({ type: SYN_STREAM, streamId: 1, version: 2 }, h.peer.pack([[':path', '/']], 4)));
    expect(h.log.take()).toEqual(['parse-error SYN_STREAM ERR_INVALID_FRAME']);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });

  it('SYN_REPLY and HEADERS of the other version are ignored (no callback, no answer)', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitSynStream(0, 0, [[':path', '/']]);
    h.flush();
    h.log.take();
    h.recv(h.peer.synReply({ streamId: 1, version: 2 }), h.peer.headers({ streamId: 1, version: 2 }));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
    expect(describeStream(h)).toBe('OPENING');
  });
});
