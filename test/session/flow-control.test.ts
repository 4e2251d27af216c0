/**
 * Flow control as spdylay does it: SPDY/3 stream windows, SPDY/3.1's
 * session window (stream 0), the automatic WINDOW_UPDATE we send
 * (spdylay_session_update_recv_window_size), DATA held back while a window
 * is closed and resumed by WINDOW_UPDATE or SETTINGS INITIAL_WINDOW_SIZE
 * (test_spdylay_session_flow_control, _connection_flow_control), and
 * WINDOW_UPDATE overflow. Enforcing our receive windows is a departure
 * from spdylay: see departures.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  DATA_FLAG_FIN,
  FLOW_CONTROL_ERROR,
  InvalidArgumentError,
  PROTO_SPDY2,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SETTINGS_INITIAL_WINDOW_SIZE,
} from '../../src/index.js';
import { sameBytes } from '../helpers/bytes.js';
import type { SinkEvent } from '../helpers/recording-sink.js';
import { client, machineOf, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { bodyProvider, patterned } from '../helpers/providers.js';
import { dataPayload } from '../helpers/frame-reader.js';

const IWS = SETTINGS_INITIAL_WINDOW_SIZE;
const K = 1024;

/** Payload bytes of the DATA frames in `sent`, per stream. */
function dataBytes(sent: SinkEvent[], streamId?: number): number {
  let n = 0;
  for (const ev of sent) if (ev.e === 'data' && (streamId === undefined || ev.streamId === streamId)) n += ev.length;
  return n;
}

const finished = (sent: SinkEvent[], streamId: number) => sent.some((ev) => ev.e === 'data' && ev.streamId === streamId && ev.flags & DATA_FLAG_FIN);

/** A client that has sent SYN_STREAM 1 with a body of `size` bytes; the peer replied. */
function uploading(version: number, size: number, config = {}): { h: Harness; first: SinkEvent[] } {
  const h = client(version, { config });
  h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(size));
  const first = h.flush();
  h.recv(h.peer.synReply({ streamId: 1 }));
  return { h, first };
}

describe('SPDY/3 stream windows (sending)', () => {
  it('sends 64 KiB, then holds the rest until WINDOW_UPDATE; SETTINGS moves open windows, even below zero', () => {
    const { h, first } = uploading(PROTO_SPDY3, 128 * K);
    expect(dataBytes(first)).toBe(64 * K);
    // The window is now exactly 0: nothing more goes, and a WINDOW_UPDATE lets exactly its delta through.
    expect(h.flush()).toEqual([]);
    expect(h.session.wantWrite()).toBe(false);

    h.recv(h.peer.windowUpdate(1, 32 * K));
    expect(dataBytes(h.flush())).toBe(32 * K);

    h.recv(h.peer.settings(0, [[IWS, 0, 16 * K]])); // 16K - 64K: the window goes to -48K
    h.recv(h.peer.windowUpdate(1, 48 * K)); // back to exactly 0: still nothing, and the next update goes through whole
    expect(h.flush()).toEqual([]);
    h.recv(h.peer.windowUpdate(1, 16 * K));
    expect(dataBytes(h.flush())).toBe(16 * K);

    h.recv(h.peer.settings(0, [[IWS, 0, 32 * K]])); // +16K on the open stream
    const last = h.flush();
    expect(dataBytes(last)).toBe(16 * K);
    expect(finished(last, 1)).toBe(true);
  });

  it('the bytes arrive whole and in order across the stalls', () => {
    const { h, first } = uploading(PROTO_SPDY3, 100_000);
    h.recv(h.peer.windowUpdate(1, 64 * K));
    const rest = h.flush();
    expect(sameBytes(dataPayload([...first, ...rest], 1), patterned(100_000))).toBe(true);
  });

  it('the provider is not asked while the window is closed', () => {
    const prd = bodyProvider(80 * K);
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(3, [[':method', 'POST']], prd);
    h.flush();
    const asked = prd.source.asked.length;
    h.flush();
    h.flush();
    expect(prd.source.asked.length).toBe(asked);
    expect(prd.source.asked.at(-1)).toBe(4096);
  });

  it('reads are capped by the window left (a short read when the window is nearly closed)', () => {
    const prd = bodyProvider(80 * K);
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.settings(0, [[IWS, 0, 10_000]]));
    h.session.submitRequest(3, [[':method', 'POST']], prd);
    expect(dataBytes(h.flush())).toBe(10_000);
    expect(prd.source.asked).toEqual([4096, 4096, 1808]);
  });

  it('a stream opened after SETTINGS starts with the new initial window', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.settings(0, [[IWS, 0, 5000]]));
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(20_000));
    expect(dataBytes(h.flush())).toBe(5000);
  });

  it('WINDOW_UPDATE for a stream that is not open is ignored', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.windowUpdate(7, 100));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });

  it('SPDY/2 has no flow control: the whole body goes, WINDOW_UPDATE is ignored without a callback', () => {
    const { h, first } = uploading(PROTO_SPDY2, 100_000);
    expect(dataBytes(first)).toBe(100_000);
    h.log.take();
    h.recv(h.peer.windowUpdate(1, 100));
    expect(h.log.take()).toEqual([]);
  });
});

describe('SPDY/3.1 session window (sending)', () => {
  it('the session window holds every stream back; only a stream 0 WINDOW_UPDATE opens it', () => {
    const h = client(PROTO_SPDY3_1);
    h.recv(h.peer.settings(0, [[IWS, 0, 1 << 20]])); // stream windows are not the limit
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(60 * K));
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(60 * K));
    const first = h.flush();
    expect(dataBytes(first)).toBe(64 * K);
    h.recv(h.peer.windowUpdate(1, 64 * K), h.peer.windowUpdate(3, 64 * K));
    expect(h.flush()).toEqual([]);
    h.recv(h.peer.windowUpdate(0, 56 * K));
    const rest = h.flush();
    expect(dataBytes(rest)).toBe(56 * K);
    expect(finished(rest, 1) && finished(rest, 3)).toBe(true);
  });

  it('SETTINGS INITIAL_WINDOW_SIZE does not touch the session window', () => {
    const h = client(PROTO_SPDY3_1);
    h.recv(h.peer.settings(0, [[IWS, 0, 1 << 20]]));
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(100 * K));
    expect(dataBytes(h.flush())).toBe(64 * K);
  });

  it('the stream window still applies under the session window', () => {
    const h = client(PROTO_SPDY3_1);
    h.recv(h.peer.settings(0, [[IWS, 0, 1000]]), h.peer.windowUpdate(0, 1 << 20));
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(5000));
    expect(dataBytes(h.flush())).toBe(1000);
  });
});

describe('automatic WINDOW_UPDATE (receiving)', () => {
  /** A server with the peer's stream 1 open. */
  const receiving = (version: number, config = {}) => {
    const h = server(version, { config });
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }));
    h.flush();
    return h;
  };

  it('SPDY/3: once half the initial window (32768) is unacknowledged, for exactly that much', () => {
    const h = receiving(PROTO_SPDY3);
    h.recv(h.peer.data(1, 0, 32767));
    expect(h.flushLabels()).toEqual([]);
    h.recv(h.peer.data(1, 0, 1));
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+32768)']);
    h.recv(h.peer.data(1, 0, 20_000), h.peer.data(1, 0, 20_000));
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+40000)']);
  });

  it('counted per whole frame, once its last byte is in (spdylay counts per input slice)', () => {
    const h = receiving(PROTO_SPDY3);
    const frame = h.peer.data(1, 0, 40_000);
    h.session.memRecv(frame.subarray(0, 8 + 32_768));
    expect(h.flushLabels()).toEqual([]);
    h.session.memRecv(frame.subarray(8 + 32_768));
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+40000)']);
    // Nothing is left unacknowledged: the next update again waits for 32768 new bytes.
    h.recv(h.peer.data(1, 0, 32_767));
    expect(h.flushLabels()).toEqual([]);
    h.recv(h.peer.data(1, 0, 1));
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+32768)']);
  });

  it('not for the bytes that end the stream', () => {
    const h = receiving(PROTO_SPDY3);
    h.recv(h.peer.data(1, 0, 16_384), h.peer.data(1, DATA_FLAG_FIN, 16_384));
    expect(h.flushLabels()).toEqual([]);
    const g = receiving(PROTO_SPDY3);
    g.recv(g.peer.data(1, DATA_FLAG_FIN, 60_000));
    expect(g.flushLabels()).toEqual([]);
  });

  it('a frame that ends the stream counts for nothing, however it is sliced (spdylay counts its earlier slices)', () => {
    const h = receiving(PROTO_SPDY3);
    const frame = h.peer.data(1, DATA_FLAG_FIN, 40_000);
    h.session.memRecv(frame.subarray(0, 8 + 35_000));
    h.session.memRecv(frame.subarray(8 + 35_000));
    expect(h.flushLabels()).toEqual([]);
  });

  it('the threshold follows the INITIAL_WINDOW_SIZE we submitted, from the moment of submit', () => {
    const h = receiving(PROTO_SPDY3);
    h.session.submitSettings(0, [[IWS, 0, 8192]]);
    h.flush();
    h.recv(h.peer.data(1, 0, 4095));
    expect(h.flushLabels()).toEqual([]);
    h.recv(h.peer.data(1, 0, 1));
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(1,+4096)']);
  });

  it('SPDY/3.1: the session window is updated at 32768 whatever our settings, counting DATA we drop', () => {
    const h = receiving(PROTO_SPDY3_1);
    h.session.submitSettings(0, [[IWS, 0, 1 << 20]]);
    h.flush();
    h.recv(h.peer.data(1, 0, 30_000));
    expect(h.flushLabels()).toEqual([]);
    // DATA for a stream that is not open: dropped (and reset), but the peer counted it.
    h.recv(h.peer.data(9, 0, 2768));
    // Both at the lowest priority: the WINDOW_UPDATE was queued first (while the bytes came in).
    expect(h.flushLabels()).toEqual(['WINDOW_UPDATE(0,+32768)', 'RST_STREAM(9,INVALID_STREAM)']);
  });

  it('SPDY/2 never sends WINDOW_UPDATE; autoWindowUpdate: false turns them off', () => {
    const h2 = receiving(PROTO_SPDY2);
    h2.recv(h2.peer.data(1, 0, 60_000));
    expect(h2.flushLabels()).toEqual([]);
    const off = receiving(PROTO_SPDY3_1, { autoWindowUpdate: false });
    off.recv(off.peer.data(1, 0, 60_000));
    expect(off.flushLabels()).toEqual([]);
    // The bytes were counted and nothing was granted: the windows end 5536 bytes later.
    off.recv(off.peer.data(1, 0, 64 * K - 60_000));
    expect(off.flushLabels()).toEqual([]);
    off.recv(off.peer.data(1, 0, 1));
    expect(off.flushLabels()).toEqual(['GOAWAY(1,PROTOCOL_ERROR)']);
  });

  it('a WINDOW_UPDATE queued for a stream that closes before it is sent is dropped silently', () => {
    const h = receiving(PROTO_SPDY3);
    h.recv(h.peer.data(1, 0, 32_768), h.peer.rstStream(1, 5));
    expect(h.flushLabels()).toEqual([]);
    expect(h.log.of('onCtrlNotSendCb')).toEqual([]);
  });
});

describe('WINDOW_UPDATE overflow', () => {
  /** The stream window after uploading a 10-byte body. */
  const before = 64 * K - 10;

  it('a stream window past 2^31-1: RST_STREAM FLOW_CONTROL_ERROR, window unchanged', () => {
    const { h } = uploading(PROTO_SPDY3, 10);
    h.log.take();
    h.recv(h.peer.windowUpdate(1, 2 ** 31 - 1 - before + 1));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv WINDOW_UPDATE(1,+2147418122) FLOW_CONTROL_ERROR']);
    expect(h.log.of('onInvalidCtrlRecvCb')[0]!.args[1]).toBe(FLOW_CONTROL_ERROR);
    // Unchanged: exactly the rest up to 2^31-1 is still accepted, and then one byte more is not.
    h.recv(h.peer.windowUpdate(1, 2 ** 31 - 1 - before), h.peer.windowUpdate(1, 1));
    expect(h.log.take()).toEqual([
      `ctrl-recv WINDOW_UPDATE(1,+${2 ** 31 - 1 - before})`,
      'invalid-ctrl-recv WINDOW_UPDATE(1,+1) FLOW_CONTROL_ERROR',
    ]);
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,FLOW_CONTROL_ERROR)', 'RST_STREAM(1,FLOW_CONTROL_ERROR)']);
  });

  it('exactly 2^31-1 is allowed', () => {
    const { h } = uploading(PROTO_SPDY3, 10);
    h.log.take();
    h.recv(h.peer.windowUpdate(1, 2 ** 31 - 1 - before));
    expect(h.log.take()).toEqual([`ctrl-recv WINDOW_UPDATE(1,+${2 ** 31 - 1 - before})`]);
    // The window is now 2^31-1: one byte more overflows it.
    h.recv(h.peer.windowUpdate(1, 1));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv WINDOW_UPDATE(1,+1) FLOW_CONTROL_ERROR']);
  });

  it('SPDY/3.1 session window past 2^31-1: GOAWAY PROTOCOL_ERROR, no RST_STREAM', () => {
    const h = client(PROTO_SPDY3_1);
    h.recv(h.peer.windowUpdate(0, 2 ** 31 - 1 - 64 * K + 1));
    expect(h.log.take()).toEqual([`invalid-ctrl-recv WINDOW_UPDATE(0,+${2 ** 31 - 64 * K}) PROTOCOL_ERROR`]);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
  });

  it('stream 0 in plain SPDY/3 is not a session window: ignored', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.windowUpdate(0, 2 ** 31 - 1));
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });
});

describe('deferred by flow control', () => {
  it('resumeData returns false: only the peer can open the window', () => {
    const { h } = uploading(PROTO_SPDY3, 100 * K);
    expect(h.session.resumeData(1)).toBe(false);
    expect(h.flush()).toEqual([]);
  });

  it('a stream reset while waiting for window drops its DATA', () => {
    const { h } = uploading(PROTO_SPDY3, 100 * K);
    h.recv(h.peer.rstStream(1, 5));
    h.recv(h.peer.windowUpdate(1, 64 * K));
    expect(h.flush()).toEqual([]);
  });

  it('a body of exactly the window ends with FIN without waiting for more window', () => {
    const { first } = uploading(PROTO_SPDY3, 64 * K);
    expect(dataBytes(first)).toBe(64 * K);
    expect(finished(first, 1)).toBe(true);
  });
});

describe('a widened session window (SPDY/3.1, receiving)', () => {
  it('WINDOW_UPDATE for stream 0 beyond what arrived widens the window, and automatic updates grow with it', () => {
    const h = server(PROTO_SPDY3_1);
    h.session.submitSettings(0, [[IWS, 0, 1 << 24]]); // stream windows are not the limit
    h.session.submitWindowUpdate(0, (1 << 20) - 64 * K); // the session window to 1 MiB
    h.flush();
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }));
    h.recv(h.peer.data(1, 0, 500 * K));
    // spdylay would have sent 32 KiB updates by now; half of 1 MiB is not reached yet.
    expect(h.flushLabels()).toEqual([]);
    h.recv(h.peer.data(1, 0, 12 * K));
    expect(h.flushLabels()).toEqual([`WINDOW_UPDATE(0,+${512 * K})`]);
  });

  it('a WINDOW_UPDATE that only acknowledges received bytes does not widen it', () => {
    const h = server(PROTO_SPDY3_1, { config: { autoWindowUpdate: false } });
    h.session.submitSettings(0, [[IWS, 0, 1 << 24]]);
    h.flush();
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }), h.peer.data(1, 0, 40 * K));
    h.session.submitWindowUpdate(0, 40 * K);
    h.flush();
    // Still 64 KiB: consumed bytes are acknowledged at half of it.
    machineOf(h.session).consume(0, 32 * K - 1);
    expect(h.flushLabels()).toEqual([]);
    machineOf(h.session).consume(0, 1);
    expect(h.flushLabels()).toEqual([`WINDOW_UPDATE(0,+${32 * K})`]);
  });
});

describe('consume(): WINDOW_UPDATE as the application takes the bytes', () => {
  const consuming = (version: number) => {
    const h = server(version, { config: { autoWindowUpdate: false } });
    h.recv(h.peer.synStream({ streamId: 1, nv: [[':method', 'POST']] }));
    h.flush();
    return { h, machine: machineOf(h.session) };
  };

  it('nothing is acknowledged on arrival; half a window consumed sends the stream and session updates', () => {
    const { h, machine } = consuming(PROTO_SPDY3_1);
    h.recv(h.peer.data(1, 0, 40 * K));
    expect(h.flushLabels()).toEqual([]);
    machine.consume(1, 20 * K);
    expect(h.flushLabels()).toEqual([]);
    machine.consume(1, 12 * K);
    expect(h.flushLabels()).toEqual([`WINDOW_UPDATE(1,+${32 * K})`, `WINDOW_UPDATE(0,+${32 * K})`]);
  });

  it('SPDY/3 sends no session update; a stream that is gone still counts for the session (3.1)', () => {
    const { h, machine } = consuming(PROTO_SPDY3);
    h.recv(h.peer.data(1, 0, 40 * K));
    machine.consume(1, 40 * K);
    expect(h.flushLabels()).toEqual([`WINDOW_UPDATE(1,+${40 * K})`]);
    const b = consuming(PROTO_SPDY3_1);
    b.h.recv(b.h.peer.data(1, 0, 40 * K), b.h.peer.rstStream(1, CANCEL));
    b.machine.consume(1, 40 * K);
    expect(b.h.flushLabels()).toEqual([`WINDOW_UPDATE(0,+${40 * K})`]);
  });

  it('is refused while automatic WINDOW_UPDATE is on, and for bad arguments', () => {
    const h = server(PROTO_SPDY3);
    expect(() => machineOf(h.session).consume(1, 10)).toThrow(InvalidArgumentError);
    const { machine } = consuming(PROTO_SPDY3);
    expect(() => machine.consume(1, -1)).toThrow(InvalidArgumentError);
    expect(() => machine.consume(-1, 1)).toThrow(InvalidArgumentError);
  });
});

describe('sessionWindowOverrunTolerance (SPDY/3.1)', () => {
  const overrun = (tolerance: number, extra: number) => {
    const h = server(PROTO_SPDY3_1, { config: { autoWindowUpdate: false, sessionWindowOverrunTolerance: tolerance } });
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3 }));
    h.session.submitSettings(0, [[IWS, 0, 1 << 20]]);
    h.flush();
    h.recv(h.peer.data(1, 0, 64 * K), h.peer.data(3, 0, extra));
    return h;
  };

  it('an overrun within the allowance is accepted and its bytes delivered', () => {
    const h = overrun(8192, 8192);
    expect(h.flushLabels()).toEqual([]);
    expect(h.log.of('onDataRecvCb').map((e) => e.args[2])).toEqual([64 * K, 8192]);
  });

  it('one byte past the allowance is GOAWAY PROTOCOL_ERROR', () => {
    expect(overrun(8192, 8193).flushLabels()).toEqual(['GOAWAY(3,PROTOCOL_ERROR)']);
  });
});
