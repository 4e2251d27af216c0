/**
 * `config.flowControl: false`, for peers without flow control (Kubernetes'
 * spdystream never sends WINDOW_UPDATE or SETTINGS and ignores ours): no
 * window is waited on, none is enforced, no WINDOW_UPDATE goes out, and
 * the peer's WINDOW_UPDATE and INITIAL_WINDOW_SIZE change nothing. The
 * frames stay the version's own (version byte 3).
 */
import { describe, expect, it } from 'vitest';
import { DATA_FLAG_FIN, InvalidArgumentError, PROTO_SPDY3, PROTO_SPDY3_1, SETTINGS_INITIAL_WINDOW_SIZE } from '../../src/index.js';
import type { SinkEvent } from '../helpers/recording-sink.js';
import { client, machineOf, server } from '../helpers/harness.js';
import { bodyProvider, patterned } from '../helpers/providers.js';
import { dataPayload } from '../helpers/frame-reader.js';
import { sameBytes } from '../helpers/bytes.js';

const K = 1024;
const OFF = { flowControl: false };

const dataBytes = (sent: SinkEvent[]) => sent.reduce((n, ev) => n + (ev.e === 'data' ? ev.length : 0), 0);

describe.each([
  { name: 'SPDY/3.1', version: PROTO_SPDY3_1 },
  { name: 'SPDY/3', version: PROTO_SPDY3 },
])('flowControl: false ($name)', ({ version }) => {
  it('sends a body far past 64 KiB without any WINDOW_UPDATE from the peer', () => {
    const h = client(version, { config: OFF });
    h.session.submitRequest(3, [['streamtype', 'stdin']], bodyProvider(300 * K));
    const first = h.flush();
    h.recv(h.peer.synReply({ streamId: 1 }));
    const sent = [...first, ...h.flush()];
    expect(dataBytes(sent)).toBe(300 * K);
    expect(sent.some((ev) => ev.e === 'data' && ev.flags & DATA_FLAG_FIN)).toBe(true);
    expect(sameBytes(dataPayload(sent, 1), patterned(300 * K))).toBe(true);
  });

  it('accepts DATA far past every window and acknowledges none of it', () => {
    const h = server(version, { config: OFF });
    h.recv(h.peer.synStream({ streamId: 1, nv: [['streamtype', 'stdout']] }));
    h.flush();
    h.recv(h.peer.data(1, 0, 200 * K), h.peer.data(1, 0, 16 * 1024 * K - 1));
    expect(h.flushLabels()).toEqual([]);
    expect(h.log.of('onDataRecvCb').map((e) => e.args[2])).toEqual([200 * K, 16 * 1024 * K - 1]);
  });

  it("ignores the peer's WINDOW_UPDATE and INITIAL_WINDOW_SIZE", () => {
    const h = client(version, { config: OFF });
    h.recv(h.peer.settings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, 1]]));
    h.session.submitRequest(3, [['streamtype', 'data']], bodyProvider(100 * K));
    expect(dataBytes(h.flush())).toBe(100 * K);
    h.recv(h.peer.synReply({ streamId: 1 }), h.peer.windowUpdate(1, 5), h.peer.windowUpdate(0, 5));
    expect(h.flushLabels()).toEqual([]);
    expect(h.log.take().filter((t) => t.includes('WINDOW_UPDATE'))).toEqual([]);
  });

  it('refuses submitWindowUpdate and takes consume() as a no-op', () => {
    const h = server(version, { config: { ...OFF, autoWindowUpdate: false } });
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.data(1, 0, 64 * K));
    expect(() => h.session.submitWindowUpdate(1, 100)).toThrow(InvalidArgumentError);
    machineOf(h.session).consume(1, 64 * K);
    expect(h.flushLabels()).toEqual([]);
  });

  it('writes version 3 frames', () => {
    const h = client(version, { config: OFF });
    h.session.submitRequest(3, [['streamtype', 'error']]);
    const [syn] = h.flush();
    expect(syn).toMatchObject({ e: 'ctrl', frame: { type: 1, version: 3 } });
  });
});

describe('headers that are not HTTP (the HTTP rules belong to the HTTP layer)', () => {
  it('a SYN_STREAM without :method, :path or :version opens a stream', () => {
    const h = server(PROTO_SPDY3_1);
    h.recv(h.peer.synStream({ streamId: 1, nv: [['port', '8080'], ['requestid', '0'], ['streamtype', 'error']] }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)']);
    expect(h.flushLabels()).toEqual([]);
    h.session.submitResponse(1, [], bodyProvider(10));
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)', 'DATA(1,len=10,FIN)']);
  });

  it('a SYN_REPLY with an empty header block opens our stream for DATA', () => {
    const h = client(PROTO_SPDY3_1);
    h.session.submitRequest(3, [['streamtype', 'stdout']]);
    h.flush();
    h.log.take();
    h.recv(h.peer.synReply({ streamId: 1, nv: [] }), h.peer.data(1, DATA_FLAG_FIN, 5));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_REPLY(1)', 'data-chunk-recv 1,len=5,FIN', 'data-recv 1,len=5,FIN', 'stream-close 1 OK']);
    expect(h.flushLabels()).toEqual([]);
  });
});
