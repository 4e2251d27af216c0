/**
 * The transport ended: SessionMachine.connectionLost() (and Session.recv()
 * when recvCb raises EOFError). spdylay has no such input (its application
 * frees the session and no callback fires), so what it does is ours: open
 * streams close with CANCEL, queued SYN_STREAMs are reported not sent with
 * ERR_EOF, and the session wants no more I/O.
 */
import { describe, expect, it } from 'vitest';
import { CANCEL, EOFError, ERR_EOF, PROTO_SPDY3, PROTO_SPDY3_1, Session, CLIENT } from '../../src/index.js';
import { EVERY_VERSION, client, machineOf, server } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';

describe.each(EVERY_VERSION)('connectionLost ($name)', ({ version }) => {
  it('connectionLost closes open streams with CANCEL and reports queued SYN_STREAMs', () => {
    const h = client(version);
    h.session.submitRequest(3, [[':path', '/a']]);
    h.session.submitRequest(3, [[':path', '/b']], bodyProvider(100_000));
    h.flush();
    h.recv(h.peer.synReply({ streamId: 1 }));
    h.session.submitRequest(3, [[':path', '/c']]); // queued, never sent
    h.log.take();

    h.session.connectionLost();

    expect(h.log.take()).toEqual(['ctrl-not-send SYN_STREAM(0) ERR_EOF', 'stream-close 1 CANCEL', 'stream-close 3 CANCEL']);
    expect(h.log.of('onStreamCloseCb').map((e) => e.args[1])).toEqual([CANCEL, CANCEL]);
    expect(h.log.of('onCtrlNotSendCb')[0]!.args[1]).toBe(ERR_EOF);
    expect(h.session.wantRead()).toBe(false);
    expect(h.session.wantWrite()).toBe(false);
    expect(h.session.memSend()).toBeNull();
  });

  it('afterwards input is dropped without callbacks, new streams throw EOFError, a second call does nothing', () => {
    const h = server(version);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.connectionLost();
    h.log.take();
    expect(h.session.memRecv(h.peer.synStream({ streamId: 3 }))).toBeGreaterThan(0);
    expect(h.log.take()).toEqual([]);
    h.session.connectionLost();
    expect(h.log.take()).toEqual([]);
    const c = client(version);
    c.session.connectionLost();
    expect(() => c.session.submitRequest(3, [[':path', '/']])).toThrow(EOFError);
  });
});

describe('recv() at EOF', () => {
  it('closes the open streams before the EOFError from recvCb comes out of recv()', () => {
    const closed: Array<[number, number]> = [];
    const session = new Session(CLIENT, PROTO_SPDY3, {
      recvCb: () => {
        throw new EOFError();
      },
      onStreamCloseCb: (_s, streamId, statusCode) => closed.push([streamId, statusCode]),
    });
    session.submitRequest(3, [[':path', '/']]);
    session.memSend();
    expect(() => session.recv()).toThrow(EOFError);
    expect(closed).toEqual([[1, CANCEL]]);
    expect(session.wantRead() || session.wantWrite()).toBe(false);
  });
});

describe('a SPDY/3.1 session emptied by connectionLost', () => {
  it('keeps no stream in its table', () => {
    const h = client(PROTO_SPDY3_1);
    h.session.submitRequest(3, [[':path', '/']], bodyProvider(1 << 20));
    h.flush();
    h.session.connectionLost();
    expect(machineOf(h.session).isStreamOpen(1)).toBe(false);
  });
});
