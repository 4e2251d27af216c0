/**
 * An exception thrown by a user callback (docs/API.md "Behaviour the
 * contract fixes"; docs/behaviour.md "Callbacks"): the call that ran the
 * callback finishes its work, then the first such exception comes out of
 * it as the same object.
 * Nothing is lost (bytes memSend produced before the throw come out on the
 * next call) and the session's state stays consistent.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  DATA_FLAG_FIN,
  PROTO_SPDY3,
  SERVER,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  Session,
} from '../../src/index.js';
import type { SessionCallbacks } from '../../src/index.js';
import { concat, sameBytes } from '../helpers/bytes.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { client, server } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';
import { describeStream } from '../helpers/stream-states.js';

const V = PROTO_SPDY3;

describe('while receiving', () => {
  it('memRecv processes every frame, then rethrows the first exception as the same object', () => {
    const first = new Error('first');
    const second = new Error('second');
    let n = 0;
    const h = server(V, {
      callbacks: {
        onCtrlRecvCb: () => {
          n++;
          throw n === 1 ? first : second;
        },
      },
    });
    let caught: unknown;
    try {
      h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }), h.peer.ping(1), h.peer.synStream({ streamId: 3 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(first);
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'request-recv 1', 'ctrl-recv PING(1)', 'ctrl-recv SYN_STREAM(3)']);
    expect([describeStream(h, 1), describeStream(h, 3)]).toEqual(['OPENING,RD', 'OPENING']);
    expect(h.flushLabels()).toEqual(['PING(1)']); // the echo was queued before the throw was rethrown
  });

  it('anything thrown comes out unwrapped, even a non-Error', () => {
    const h = server(V, {
      callbacks: {
        onRequestRecvCb: () => {
          throw 'plain string';
        },
      },
    });
    expect(() => h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }))).toThrow('plain string');
  });

  it('the session goes on normally afterwards', () => {
    let throwing = true;
    const h = server(V, {
      callbacks: {
        onRequestRecvCb: (s, id) => {
          s.submitResponse(id, [[':status', '200']], bodyProvider('ok'));
          if (throwing) throw new Error('after submitting');
        },
      },
    });
    expect(() => h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }))).toThrow('after submitting');
    throwing = false;
    expect(() => h.recv(h.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN }))).not.toThrow();
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)', 'SYN_REPLY(3)', 'DATA(1,len=2,FIN)', 'DATA(3,len=2,FIN)']);
  });

  it('a throwing onDataChunkRecvCb still has every chunk counted and the frame completed', () => {
    const h = server(V, {
      callbacks: {
        onDataChunkRecvCb: () => {
          throw new Error('chunk');
        },
      },
    });
    h.recv(h.peer.synStream({ streamId: 1 }));
    const frame = h.peer.data(1, DATA_FLAG_FIN, 20_000);
    expect(() => h.session.memRecv(frame.subarray(0, 10_000))).toThrow('chunk');
    expect(() => h.session.memRecv(frame.subarray(10_000))).toThrow('chunk');
    expect(h.log.take().slice(-4)).toEqual([
      'data-chunk-recv 1,len=9992,FIN',
      'data-chunk-recv 1,len=10008,FIN',
      'data-recv 1,len=20000,FIN',
      'request-recv 1',
    ]);
    expect(describeStream(h, 1)).toBe('OPENING,RD');
    // The window is charged for the whole frame although every chunk callback
    // throws: on a stream that stays open, 65536 - 20000 bytes are left.
    h.recv(h.peer.synStream({ streamId: 3 }));
    const open = h.peer.data(3, 0, 20_000);
    expect(() => h.session.memRecv(open.subarray(0, 10_000))).toThrow('chunk');
    expect(() => h.session.memRecv(open.subarray(10_000))).toThrow('chunk');
    expect(() => h.recv(h.peer.data(3, 0, 65_536 - 20_000))).toThrow('chunk');
    h.log.take();
    h.recv(h.peer.data(3, 0, 1));
    expect(h.flushLabels()).toEqual(['RST_STREAM(3,FLOW_CONTROL_ERROR)']);
  });

  it('a throwing onStreamCloseCb: the stream is closed all the same', () => {
    const h = client(V, {
      callbacks: {
        onStreamCloseCb: () => {
          throw new Error('close');
        },
      },
    });
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    expect(() => h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }))).toThrow('close');
    expect(h.stream(1)).toBeUndefined();
    // Counted out exactly once: with the peer's limit at 1, one new stream (not two, not none) may open.
    h.recv(h.peer.settings(0, [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, 1]]));
    h.session.submitRequest(0, [[':path', '/a']]);
    h.session.submitRequest(0, [[':path', '/b']]);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(3)']);
  });

  it('recv() with a recvCb rethrows once the chunk in hand is processed', () => {
    const peer = new FrameFactory(V, CLIENT);
    const input = [concat(peer.ping(1), peer.ping(3))];
    const boom = new Error('boom');
    const seen: number[] = [];
    const s = new Session(SERVER, V, {
      recvCb: () => input.shift() ?? null,
      onCtrlRecvCb: (_s, f) => {
        seen.push((f as { uniqueId: number }).uniqueId);
        throw boom;
      },
    });
    expect(() => s.recv()).toThrow(boom);
    expect(seen).toEqual([1, 3]);
  });
});

describe('while sending', () => {
  /** The bytes a session writes for `script`, with the callbacks given. */
  const run = (callbacks: SessionCallbacks) => {
    const s = new Session(CLIENT, V, callbacks);
    s.submitPing();
    s.submitRequest(0, [[':path', '/a']], bodyProvider(5000));
    s.submitRequest(1, [[':path', '/b']]);
    return s;
  };

  it('memSend rethrows the first exception and the bytes it had produced come out on the next call', () => {
    const reference = run({});
    const expected = reference.memSend()!;
    const oops = new Error('ctrl send');
    let thrown = false;
    const s = run({
      onCtrlSendCb: () => {
        if (!thrown) {
          thrown = true;
          throw oops;
        }
      },
    });
    expect(() => s.memSend()).toThrow(oops);
    const parts: Uint8Array[] = [];
    for (let out = s.memSend(); out !== null; out = s.memSend()) parts.push(out);
    expect(sameBytes(concat(...parts), expected)).toBe(true);
  });

  it('wantWrite stays true while bytes held back by an exception are waiting', () => {
    const s = run({
      beforeCtrlSendCb: () => {
        throw new Error('x');
      },
    });
    expect(() => s.memSend()).toThrow('x');
    expect(s.wantWrite()).toBe(true);
  });

  it('send() writes every frame through sendCb first, then rethrows', () => {
    const reference: Uint8Array[] = [];
    run({ sendCb: (_s, d) => (reference.push(d.slice()), d.length) }).send();
    const wrote: Uint8Array[] = [];
    const bad = new Error('before');
    const s = run({
      sendCb: (_s, d) => (wrote.push(d.slice()), d.length),
      beforeCtrlSendCb: () => {
        throw bad;
      },
    });
    expect(() => s.send()).toThrow(bad);
    expect(sameBytes(concat(...wrote), concat(...reference))).toBe(true);
    expect(s.wantWrite()).toBe(false);
  });

  it('sendCb throwing: send() throws it at once, and the next send() resumes the same frame', () => {
    const broken = new Error('socket gone');
    let calls = 0;
    const wrote: Uint8Array[] = [];
    const order: string[] = [];
    const s = new Session(CLIENT, V, {
      sendCb: (_s, d) => {
        calls++;
        if (calls === 1) {
          wrote.push(d.slice(0, 3));
          order.push('partial');
          return 3;
        }
        if (calls === 2) {
          order.push('throw');
          throw broken;
        }
        wrote.push(d.slice());
        return d.length;
      },
      beforeCtrlSendCb: () => order.push('before'),
      onCtrlSendCb: () => order.push('sent'),
    });
    s.submitPing();
    expect(() => s.send()).toThrow(broken);
    s.send();
    expect(order).toEqual(['before', 'partial', 'throw', 'sent']);
    expect(concat(...wrote).length).toBe(12); // one PING, written once
  });

  it('onDataSendCb throwing does not stop the body', () => {
    const h = client(V, {
      callbacks: {
        onDataSendCb: () => {
          throw new Error('data');
        },
      },
    });
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(9000));
    expect(() => h.session.memSend()).toThrow('data');
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=4096)', 'DATA(1,len=4096)', 'DATA(1,len=808,FIN)']);
  });

  it('the error is raised once: the next call does not throw it again', () => {
    const h = client(V, {
      callbacks: {
        onCtrlNotSendCb: () => {
          throw new Error('not send');
        },
      },
    });
    h.session.submitSynReply(0, 1, [[':status', '200']]);
    expect(() => h.session.memSend()).toThrow('not send');
    expect(h.session.memSend()).toBeNull();
    h.recv(h.peer.ping(2));
    expect(h.session.memSend()).not.toBeNull();
  });

  it('a callback that submits and throws: the submitted frame is sent', () => {
    const h = server(V, {
      callbacks: {
        onCtrlSendCb: (s, f) => {
          if (f.frameType === 2) {
            s.submitHeaders(CTRL_FLAG_FIN, 1, [['x-trailer', '1']]);
            throw new Error('after submit');
          }
        },
      },
    });
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.session.submitSynReply(0, 1, [[':status', '200']]);
    expect(() => h.session.memSend()).toThrow('after submit');
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)', 'HEADERS(1)']);
    expect(h.stream(1)).toBeUndefined();
  });
});
