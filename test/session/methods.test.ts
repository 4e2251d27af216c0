/**
 * Every Session method: what it returns, what it queues, and what it throws
 * for bad arguments (API.md; spdylay_submit.c and python-spdylay's error
 * mapping).
 */
import { describe, expect, it } from 'vitest';
import {
  CallbackFailureError,
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  DataProvider,
  ERR_DEFERRED,
  ERR_SYN_STREAM_NOT_ALLOWED,
  GOAWAY_INTERNAL_ERROR,
  GOAWAY_OK,
  InvalidArgumentError,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SERVER,
  SETTINGS_INITIAL_WINDOW_SIZE,
  Session,
  StreamClosedError,
  UnsupportedVersionError,
} from '../../src/index.js';
import type { SynStreamFrame } from '../../src/index.js';
import { ascii } from '../helpers/bytes.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';

const V = PROTO_SPDY3;

describe('constructor', () => {
  it('rejects a side that is neither CLIENT nor SERVER', () => {
    expect(() => new Session(0, V)).toThrow(InvalidArgumentError);
    expect(() => new Session(3, V)).toThrow(InvalidArgumentError);
  });

  it('rejects an unsupported version with UnsupportedVersionError', () => {
    expect(() => new Session(CLIENT, 1)).toThrow(UnsupportedVersionError);
    expect(() => new Session(CLIENT, 5)).toThrow(UnsupportedVersionError);
  });

  it('rejects a dataChunkSize outside 1..2^24-1', () => {
    expect(() => new Session(CLIENT, V, { config: { dataChunkSize: 0 } })).toThrow(InvalidArgumentError);
    expect(() => new Session(CLIENT, V, { config: { dataChunkSize: 0x1000000 } })).toThrow(InvalidArgumentError);
    expect(() => new Session(CLIENT, V, { config: { dataChunkSize: 0xffffff } })).not.toThrow();
  });

  it('userData is what the constructor was given, null without, and read-only', () => {
    const data = { app: 1 };
    const s = new Session(CLIENT, V, { userData: data });
    expect(s.userData).toBe(data);
    expect(new Session(CLIENT, V).userData).toBeNull();
    expect(() => {
      (s as { userData: unknown }).userData = 2;
    }).toThrow(TypeError);
    expect(s.userData).toBe(data);
  });
});

describe('name/value validation (all five submitters)', () => {
  const bad: Array<[string, unknown]> = [
    ['an empty name', [['', 'x']]],
    ['a null value', [[':path', null]]],
    ['an undefined value', [[':path', undefined]]],
    ['a value holding NUL', [[':path', 'a\0b']]],
    ['a name holding NUL', [['a\0b', 'x']]],
    ['a name holding a control character', [['x-a\u0001', 'x']]],
    ['a name holding a line break', [['x-a\r\nx-b', 'x']]],
    ['a name holding DEL', [['x-a\u007f', 'x']]],
    ['a non-ASCII name', [['x-caf\u00e9', 'x']]],
    ['an entry that is not a pair', [[':path']]],
    ['nv that is not an array', 'nope'],
  ];
  for (const [what, nv] of bad) {
    it(`${what} throws InvalidArgumentError and queues nothing`, () => {
      const h = server(V);
      h.recv(h.peer.synStream({ streamId: 1 }));
      const s = h.session;
      const list = nv as [string, string][];
      expect(() => s.submitRequest(0, list)).toThrow(InvalidArgumentError);
      expect(() => s.submitSynStream(0, 0, list, 1)).toThrow(InvalidArgumentError);
      expect(() => s.submitResponse(1, list)).toThrow(InvalidArgumentError);
      expect(() => s.submitSynReply(0, 1, list)).toThrow(InvalidArgumentError);
      expect(() => s.submitHeaders(0, 1, list)).toThrow(InvalidArgumentError);
      expect(s.getOutboundQueueSize()).toBe(0);
    });
  }

  it('a name outside printable ASCII is refused in every version and encoding, the message naming it (spdylay_frame_nv_check_null)', () => {
    for (const { version } of EVERY_VERSION) {
      for (const headerEncoding of ['utf8', 'latin1'] as const) {
        const h = client(version, { config: { headerEncoding } });
        expect(() => h.session.submitRequest(0, [[':path', '/'], ['X-\u00c9t\u00e9', 'v']])).toThrow(
          /header #1 "X-\u00c9t\u00e9": name contains U\+00C9; a name may hold only printable ASCII \(0x20\.\.0x7E\)/,
        );
        expect(() => h.session.submitRequest(0, [['x\ty', 'v']])).toThrow(/name contains U\+0009/);
        expect(h.session.getOutboundQueueSize()).toBe(0);
        // Upper case and every other printable character are fine (upper case is lowered).
        h.session.submitRequest(0, [[':path', '/'], ['X-A b~', 'v']]);
        expect(framesOfType(h.flush(), 1)[0]!.nv).toContainEqual(['x-a b~', 'v']);
      }
    }
  });

  it('values are not checked beyond NUL, as spdylay checks none on submit (a receiver may refuse a control byte)', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/'], ['x-odd', 'a\u0001b\u007f']]);
    h.session.memSend();
    expect((h.log.frames('onCtrlSendCb')[0] as SynStreamFrame).nv).toContainEqual(['x-odd', 'a\u0001b\u007f']);
  });

  it('an empty value is accepted', () => {
    const h = client(V);
    h.session.submitRequest(0, [['x-empty', '']]);
    expect(framesOfType(h.flush(), 1)[0]!.nv).toEqual([['x-empty', '']]);
  });
});

describe('submitRequest / submitSynStream', () => {
  it('priorities above the lowest are clamped to it; negative, fractional or >255 throw', () => {
    for (const { version } of EVERY_VERSION) {
      const h = client(version);
      h.session.submitRequest(200, [[':path', '/']]);
      h.flush();
      expect((h.log.frames('onCtrlSendCb')[0] as SynStreamFrame).pri).toBe(h.session.getPriLowest());
      expect(() => h.session.submitRequest(-1, [[':path', '/']])).toThrow(InvalidArgumentError);
      expect(() => h.session.submitRequest(1.5, [[':path', '/']])).toThrow(InvalidArgumentError);
      expect(() => h.session.submitRequest(256, [[':path', '/']])).toThrow(InvalidArgumentError);
    }
  });

  it('submitRequest without a provider sets FIN; with one, the body follows the SYN_STREAM', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/a']]);
    h.session.submitRequest(0, [[':path', '/b']], bodyProvider('xyz'));
    const sent = h.flush();
    expect(framesOfType(sent, 1).map((f) => [f.streamId, f.flags])).toEqual([
      [1, CTRL_FLAG_FIN],
      [3, 0],
    ]);
    expect(sent.at(-1)).toMatchObject({ e: 'data', streamId: 3, flags: DATA_FLAG_FIN, length: 3 });
  });

  it('submitSynStream keeps FIN and UNIDIRECTIONAL only; flags outside 0..255 throw', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynStream(0xff, 1, [[':path', '/p']], 1);
    expect(framesOfType(h.flush(), 1)[0]!.flags).toBe(CTRL_FLAG_FIN | CTRL_FLAG_UNIDIRECTIONAL);
    expect(() => h.session.submitSynStream(256, 0, [])).toThrow(InvalidArgumentError);
    expect(() => h.session.submitSynStream(-1, 0, [])).toThrow(InvalidArgumentError);
  });

  it('a client\'s assocStreamId is dropped (spdylay forces 0); a server keeps it', () => {
    const c = client(V);
    c.session.submitSynStream(CTRL_FLAG_FIN, 0, [[':path', '/']], 7);
    expect(framesOfType(c.flush(), 1)[0]!.assocStreamId).toBe(0);
    const s = server(V);
    s.recv(s.peer.synStream({ streamId: 1 }));
    s.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/']], 1);
    expect(framesOfType(s.flush(), 1)[0]!.assocStreamId).toBe(1);
  });

  it('an assocStreamId that is not a 31-bit id throws', () => {
    const s = server(V);
    expect(() => s.session.submitSynStream(0, 0, [], -1)).toThrow(InvalidArgumentError);
    expect(() => s.session.submitSynStream(0, 0, [], 2 ** 31)).toThrow(InvalidArgumentError);
  });
});

describe('submitResponse / submitSynReply / submitHeaders / submitData', () => {
  it('submitResponse without a provider sets FIN; with one, the body follows', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }), h.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN }));
    h.session.submitResponse(1, [[':status', '204']]);
    h.session.submitResponse(3, [[':status', '200']], bodyProvider('ok'));
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)', 'SYN_REPLY(3)', 'DATA(3,len=2,FIN)']);
    expect(h.log.texts).toContain('stream-close 1 OK');
    expect(h.log.texts).toContain('stream-close 3 OK');
  });

  it('submitSynReply and submitHeaders keep FIN only', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.session.submitSynReply(0xfe, 1, [[':status', '200']]);
    h.session.submitHeaders(0xff, 1, [['x-a', 'b']]);
    const sent = h.flush();
    expect(framesOfType(sent, 2)[0]!.flags).toBe(0);
    expect(framesOfType(sent, 8)[0]!.flags).toBe(CTRL_FLAG_FIN);
  });

  it('stream ids must be 1..2^31-1', () => {
    const s = server(V).session;
    for (const id of [0, -1, 2 ** 31, 1.5]) {
      expect(() => s.submitResponse(id, [])).toThrow(InvalidArgumentError);
      expect(() => s.submitSynReply(0, id, [])).toThrow(InvalidArgumentError);
      expect(() => s.submitHeaders(0, id, [])).toThrow(InvalidArgumentError);
      expect(() => s.submitRstStream(id, 1)).toThrow(InvalidArgumentError);
      expect(() => s.submitData(id, 0, bodyProvider('x'))).toThrow(InvalidArgumentError);
    }
  });

  it('submitData needs a DataProvider', () => {
    const s = client(V).session;
    expect(() => s.submitData(1, 0, null as unknown as DataProvider)).toThrow(InvalidArgumentError);
    expect(() => s.submitData(1, 0, {} as unknown as DataProvider)).toThrow(InvalidArgumentError);
  });

  it('submitData for a stream that does not exist is accepted and dropped silently at send', () => {
    const h = client(V);
    h.session.submitData(1, DATA_FLAG_FIN, bodyProvider('x'));
    expect(h.session.getOutboundQueueSize()).toBe(1);
    expect(h.flush()).toEqual([]);
    expect(h.log.texts).toEqual([]);
  });
});

describe('submitRstStream / submitPing / submitGoaway', () => {
  it('submitRstStream sends any status for any stream id, known or not', () => {
    const h = client(V);
    h.session.submitRstStream(9, 1234);
    expect(h.flushLabels()).toEqual(['RST_STREAM(9,status=1234)']);
    expect(() => h.session.submitRstStream(1, -1)).toThrow(InvalidArgumentError);
    expect(() => h.session.submitRstStream(1, 2 ** 32)).toThrow(InvalidArgumentError);
  });

  it('submitPing uses odd ids on a client and even ids on a server', () => {
    const c = client(V);
    c.session.submitPing();
    c.session.submitPing();
    expect(c.flushLabels()).toEqual(['PING(1)', 'PING(3)']);
    const s = server(V);
    s.session.submitPing();
    s.session.submitPing();
    expect(s.flushLabels()).toEqual(['PING(2)', 'PING(4)']);
  });

  it('submitGoaway status is sent in SPDY/3 and dropped in SPDY/2 (no field)', () => {
    const h3 = client(PROTO_SPDY3);
    h3.session.submitGoaway(GOAWAY_INTERNAL_ERROR);
    expect(h3.flushLabels()).toEqual(['GOAWAY(0,INTERNAL_ERROR)']);
    const h2 = client(PROTO_SPDY2);
    h2.session.submitGoaway(GOAWAY_INTERNAL_ERROR);
    const sent = h2.flush();
    expect(framesOfType(sent, 7)[0]).toMatchObject({ length: 4, statusCode: 0 });
  });
});

describe('submitSettings', () => {
  it('entries are sent sorted by id', () => {
    const h = client(V);
    h.session.submitSettings(0, [
      [7, 0, 1000],
      [4, 0, 10],
    ]);
    expect(framesOfType(h.flush(), 4)[0]!.iv).toEqual([
      [4, 0, 10],
      [7, 0, 1000],
    ]);
  });

  it('a repeated or unknown id throws InvalidArgumentError and changes nothing', () => {
    const h = client(V);
    for (const iv of [
      [
        [4, 0, 1],
        [4, 0, 2],
      ],
      [[0, 0, 1]],
      [[9, 0, 1]],
      [[4, 0, -1]],
      [[4, 0, 2 ** 32]],
      [[4, 0]],
    ]) {
      expect(() => h.session.submitSettings(0, iv as [number, number, number][])).toThrow(InvalidArgumentError);
    }
    expect(() => h.session.submitSettings(256, [])).toThrow(InvalidArgumentError);
    expect(h.session.getOutboundQueueSize()).toBe(0);
    // Our MAX_CONCURRENT_STREAMS is still unlimited: three pushed streams are all accepted.
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.log.take();
    for (const id of [2, 4, 6]) h.recv(h.peer.synStream({ streamId: id, assocStreamId: 1, flags: CTRL_FLAG_UNIDIRECTIONAL }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(2)', 'ctrl-recv SYN_STREAM(4)', 'ctrl-recv SYN_STREAM(6)']);
  });

  it('an empty list is allowed', () => {
    const h = client(V);
    h.session.submitSettings(0, []);
    expect(framesOfType(h.flush(), 4)[0]!.iv).toEqual([]);
  });

  it('local settings change at submit, before the frame is sent', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.session.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, 4096]]);
    // The automatic WINDOW_UPDATE threshold is already half of 4096, not of 65536.
    h.recv(h.peer.synReply({ streamId: 1 }), h.peer.data(1, 0, 2048));
    expect(h.flushLabels()).toEqual(['SETTINGS', 'WINDOW_UPDATE(1,+2048)']);
  });
});

describe('submitWindowUpdate', () => {
  it('queues WINDOW_UPDATE for an open stream', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitWindowUpdate(1, 4096);
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+4096)']);
  });

  it('a delta outside 1..2^31-1 throws InvalidArgumentError', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    for (const delta of [0, -1, 2 ** 31, 0.5]) {
      expect(() => h.session.submitWindowUpdate(1, delta)).toThrow(InvalidArgumentError);
    }
  });

  it('a stream that is not open throws StreamClosedError', () => {
    const h = server(V);
    expect(() => h.session.submitWindowUpdate(1, 100)).toThrow(StreamClosedError);
  });

  it('stream 0 updates the session window in SPDY/3.1 and is dropped silently in SPDY/3', () => {
    const h31 = client(PROTO_SPDY3_1);
    h31.session.submitWindowUpdate(0, 1000);
    expect(h31.flushLabels()).toEqual(['WINDOW_UPDATE(0,+1000)']);
    const h3 = client(PROTO_SPDY3);
    h3.session.submitWindowUpdate(0, 1000);
    expect(h3.flush()).toEqual([]);
    expect(h3.log.texts).toEqual([]); // WINDOW_UPDATE failures never reach onCtrlNotSendCb
  });

  it('lowers the automatic-update counter by at most what it holds (spdylay test_spdylay_submit_window_update)', () => {
    // The counter is seen through the automatic update, sent once it reaches 32768.
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 4096));
    h.session.submitWindowUpdate(1, 1024); // 4096 - 1024: 3072 left
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+1024)']);
    h.recv(h.peer.data(1, 0, 32_768 - 3072 - 1));
    expect(h.flushLabels()).toEqual([]);
    h.recv(h.peer.data(1, 0, 1));
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+32768)']);

    const g = server(V);
    g.recv(g.peer.synStream({ streamId: 1 }), g.peer.data(1, 0, 4096));
    g.session.submitWindowUpdate(1, 1024);
    g.session.submitWindowUpdate(1, 4096); // 3072 - 4096: 0, not below
    g.session.submitWindowUpdate(1, 4096); // still 0
    expect(g.flushLabels()).toEqual(['WINDOW_UPDATE(1,+1024)', 'WINDOW_UPDATE(1,+4096)', 'WINDOW_UPDATE(1,+4096)']);
    g.recv(g.peer.data(1, 0, 32_767));
    expect(g.flushLabels()).toEqual([]);
    g.recv(g.peer.data(1, 0, 1));
    expect(g.flushLabels()).toEqual(['WINDOW_UPDATE(1,+32768)']);
  });
});

describe('resumeData', () => {
  it('throws InvalidArgumentError on a fresh session and for a stream without deferred DATA', () => {
    const h = client(V);
    expect(() => h.session.resumeData(1)).toThrow(InvalidArgumentError);
    h.session.submitRequest(0, [[':path', '/']], bodyProvider('x'));
    h.flush();
    expect(() => h.session.resumeData(1)).toThrow(InvalidArgumentError);
  });

  it('returns true for DATA deferred by its provider', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/']], new DataProvider(null, () => ERR_DEFERRED));
    h.flush();
    expect(h.session.resumeData(1)).toBe(true);
  });
});

describe('getStreamUserData', () => {
  it('is the streamUserData of our stream, null for unknown, peer and closed streams', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    const data = { push: true };
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/p']], 1, data);
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/q']], 1);
    h.flush();
    expect(h.session.getStreamUserData(2)).toBe(data);
    expect(h.session.getStreamUserData(4)).toBeNull(); // none given
    expect(h.session.getStreamUserData(1)).toBeNull(); // the peer's stream
    expect(h.session.getStreamUserData(6)).toBeNull(); // unknown
    h.session.submitRstStream(2, 5);
    h.flush();
    expect(h.session.getStreamUserData(2)).toBeNull(); // closed
  });

  it('is readable from submit until onStreamCloseCb returns', () => {
    const seen: unknown[] = [];
    const h = client(V, {
      callbacks: {
        beforeCtrlSendCb: (s) => seen.push(s.getStreamUserData(1)),
        onStreamCloseCb: (s, id) => seen.push(s.getStreamUserData(id)),
      },
    });
    h.session.submitRequest(0, [[':path', '/']], null, 'mine');
    h.flush();
    h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }));
    expect(seen).toEqual(['mine', 'mine']);
    expect(h.session.getStreamUserData(1)).toBeNull();
  });
});

describe('getOutboundQueueSize', () => {
  it('counts queued frames (spdylay test_spdylay_session_get_outbound_queue_size)', () => {
    const h = client(V);
    expect(h.session.getOutboundQueueSize()).toBe(0);
    h.session.submitSynStream(0, 0, [[':path', '/']]);
    expect(h.session.getOutboundQueueSize()).toBe(1);
    h.session.submitGoaway(GOAWAY_OK);
    expect(h.session.getOutboundQueueSize()).toBe(2);
    h.flush();
    expect(h.session.getOutboundQueueSize()).toBe(0);
  });

  it('does not count deferred DATA nor the frame being written', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/']], new DataProvider(null, () => ERR_DEFERRED));
    h.flush();
    expect(h.session.getOutboundQueueSize()).toBe(0);
    let first = true;
    const blocking = new Session(CLIENT, V, {
      sendCb: (_s, data) => {
        if (!first) return 0;
        first = false;
        return Math.min(3, data.length);
      },
    });
    blocking.submitPing();
    blocking.send();
    expect(blocking.getOutboundQueueSize()).toBe(0);
    expect(blocking.wantWrite()).toBe(true);
  });
});

describe('getPriLowest', () => {
  it('is 3 in SPDY/2 and 7 in SPDY/3 and SPDY/3.1', () => {
    expect(new Session(CLIENT, PROTO_SPDY2).getPriLowest()).toBe(3);
    expect(new Session(CLIENT, PROTO_SPDY3).getPriLowest()).toBe(7);
    expect(new Session(SERVER, PROTO_SPDY3_1).getPriLowest()).toBe(7);
  });
});

describe('wantRead / wantWrite', () => {
  it('a fresh session wants to read and has nothing to write', () => {
    const s = new Session(CLIENT, V);
    expect([s.wantRead(), s.wantWrite()]).toEqual([true, false]);
    s.submitPing();
    expect(s.wantWrite()).toBe(true);
  });

  it('GOAWAY submitted, not yet sent: both true', () => {
    const h = client(V);
    h.session.submitGoaway(GOAWAY_OK);
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([true, true]);
  });

  it('GOAWAY sent with no stream left: neither', () => {
    const h = client(V);
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
  });

  it('GOAWAY sent while a stream is open: reads on; writes only what is queued', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([true, false]);
    h.session.submitResponse(1, [[':status', '200']]);
    expect(h.session.wantWrite()).toBe(true);
    h.flush(); // the stream closes
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
  });

  it('GOAWAY received with no stream: neither; with a stream: reads on', () => {
    const a = client(V);
    a.recv(a.peer.goaway(0));
    expect([a.session.wantRead(), a.session.wantWrite()]).toEqual([false, false]);
    const b = client(V);
    b.session.submitRequest(0, [[':path', '/']]);
    b.flush();
    b.recv(b.peer.goaway(1));
    expect([b.session.wantRead(), b.session.wantWrite()]).toEqual([true, false]);
  });

  it('failSession: nothing to read at once, the GOAWAY still to write; after it, neither', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.failSession(GOAWAY_INTERNAL_ERROR);
    expect(h.session.wantWrite()).toBe(true);
    expect(h.flushLabels()).toEqual(['GOAWAY(1,INTERNAL_ERROR)']);
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
  });

  it('a partly written frame is still to write', () => {
    let calls = 0;
    const s = new Session(CLIENT, V, { sendCb: (_s, d) => (calls++ === 0 ? Math.min(2, d.length) : 0) });
    s.submitPing();
    s.send();
    expect(s.getOutboundQueueSize()).toBe(0);
    expect(s.wantWrite()).toBe(true);
  });
});

describe('failSession', () => {
  it('names the last stream the peer opened and takes effect at once', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 3 }));
    h.session.failSession(GOAWAY_INTERNAL_ERROR);
    h.log.take();
    // Refused before the GOAWAY is even sent: new streams either way.
    h.recv(h.peer.synStream({ streamId: 5 }));
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/']], 3);
    expect(h.flushLabels()).toEqual(['GOAWAY(3,INTERNAL_ERROR)']);
    expect(h.log.take()).toEqual([
      'ctrl-not-send SYN_STREAM(0) ERR_SYN_STREAM_NOT_ALLOWED',
      'before-ctrl-send GOAWAY(3,INTERNAL_ERROR)',
      'ctrl-send GOAWAY(3,INTERNAL_ERROR)',
    ]);
    expect(h.log.of('onCtrlNotSendCb')[0]!.args[1]).toBe(ERR_SYN_STREAM_NOT_ALLOWED);
  });

  it('a status outside 0..2^32-1 throws', () => {
    expect(() => new Session(CLIENT, V).failSession(-1)).toThrow(InvalidArgumentError);
  });
});

describe('send / recv / memSend / memSendv / memRecv', () => {
  it('send() without a sendCb throws InvalidArgumentError and loses nothing: memSend() still has the frames', () => {
    const s = new Session(CLIENT, V);
    s.submitPing();
    expect(() => s.send()).toThrow(InvalidArgumentError);
    expect(s.wantWrite()).toBe(true);
    expect(s.memSend()!.length).toBe(12);
    expect(s.wantWrite()).toBe(false);
    expect(s.memSend()).toBeNull();
  });

  it('recv() without data needs a recvCb', () => {
    expect(() => new Session(CLIENT, V).recv()).toThrow(CallbackFailureError);
  });

  it('recvCb returning more than it was asked for fails with CallbackFailureError', () => {
    const s = new Session(CLIENT, V, { recvCb: () => new Uint8Array(16385) });
    expect(() => s.recv()).toThrow(CallbackFailureError);
  });

  it('sendCb returning more than it was offered fails with CallbackFailureError', () => {
    const s = new Session(CLIENT, V, { sendCb: (_s, d) => d.length + 1 });
    s.submitPing();
    expect(() => s.send()).toThrow(CallbackFailureError);
  });

  it('recv(data) is memRecv(data); memRecv returns the length and accepts a Buffer', () => {
    const h = server(V);
    const frame = h.peer.ping(1);
    expect(h.session.memRecv(Buffer.from(frame))).toBe(12);
    h.session.recv(h.peer.ping(3));
    expect(h.log.take()).toEqual(['ctrl-recv PING(1)', 'ctrl-recv PING(3)']);
    expect(() => h.session.memRecv('x' as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });

  it('memSend returns null when idle and a fresh buffer each time (never reused)', () => {
    const s = new Session(CLIENT, V);
    expect(s.memSend()).toBeNull();
    s.submitPing();
    const first = s.memSend()!;
    const copy = first.slice();
    s.submitPing();
    const second = s.memSend()!;
    expect(second.buffer).not.toBe(first.buffer);
    expect(first).toEqual(copy);
  });

  it('memSendv hands out the provider\'s bytes as they were returned (no copy)', () => {
    const payload = ascii('exactly these bytes');
    const s = new Session(CLIENT, V);
    s.submitRequest(
      0,
      [[':path', '/']],
      new DataProvider(null, (_s, _id, _len, ctrl) => {
        ctrl.flags = 1;
        return payload;
      }),
    );
    const views = s.memSendv()!;
    expect(views).toContain(payload);
  });

  it('memSend stops adding frames once config.memSendChunkSize is reached (whole frames only)', () => {
    const s = new Session(CLIENT, V, { config: { memSendChunkSize: 20 } });
    s.submitPing();
    s.submitPing();
    s.submitPing();
    expect([s.memSend()!.length, s.memSend()!.length, s.memSend()]).toEqual([24, 12, null]);
  });

  it('memSend after a partial send() write hands out the rest of that frame first', () => {
    let first = true;
    const s = new Session(CLIENT, V, {
      sendCb: (_s, d) => {
        if (!first) return 0;
        first = false;
        return 5;
      },
    });
    s.submitPing();
    s.send();
    const rest = s.memSend()!;
    expect(rest.length).toBe(7);
    expect(s.wantWrite()).toBe(false);
  });
});
