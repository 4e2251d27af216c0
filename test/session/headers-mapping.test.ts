/**
 * Header names and values between the API and the wire (API.md "Bytes,
 * names and values"; spdylay_frame_nv_norm_copy, spdylay_frame_pack_nv,
 * spdylay_frame_nv_3to2 / _2to3): the application uses SPDY/3 names in
 * every version and the SPDY/2 wire carries `url`, `method`, ...; names are
 * lower-cased and sorted; repeated names travel NUL-joined and come back
 * split; latin1 maps bytes to characters one to one.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  InvalidArgumentError,
  PROTO_SPDY2,
  PROTO_SPDY3,
  Session,
  SYN_REPLY,
  SYN_STREAM,
} from '../../src/index.js';
import type { HeadersFrame, SynReplyFrame, SynStreamFrame } from '../../src/index.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameReader, framesOfType } from '../helpers/frame-reader.js';
import { client, server } from '../helpers/harness.js';

const REQUEST: [string, string][] = [
  [':method', 'GET'],
  [':path', '/index.html'],
  [':version', 'HTTP/1.1'],
  [':host', 'example.org'],
  [':scheme', 'https'],
  ['accept', '*/*'],
];

/** What a SPDY/2 session writes: the raw header block of its first SYN_STREAM / SYN_REPLY. */
function wireNv(session: Session, version: number, type: number) {
  const reader = new FrameReader(version, CLIENT, { rawHeaders: true });
  const events = reader.read(session.memSend()!);
  const frame = framesOfType(events, type as 1)[0];
  return frame!.nv;
}

describe('SPDY/2 names', () => {
  it('submitRequest: the wire carries host/method/scheme/url/version; callbacks see the SPDY/3 names', () => {
    const h = client(PROTO_SPDY2);
    h.session.submitRequest(0, REQUEST);
    expect(wireNv(h.session, PROTO_SPDY2, SYN_STREAM)).toEqual([
      ['accept', '*/*'],
      ['host', 'example.org'],
      ['method', 'GET'],
      ['scheme', 'https'],
      ['url', '/index.html'],
      ['version', 'HTTP/1.1'],
    ]);
    const sent = h.log.frames('onCtrlSendCb')[0] as SynStreamFrame;
    expect(sent.nv).toEqual([
      [':host', 'example.org'],
      [':method', 'GET'],
      [':path', '/index.html'],
      [':scheme', 'https'],
      [':version', 'HTTP/1.1'],
      ['accept', '*/*'],
    ]);
    expect((h.log.frames('beforeCtrlSendCb')[0] as SynStreamFrame).nv).toEqual(sent.nv);
  });

  it('submitResponse: the wire carries status/version', () => {
    const h = server(PROTO_SPDY2);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [['url', '/']] }));
    h.session.submitResponse(1, [
      [':status', '200 OK'],
      [':version', 'HTTP/1.1'],
      ['content-type', 'text/plain'],
    ]);
    expect(wireNv(h.session, PROTO_SPDY2, SYN_REPLY)).toEqual([
      ['content-type', 'text/plain'],
      ['status', '200 OK'],
      ['version', 'HTTP/1.1'],
    ]);
  });

  it('received: the six names are renamed in place, not re-sorted', () => {
    const h = server(PROTO_SPDY2);
    h.recv(
      h.peer.synStream({
        streamId: 1,
        flags: CTRL_FLAG_FIN,
        nv: [
          ['accept', '*/*'],
          ['host', 'example.org'],
          ['method', 'GET'],
          ['scheme', 'https'],
          ['url', '/index.html'],
          ['version', 'HTTP/1.1'],
          ['x-url', 'kept'],
        ],
      }),
    );
    expect((h.log.frames('onCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([
      ['accept', '*/*'],
      [':host', 'example.org'],
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':version', 'HTTP/1.1'],
      ['x-url', 'kept'],
    ]);
  });

  it('SYN_REPLY and HEADERS are renamed too', () => {
    const h = client(PROTO_SPDY2);
    h.session.submitSynStream(0, 0, [[':path', '/']]);
    h.flush();
    h.recv(h.peer.synReply({ streamId: 1, nv: [['status', '200 OK']] }), h.peer.headers({ streamId: 1, nv: [['version', 'HTTP/1.1']] }));
    const [reply, headers] = h.log.frames('onCtrlRecvCb') as [SynReplyFrame, HeadersFrame];
    expect(reply.nv).toEqual([[':status', '200 OK']]);
    expect(headers.nv).toEqual([[':version', 'HTTP/1.1']]);
  });

  it('end to end, SPDY/2 sessions exchange SPDY/3 names', () => {
    const c = new Session(CLIENT, PROTO_SPDY2);
    const got: SynStreamFrame[] = [];
    const s = new Session(2, PROTO_SPDY2, { onCtrlRecvCb: (_s, f) => got.push(f as SynStreamFrame) });
    c.submitRequest(0, REQUEST);
    s.memRecv(c.memSend()!);
    // Sorted by the SPDY/2 names on the wire, then renamed.
    expect(got[0]!.nv).toEqual([
      ['accept', '*/*'],
      [':host', 'example.org'],
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':version', 'HTTP/1.1'],
    ]);
  });
});

describe('SPDY/3 names', () => {
  it('go on the wire as they are', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [
      ['url', 'not special in SPDY/3'],
      [':path', '/'],
    ]);
    expect(wireNv(h.session, PROTO_SPDY3, SYN_STREAM)).toEqual([
      [':path', '/'],
      ['url', 'not special in SPDY/3'],
    ]);
  });
});

describe('case, order and repeats', () => {
  it('names are lower-cased (A-Z only) and sorted by name, on the wire and in callbacks', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [
      ['X-Zeta', '1'],
      ['Content-Type', 'text/html'],
      [':path', '/'],
    ]);
    const expected = [
      [':path', '/'],
      ['content-type', 'text/html'],
      ['x-zeta', '1'],
    ];
    expect(wireNv(h.session, PROTO_SPDY3, SYN_STREAM)).toEqual(expected);
    expect((h.log.frames('onCtrlSendCb')[0] as SynStreamFrame).nv).toEqual(expected);
  });

  it('a repeated name is one NUL-joined entry on the wire; callbacks show the pairs', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [
      ['cookie', 'a=1'],
      [':path', '/'],
      ['Cookie', 'b=2'],
    ]);
    expect(wireNv(h.session, PROTO_SPDY3, SYN_STREAM)).toEqual([
      [':path', '/'],
      ['cookie', 'a=1\0b=2'],
    ]);
    expect((h.log.frames('onCtrlSendCb')[0] as SynStreamFrame).nv).toEqual([
      [':path', '/'],
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
    ]);
  });

  it('a received NUL-joined value is split into repeated pairs, in order; received names are sorted', () => {
    const h = server(PROTO_SPDY3);
    h.recv(
      h.peer.synStream({
        streamId: 1,
        nv: [
          ['x-b', 'two\0one'],
          ['x-a', 'a'],
        ],
      }),
    );
    expect((h.log.frames('onCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([
      ['x-a', 'a'],
      ['x-b', 'two'],
      ['x-b', 'one'],
    ]);
  });

  it('a received upper-case name is a stream error (RST_STREAM PROTOCOL_ERROR), as spdylay', () => {
    const h = server(PROTO_SPDY2);
    h.recv(h.peer.synStream({ streamId: 1, nv: [['Url', '/']] }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
  });

  it('two received entries with one name are a stream error', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1, nv: [['x-a', '1'], ['x-a', '2']] }));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
  });
});

describe('encodings', () => {
  it('UTF-8 by default both ways', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [['x-name', 'café ☕']]);
    expect(wireNv(h.session, PROTO_SPDY3, SYN_STREAM)).toEqual([['x-name', 'café ☕']]);
  });

  it('a received value that is not valid UTF-8 does not make memRecv throw', () => {
    const h = server(PROTO_SPDY3);
    const latin1Peer = new FrameFactory(PROTO_SPDY3, CLIENT, 'latin1');
    expect(() => h.recv(latin1Peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [['x-v', 'caf\u00e9']] }))).not.toThrow();
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1']);
  });

  it('latin1: bytes and characters map one to one both ways', () => {
    const h = server(PROTO_SPDY3, { config: { headerEncoding: 'latin1' } });
    const latin1Peer = new FrameFactory(PROTO_SPDY3, CLIENT, 'latin1');
    h.recv(latin1Peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [['x-v', '\u00e9\u00ff\u0080']] }));
    expect((h.log.frames('onCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([['x-v', '\u00e9\u00ff\u0080']]);
    h.session.submitResponse(1, [['x-v', '\u00e9\u00ff']]);
    const reader = new FrameReader(PROTO_SPDY3, 2, { rawHeaders: true });
    const raw = framesOfType(reader.read(h.session.memSend()!), SYN_REPLY)[0]!.nv;
    // The raw reader decodes UTF-8: one replacement character per byte shows the
    // wire carries the single bytes E9 FF (UTF-8 would be C3 A9 C3 BF, read back as 'éÿ').
    expect(raw).toEqual([['x-v', '\ufffd\ufffd']]);
    expect(() => h.session.submitResponse(1, [['x-v', '\u0100']])).toThrow(InvalidArgumentError);
  });
});
