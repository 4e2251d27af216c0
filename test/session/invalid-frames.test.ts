/**
 * Malformed frames at the session (spdylay_session_process_ctrl_frame and
 * its two answers): a frame that cannot be parsed, or whose header block
 * cannot be inflated or unpacked, is a parse error (onCtrlRecvParseErrorCb,
 * GOAWAY PROTOCOL_ERROR); a header block with bad content, or a frame too
 * large, is a stream error (RST_STREAM, onInvalidCtrlRecvCb); an unknown
 * type is only reported. The header decompressor stays in step through
 * every stream error. After a parse error the session has failed and reads
 * nothing more (quiet.test.ts), where spdylay reads on.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  ERR_INVALID_FRAME,
  ERR_UNSUPPORTED_VERSION,
  ERR_ZLIB,
  GOAWAY,
  HEADERS,
  PING,
  PROTO_SPDY3,
  PROTOCOL_ERROR,
  RST_STREAM,
  SERVER,
  SessionMachine,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/index.js';
import type { HeadersFrame, NameValue, SessionEvent, SynStreamFrame } from '../../src/index.js';
import { concat, hex } from '../helpers/bytes.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import type { Harness, HarnessOptions } from '../helpers/harness.js';

const V = PROTO_SPDY3;

describe('parse errors: onCtrlRecvParseErrorCb, then GOAWAY PROTOCOL_ERROR', () => {
  const cases: Array<[string, number, Uint8Array, number?]> = [
    ['RST_STREAM of 7 bytes', RST_STREAM, hex('00 00 00 01 00 00 00')],
    ['WINDOW_UPDATE of 9 bytes', WINDOW_UPDATE, hex('00 00 00 01 00 00 00 01 00')],
    ['PING of 3 bytes', PING, hex('00 00 01')],
    ['GOAWAY of 4 bytes in SPDY/3', GOAWAY, hex('00 00 00 00')],
    ['SETTINGS of 3 bytes', SETTINGS, hex('00 00 00')],
    ['SETTINGS whose count says 2 with one entry', SETTINGS, hex('00 00 00 02  00 00 00 04  00 00 00 01')],
    ['SYN_STREAM without a header block', SYN_STREAM, hex('00 00 00 01  00 00 00 00  00 00')],
    ['SYN_REPLY of 3 bytes', SYN_REPLY, hex('00 00 01')],
    ['SETTINGS of version 4', SETTINGS, hex('00 00 00 00'), 4],
  ];

  it.each(cases)('%s', (_name, type, payload, version) => {
    const h = server(V);
    const frame = h.peer.raw(type, 0, payload, version);
    h.recv(frame);
    const entries = h.log.of('onCtrlRecvParseErrorCb');
    expect(entries.length).toBe(1);
    const [gotType, head, kept, error] = entries[0]!.args;
    expect(gotType).toBe(type);
    expect(head).toEqual(frame.subarray(0, 8));
    expect(error).toBe(version === 4 ? ERR_UNSUPPORTED_VERSION : ERR_INVALID_FRAME);
    expect((kept as Uint8Array).length).toBeLessThanOrEqual(payload.length);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });

  it('after a parse error the session reads nothing more: a PING in the same buffer is neither reported nor echoed (spdylay reads on)', () => {
    const h = server(V);
    h.recv(h.peer.raw(PING, 0, hex('00')), h.peer.ping(1));
    expect(h.log.take()).toEqual(['parse-error PING ERR_INVALID_FRAME']);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });
});

/** A client with stream 1 open, waiting for SYN_REPLY. */
function waitingOn(version: number, options?: HarnessOptions): Harness {
  const h = client(version, options);
  h.session.submitSynStream(0, 0, [[':path', '/']]);
  h.flush();
  h.log.take();
  return h;
}

describe('header blocks', () => {
  const waiting = (): Harness => waitingOn(V);

  it('lengths that do not add up (count 2, one pair): parse error; the frame after it is not read', () => {
    const h = waiting();
    const bad = h.peer.pack([['a', 'b']]);
    bad[3] = 2; // the count
    h.recv(h.peer.withBlock({ type: HEADERS, streamId: 1 }, bad), h.peer.synReply({ streamId: 1, nv: [[':status', '200']] }));
    expect(h.log.take()).toEqual(['parse-error HEADERS ERR_INVALID_FRAME']);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });

  it('bytes after the last pair, or an empty block: parse error', () => {
    for (const trailing of [true, false]) {
      const h = waiting();
      const block = trailing ? concat(h.peer.pack([['a', 'b']]), hex('00')) : new Uint8Array(0);
      h.recv(h.peer.withBlock({ type: SYN_REPLY, streamId: 1 }, block));
      expect(h.log.take()).toEqual(['parse-error SYN_REPLY ERR_INVALID_FRAME']);
    }
  });

  it.each([
    ['an empty name', [['', 'x']]],
    ['an upper-case name', [['X-A', 'x']]],
    ['a control character in a value', [['x-a', 'a\nb']]],
    ['an empty piece between NULs', [['x-a', 'a\0\0b']]],
    ['a NUL at the end of a value', [['x-a', 'GET\0']]],
    ['the same name twice', [['x-a', '1'], ['x-a', '2']]],
  ] as const)('%s: RST_STREAM PROTOCOL_ERROR, and the next block still inflates', (_name, nv) => {
    const h = waiting();
    h.recv(h.peer.synReply({ streamId: 1, nv: nv.map(([n, v]) => [n, v]) }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_REPLY(1) PROTOCOL_ERROR']);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,PROTOCOL_ERROR)']);
    const g = server(V);
    g.recv(g.peer.synStream({ streamId: 1, nv: nv.map(([n, v]) => [n, v]) }), g.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN, nv: [[':path', '/ok']] }));
    expect(g.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR', 'ctrl-recv SYN_STREAM(3)', 'request-recv 3']);
  });

  it('a block refused for its content reaches onInvalidCtrlRecvCb with its pairs as received, in every version', () => {
    for (const { version } of EVERY_VERSION) {
      const received: NameValue[] = [['url', '/'], ['X-Upper', 'A'], ['x-multi', 'a\0b'], ['method', 'GET']];
      const g = server(version);
      g.recv(g.peer.synStream({ streamId: 1, nv: received }));
      expect(g.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR']);
      // Wire order, the NUL-joined value split, names untouched (not lowered, not mapped from SPDY/2).
      expect((g.log.frames('onInvalidCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([
        ['url', '/'],
        ['X-Upper', 'A'],
        ['x-multi', 'a'],
        ['x-multi', 'b'],
        ['method', 'GET'],
      ]);
      const h = waitingOn(version);
      h.recv(h.peer.headers({ streamId: 1, nv: [['x-a', '1'], ['x-a', '2']] }));
      expect(h.log.take()).toEqual(['invalid-ctrl-recv HEADERS(1) PROTOCOL_ERROR']);
      expect((h.log.frames('onInvalidCtrlRecvCb')[0] as HeadersFrame).nv).toEqual([['x-a', '1'], ['x-a', '2']]);
    }
  });

  it('the same pairs reach a SessionMachine sink', () => {
    const events: SessionEvent[] = [];
    const machine = new SessionMachine(SERVER, V, (event) => events.push(event));
    machine.memRecv(new FrameFactory(V, CLIENT).synStream({ streamId: 1, nv: [['Host', 'h']] }));
    expect(events).toMatchObject([{ type: 'invalid-ctrl-recv', statusCode: PROTOCOL_ERROR, frame: { type: SYN_STREAM, nv: [['Host', 'h']] } }]);
  });

  it('an entirely empty value (no NUL) is fine', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, nv: [['x-empty', '']] }));
    expect((h.log.frames('onCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([['x-empty', '']]);
  });

  it('broken compressed data: parse error ERR_ZLIB, one GOAWAY; later blocks are not read (spdylay inflates them and fails again)', () => {
    const h = server(V);
    h.recv(h.peer.withBlock({ type: SYN_STREAM, streamId: 1 }, hex('de ad be ef'), { compressed: false }));
    h.recv(h.peer.synStream({ streamId: 3, nv: [[':path', '/']] }));
    expect(h.log.of('onCtrlRecvParseErrorCb').map((e) => e.args[3])).toEqual([ERR_ZLIB]);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
    expect(h.log.of('onCtrlNotSendCb')).toEqual([]);
  });
});

describe('size limits', () => {
  it('a header frame above maxControlFrameLength: RST_STREAM FRAME_TOO_LARGE, no stream, the id not used', () => {
    const h = server(V, { config: { maxControlFrameLength: 200 } });
    h.recv(h.peer.synStream({ streamId: 1, nv: [['x-big', 'x'.repeat(1000)]] }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) FRAME_TOO_LARGE']);
    expect((h.log.frames('onInvalidCtrlRecvCb')[0] as SynStreamFrame).nv).toEqual([]);
    expect(h.stream(1)).toBeUndefined();
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FRAME_TOO_LARGE)']);
    h.log.take();
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [[':path', '/']] })); // in step, and 1 is still new
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1']);
  });

  it('a header block inflating past maxHeaderBlockSize: RST_STREAM FRAME_TOO_LARGE', () => {
    const h = server(V, { config: { maxHeaderBlockSize: 100 } });
    h.recv(h.peer.synStream({ streamId: 1, nv: [['x-big', 'y'.repeat(500)]] }));
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FRAME_TOO_LARGE)']);
  });

  it('maxHeaderBlockSize follows maxControlFrameLength unless given: a block compressing under the frame bound but inflating past it is refused', () => {
    const value = 'x'.repeat(5000); // compresses to a few dozen bytes at the peer's level 9
    const h = waitingOn(V, { config: { maxControlFrameLength: 1000 } });
    const reply = h.peer.synReply({ streamId: 1, nv: [['x-big', value]] });
    expect(reply.length).toBeLessThan(1000);
    h.recv(reply);
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_REPLY(1) FRAME_TOO_LARGE']);
    const wide = waitingOn(V, { config: { maxControlFrameLength: 1000, maxHeaderBlockSize: 10_000 } });
    wide.recv(wide.peer.synReply({ streamId: 1, nv: [['x-big', value]] }));
    expect(wide.log.take()).toEqual(['ctrl-recv SYN_REPLY(1)']);
    const defaults = waitingOn(V); // 2^24-1 both
    defaults.recv(defaults.peer.synReply({ streamId: 1, nv: [['x-big', value]] }));
    expect(defaults.log.take()).toEqual(['ctrl-recv SYN_REPLY(1)']);
  });

  it('maxControlFrameLength and maxHeaderBlockSize are checked at construction (8..2^24-1 and 8..2^31-1)', () => {
    for (const bad of [7, 0x1000000, 1.5]) expect(() => server(V, { config: { maxControlFrameLength: bad } })).toThrow(/config\.maxControlFrameLength must be an integer 8\.\.16777215/);
    for (const bad of [7, 0x80000000]) expect(() => server(V, { config: { maxHeaderBlockSize: bad } })).toThrow(/config\.maxHeaderBlockSize must be an integer 8\.\.2147483647/);
  });

  // A header list counts each name's and value's length plus 32 per pair (header-budget.ts):
  // [':path', '/'] is 38, ['x-a', 50 characters] 85.
  const fifty = 'v'.repeat(50);

  it('HEADERS adding up past maxStreamHeaderBytes: the one that passes it gets RST_STREAM FRAME_TOO_LARGE; other streams go on', () => {
    const h = server(V, { config: { maxStreamHeaderBytes: 208 } });
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':path', '/']] }), h.peer.synStream({ streamId: 3, nv: [[':path', '/']] }));
    h.recv(h.peer.headers({ streamId: 1, nv: [['x-a', fifty]] }), h.peer.headers({ streamId: 1, nv: [['x-a', fifty]] })); // 38 + 85 + 85 = 208: at the bound
    h.recv(h.peer.headers({ streamId: 3, nv: [['x-a', fifty]] }), h.peer.headers({ streamId: 1, nv: [['x', '']] })); // stream 1 to 241
    expect(h.log.take()).toEqual([
      'ctrl-recv SYN_STREAM(1)',
      'ctrl-recv SYN_STREAM(3)',
      'ctrl-recv HEADERS(1)',
      'ctrl-recv HEADERS(1)',
      'ctrl-recv HEADERS(3)',
      'invalid-ctrl-recv HEADERS(1) FRAME_TOO_LARGE',
    ]);
    expect((h.log.frames('onInvalidCtrlRecvCb')[0] as HeadersFrame).nv).toEqual([['x', '']]);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FRAME_TOO_LARGE)']);
    h.recv(h.peer.headers({ streamId: 3, flags: CTRL_FLAG_FIN, nv: [['x-b', 'ok']] })); // 38 + 85 + 37
    expect(h.log.take().slice(-2)).toEqual(['ctrl-recv HEADERS(3)', 'request-recv 3']);
  });

  it('on our stream the SYN_REPLY counts too, in every version', () => {
    for (const { version } of EVERY_VERSION) {
      const c = waitingOn(version, { config: { maxStreamHeaderBytes: 100 } });
      c.recv(c.peer.synReply({ streamId: 1, nv: [[':status', '200']] }), c.peer.headers({ streamId: 1, nv: [['x-a', fifty]] })); // 42 + 85
      expect(c.log.take()).toEqual(['ctrl-recv SYN_REPLY(1)', 'invalid-ctrl-recv HEADERS(1) FRAME_TOO_LARGE']);
      expect(c.flushLabels()).toEqual(['RST_STREAM(1,FRAME_TOO_LARGE)']);
    }
  });

  it('a SYN_STREAM whose list alone passes maxStreamHeaderBytes is refused as a frame too large is: no stream, the id not used', () => {
    const h = server(V, { config: { maxStreamHeaderBytes: 84 } });
    h.recv(h.peer.synStream({ streamId: 1, nv: [['x-a', fifty]] }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) FRAME_TOO_LARGE']);
    expect(h.stream(1)).toBeUndefined();
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FRAME_TOO_LARGE)']);
    h.log.take();
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [[':path', '/']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1']);
  });

  it('maxStreamHeaderBytes defaults to 16 MiB and takes any integer 0..2^53-1', () => {
    const h = server(V);
    // 38, then two HEADERS of 1 + (8 MiB - 52) + 32 = 8 MiB - 19 each: 16 MiB exactly; then 33 more.
    const half = 'v'.repeat(8 * 1024 * 1024 - 19 - 1 - 32);
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':path', '/']] }));
    h.recv(h.peer.headers({ streamId: 1, nv: [['x', half]] }));
    h.recv(h.peer.headers({ streamId: 1, nv: [['y', half]] }));
    h.recv(h.peer.headers({ streamId: 1, nv: [['z', '']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'ctrl-recv HEADERS(1)', 'ctrl-recv HEADERS(1)', 'invalid-ctrl-recv HEADERS(1) FRAME_TOO_LARGE']);
    expect(() => server(V, { config: { maxStreamHeaderBytes: 0 } })).not.toThrow();
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => server(V, { config: { maxStreamHeaderBytes: bad } })).toThrow(/config\.maxStreamHeaderBytes must be an integer/);
    }
  });

  it('another frame above maxControlFrameLength: parse error and GOAWAY (test_spdylay_session_recv\'s 77-byte PING)', () => {
    const h = server(V, { config: { maxControlFrameLength: 8 } });
    h.recv(h.peer.raw(PING, 0, new Uint8Array(77)));
    expect(h.log.take()).toEqual(['parse-error PING ERR_INVALID_FRAME']);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });
});

describe('unknown types', () => {
  it('are reported and skipped; nothing is sent; what follows is read', () => {
    const h = server(V);
    h.recv(h.peer.raw(0, 0, hex('01 02')), h.peer.raw(11, 0, new Uint8Array(0)), h.peer.raw(0xffff, 0xff, hex('aa')), h.peer.ping(1));
    expect(h.log.take()).toEqual(['unknown-ctrl-recv len=2', 'unknown-ctrl-recv len=0', 'unknown-ctrl-recv len=1', 'ctrl-recv PING(1)']);
    expect(h.flushLabels()).toEqual(['PING(1)']);
  });
});
