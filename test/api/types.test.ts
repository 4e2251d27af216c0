/**
 * What the public types say, checked by `npm run typecheck` (tsc compiles
 * the tests): frame classes form a union discriminated by frameType, a
 * DataProvider's callback sees the Session and its own source type, and
 * PreparedFrame shows no internals. `@ts-expect-error` lines fail the type
 * check if what they expect to be an error compiles. The runtime halves
 * check that the values agree with the types.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CLIENT,
  DataProvider,
  GOAWAY,
  GoawayFrame,
  HEADERS,
  PING,
  PROTO_SPDY3,
  RST_STREAM,
  SERVER,
  SETTINGS,
  Session,
  SessionMachine,
  SYN_REPLY,
  SYN_STREAM,
  SynReplyFrame,
  SynStreamFrame,
  WINDOW_UPDATE,
} from '../../src/index.js';
import type { AnyCtrlFrame, NameValue, PreparedFrame, ReadCallback, ReadControl } from '../../src/index.js';

/** What a narrowing on frameType gives, one case per frame class. */
function describeFrame(frame: AnyCtrlFrame): string {
  switch (frame.frameType) {
    case SYN_STREAM:
      expectTypeOf(frame).toEqualTypeOf<SynStreamFrame>();
      return `SYN_STREAM ${frame.streamId} pri=${frame.pri}`;
    case SYN_REPLY:
      expectTypeOf(frame).toEqualTypeOf<SynReplyFrame>();
      return `SYN_REPLY ${frame.streamId} ${frame.nv.length} headers`;
    case HEADERS:
      return `HEADERS ${frame.streamId}`;
    case RST_STREAM:
      return `RST_STREAM ${frame.streamId} ${frame.statusCode}`;
    case SETTINGS:
      return `SETTINGS ${frame.iv.length}`;
    case PING:
      return `PING ${frame.uniqueId}`;
    case GOAWAY:
      expectTypeOf(frame).toEqualTypeOf<GoawayFrame>();
      return `GOAWAY ${frame.lastGoodStreamId}`;
    case WINDOW_UPDATE:
      return `WINDOW_UPDATE ${frame.deltaWindowSize}`;
    default: {
      // Every class is handled: nothing is left.
      expectTypeOf(frame).toBeNever();
      return 'unreachable';
    }
  }
}

describe('AnyCtrlFrame is discriminated by frameType', () => {
  it('a comparison with a frame type constant narrows to that class', () => {
    const narrowed = (frame: AnyCtrlFrame): NameValue[] | null => {
      if (frame.frameType === SYN_REPLY) return frame.nv;
      // @ts-expect-error: RST_STREAM, SETTINGS, PING, GOAWAY and WINDOW_UPDATE frames have no nv.
      void frame.nv;
      return null;
    };
    expect(narrowed).toBeTypeOf('function');
  });

  it('frames from a real exchange carry the frameType their class declares (else they would read as unreachable)', () => {
    const seen: string[] = [];
    const server = new Session(SERVER, PROTO_SPDY3, {
      onCtrlRecvCb: (_s, frame) => seen.push(describeFrame(frame)),
      onRequestRecvCb: (s, streamId) => s.submitResponse(streamId, [[':status', '200 OK'], [':version', 'HTTP/1.1']]),
    });
    const client = new Session(CLIENT, PROTO_SPDY3, {
      onCtrlRecvCb: (_s, frame) => seen.push(describeFrame(frame)),
    });
    client.submitRequest(3, [[':method', 'GET'], [':path', '/']]);
    client.submitPing();
    client.submitGoaway(0);
    server.memRecv(client.memSend()!);
    client.memRecv(server.memSend()!);
    expect(seen).toEqual(['PING 1', 'SYN_STREAM 1 pri=3', 'GOAWAY 0', 'PING 1', 'SYN_REPLY 1 2 headers']);
  });
});

describe('DataProvider and ReadCallback', () => {
  it('the callback sees the Session and the provider\'s own source type', () => {
    interface Body {
      bytes: Uint8Array;
    }
    const read: ReadCallback<Body> = (session, _streamId, _length, ctrl, source) => {
      expectTypeOf(session).toEqualTypeOf<Session>();
      expectTypeOf(ctrl).toEqualTypeOf<ReadControl>();
      expectTypeOf(source).toEqualTypeOf<Body>();
      ctrl.flags = 1;
      return source.bytes;
    };
    const provider = new DataProvider<Body>({ bytes: new Uint8Array([1, 2, 3]) }, read);
    // @ts-expect-error: a source of another type does not fit this callback.
    void new DataProvider<string>('text', read);
    const s = new Session(CLIENT, PROTO_SPDY3);
    s.submitRequest(0, [[':method', 'POST']], provider);
    expect(s.memSend()!.length).toBeGreaterThan(3);
  });
});

describe('PreparedFrame', () => {
  it('shows the bytes and their length, not the outbound queue item', () => {
    const m = new SessionMachine(CLIENT, PROTO_SPDY3, () => {});
    m.submitPing();
    const frame = m.nextFrame()!;
    expectTypeOf(frame).toEqualTypeOf<PreparedFrame>();
    // @ts-expect-error: the queue item is internal.
    void frame.item;
    expect([frame.head.length, frame.payload, frame.length]).toEqual([12, null, 12]);
    m.frameSent(frame);
  });
});
