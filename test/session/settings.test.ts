/**
 * SETTINGS both ways, as spdylay (spdylay_submit_settings,
 * spdylay_session_on_settings_received, spdylay_frame_pack_settings):
 * local values apply at submit, received ones entry by entry with the first
 * occurrence of an id winning; frame and entry flags are carried but
 * nothing is persisted or cleared; SPDY/2 writes ids little-endian.
 */
import { describe, expect, it } from 'vitest';
import {
  CTRL_FLAG_FIN,
  FLAG_SETTINGS_CLEAR_SETTINGS,
  ID_FLAG_SETTINGS_PERSISTED,
  ID_FLAG_SETTINGS_PERSIST_VALUE,
  PROTO_SPDY2,
  PROTO_SPDY3,
  SETTINGS,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SETTINGS_ROUND_TRIP_TIME,
  SETTINGS_UPLOAD_BANDWIDTH,
  SYN_STREAM,
} from '../../src/index.js';
import type { SettingsFrame } from '../../src/index.js';
import { concat, hex } from '../helpers/bytes.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { client, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';
import type { SinkEvent } from '../helpers/recording-sink.js';

const MAX_STREAMS = SETTINGS_MAX_CONCURRENT_STREAMS;
const IWS = SETTINGS_INITIAL_WINDOW_SIZE;

/**
 * How many of `n` requests submitted now go out at once: the peer's
 * MAX_CONCURRENT_STREAMS as the session applies it, up to `n`.
 */
function concurrentStreams(h: Harness, n = 10): number {
  for (let i = 0; i < n; i++) h.session.submitRequest(0, [[':path', '/']]);
  return framesOfType(h.flush(), SYN_STREAM).length;
}

/** DATA payload bytes sent on `streamId`. */
const dataBytes = (sent: SinkEvent[], streamId: number) =>
  sent.reduce((n, e) => n + (e.e === 'data' && e.streamId === streamId ? e.length : 0), 0);

describe('sending', () => {
  it('the frame flags and entry flags go out as given', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitSettings(FLAG_SETTINGS_CLEAR_SETTINGS, [[MAX_STREAMS, ID_FLAG_SETTINGS_PERSIST_VALUE, 100]]);
    const frame = framesOfType(h.flush(), SETTINGS)[0]!;
    expect(frame.flags).toBe(FLAG_SETTINGS_CLEAR_SETTINGS);
    expect(frame.iv).toEqual([[MAX_STREAMS, ID_FLAG_SETTINGS_PERSIST_VALUE, 100]]);
  });

  it('SPDY/3 writes flags then a big-endian 24-bit id; SPDY/2 a little-endian id then flags', () => {
    const h3 = client(PROTO_SPDY3);
    h3.session.submitSettings(0, [[IWS, 1, 0x10000]]);
    expect(h3.session.memSend()).toEqual(hex('80 03 00 04 00 00 00 0c  00 00 00 01  01 00 00 07  00 01 00 00'));
    const h2 = client(PROTO_SPDY2);
    h2.session.submitSettings(0, [[IWS, 1, 0x10000]]);
    expect(h2.session.memSend()).toEqual(hex('80 02 00 04 00 00 00 0c  00 00 00 01  07 00 00 01  00 01 00 00'));
  });

  it('local values apply at submit; a lower MAX_CONCURRENT_STREAMS refuses the next stream with REFUSED_STREAM', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSettings(0, [[MAX_STREAMS, 0, 1]]);
    // Not sent yet: spdylay applies local settings at once.
    h.recv(h.peer.synStream({ streamId: 3, flags: CTRL_FLAG_FIN }));
    expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(1)', 'invalid-ctrl-recv SYN_STREAM(3) REFUSED_STREAM']);
    expect(h.flushLabels()).toEqual(['SETTINGS', 'RST_STREAM(3,REFUSED_STREAM)']);
    expect(h.log.of('onStreamCloseCb')).toEqual([]); // no stream was opened for 3
  });

  it('the refused id is used up: the same id again is a stream error, a higher one may be accepted', () => {
    const h = server(PROTO_SPDY3);
    h.session.submitSettings(0, [[MAX_STREAMS, 0, 0]]);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSettings(0, [[MAX_STREAMS, 0, 10]]);
    h.log.take();
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3 }));
    expect(h.log.take()).toEqual(['invalid-ctrl-recv SYN_STREAM(1) PROTOCOL_ERROR', 'ctrl-recv SYN_STREAM(3)']);
  });

  it('streams being reset still count against our limit', () => {
    const h = server(PROTO_SPDY3);
    h.session.submitSettings(0, [[MAX_STREAMS, 0, 1]]);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitRstStream(1, 5); // CLOSING until sent
    h.recv(h.peer.synStream({ streamId: 3 }));
    expect(h.log.take().at(-1)).toBe('invalid-ctrl-recv SYN_STREAM(3) REFUSED_STREAM');
    h.flush(); // RST(1) goes, stream 1 closes
    h.recv(h.peer.synStream({ streamId: 5 }));
    expect(h.log.take().at(-1)).toBe('ctrl-recv SYN_STREAM(5)');
  });
});

describe('receiving', () => {
  it('the first value of a repeated id wins; the callback sees every entry', () => {
    const h = client(PROTO_SPDY3);
    h.recv(
      h.peer.settings(0, [
        [MAX_STREAMS, 0, 1_000_000_009],
        [MAX_STREAMS, 0, 1],
      ]),
    );
    expect((h.log.frames('onCtrlRecvCb')[0] as SettingsFrame).iv).toEqual([
      [MAX_STREAMS, 0, 1_000_000_009],
      [MAX_STREAMS, 0, 1],
    ]);
    expect(concurrentStreams(h)).toBe(10); // 1_000_000_009, not 1
  });

  it('unknown ids (0, above 8) are skipped; the frame is still reported', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.settings(0, [[0, 0, 5], [999, 0, 5], [SETTINGS_ROUND_TRIP_TIME, 0, 77]]));
    expect(h.log.take()).toEqual(['ctrl-recv SETTINGS']);
    // The settings the session acts on keep their defaults: no stream limit, 64 KiB windows.
    expect(concurrentStreams(h)).toBe(10);
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(70_000));
    expect(dataBytes(h.flush(), 21)).toBe(65536);
  });

  it('an empty SETTINGS is reported', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.settings(0, []));
    expect(h.log.take()).toEqual(['ctrl-recv SETTINGS']);
  });

  it('CLEAR_SETTINGS and the persist flags are ignored: values apply, nothing is cleared or echoed', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.settings(0, [[MAX_STREAMS, ID_FLAG_SETTINGS_PERSIST_VALUE, 3]]));
    h.recv(h.peer.settings(FLAG_SETTINGS_CLEAR_SETTINGS, [[SETTINGS_UPLOAD_BANDWIDTH, ID_FLAG_SETTINGS_PERSISTED, 9]]));
    expect(h.flush()).toEqual([]);
    expect(concurrentStreams(h)).toBe(3); // the first frame's value, not cleared by the second
  });

  it('SPDY/2 ids are read little-endian: a big-endian id names another setting and is skipped', () => {
    const h = client(PROTO_SPDY2);
    // Two entries: 04 00 00 (id 4, LE) = 7; 00 00 04 (id 0x040000, LE) = 1.
    const frame = hex('80 02 00 04 00 00 00 14  00 00 00 02  04 00 00 00  00 00 00 07  00 00 04 00  00 00 00 01');
    h.recv(frame);
    expect((h.log.frames('onCtrlRecvCb')[0] as SettingsFrame).iv).toEqual([
      [MAX_STREAMS, 0, 7],
      [0x040000, 0, 1],
    ]);
    expect(concurrentStreams(h)).toBe(7);
  });

  it('SPDY/2 stores INITIAL_WINDOW_SIZE but has no windows to move', () => {
    const h = client(PROTO_SPDY2);
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(100_000));
    h.recv(h.peer.settings(0, [[IWS, 0, 10]]));
    const sent = h.flush();
    expect(sent.filter((e) => e.e === 'data').reduce((n, e) => n + (e.e === 'data' ? e.length : 0), 0)).toBe(100_000);
  });

  it('a SETTINGS of the other version is ignored without a callback', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.settings(0, [[MAX_STREAMS, 0, 1]], 2));
    expect(h.log.take()).toEqual([]);
    expect(concurrentStreams(h)).toBe(10);
  });

  it('INITIAL_WINDOW_SIZE of 2^31 or more is ignored: not applied, not recorded (spdylay records it, so later streams open with a negative window)', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(70_000));
    expect(dataBytes(h.flush(), 1)).toBe(65536); // stream 1's window is closed
    h.log.take();
    h.recv(h.peer.settings(0, [[IWS, 0, 2 ** 31]]));
    expect(h.log.take()).toEqual(['ctrl-recv SETTINGS']);
    // Not applied: stream 1's window is still exactly 0.
    expect(h.flush()).toEqual([]);
    h.recv(h.peer.windowUpdate(1, 1000));
    expect(dataBytes(h.flush(), 1)).toBe(1000);
    // Not recorded: a new stream opens with the 64 KiB window.
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(100_000));
    expect(dataBytes(h.flush(), 3)).toBe(65536);
  });

  it('entries split across reads are applied the same', () => {
    const h = client(PROTO_SPDY3);
    const frame = concat(h.peer.settings(0, [[MAX_STREAMS, 0, 2], [IWS, 0, 1000]]));
    for (let i = 0; i < frame.length; i++) h.session.memRecv(frame.subarray(i, i + 1));
    expect(h.log.take()).toEqual(['ctrl-recv SETTINGS']);
    // MAX_CONCURRENT_STREAMS 2 and INITIAL_WINDOW_SIZE 1000: two streams of three go, 1000 bytes each.
    for (let i = 0; i < 3; i++) h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(5000));
    const sent = h.flush();
    expect(framesOfType(sent, SYN_STREAM).map((f) => f.streamId)).toEqual([1, 3]);
    expect([dataBytes(sent, 1), dataBytes(sent, 3)]).toEqual([1000, 1000]);
  });
});

describe('the bound on SETTINGS entries (maxSettingsEntries)', () => {
  /** Entries for ids 1..n, cycling through the eight SPDY defines. */
  const entries = (n: number) => Array.from({ length: n }, (_, k): [number, number, number] => [(k % 8) + 1, 0, k]);

  it('32 entries by default are applied; 33 are a parse error and GOAWAY PROTOCOL_ERROR, none applied', () => {
    const ok = client(PROTO_SPDY3);
    ok.recv(ok.peer.settings(0, entries(32)));
    expect(ok.log.take()).toEqual(['ctrl-recv SETTINGS']);
    const over = client(PROTO_SPDY3);
    over.recv(over.peer.settings(0, [[MAX_STREAMS, 0, 0], ...entries(32)]));
    expect(over.log.take()).toEqual(['parse-error SETTINGS ERR_INVALID_FRAME']);
    expect(over.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
    over.session.submitRequest(0, [[':path', '/']]);
    expect(over.flush()).toEqual([]); // MAX_CONCURRENT_STREAMS 0 was not applied; GOAWAY refuses it anyway
  });

  it('is configurable from 8 (one entry per id) to 2^21-1 (what the length allows)', () => {
    const h = server(PROTO_SPDY2, { config: { maxSettingsEntries: 8 } });
    h.recv(h.peer.settings(0, entries(8)));
    h.recv(h.peer.settings(0, entries(9)));
    expect(h.log.take()).toEqual(['ctrl-recv SETTINGS', 'parse-error SETTINGS ERR_INVALID_FRAME']);
    const wide = server(PROTO_SPDY3, { config: { maxSettingsEntries: 1000 } });
    wide.recv(wide.peer.settings(0, entries(1000)));
    expect(wide.log.take()).toEqual(['ctrl-recv SETTINGS']);
    for (const bad of [7, 0x200000, 10.5, -1]) {
      expect(() => server(PROTO_SPDY3, { config: { maxSettingsEntries: bad } })).toThrow(/config\.maxSettingsEntries must be an integer 8\.\.2097151/);
    }
  });

  it('a 2,097,151-entry SETTINGS (16 MiB, legal by length) ends the session without costing its size in memory', () => {
    const h = server(PROTO_SPDY3);
    const count = 0x1fffff;
    const length = 4 + 8 * count;
    const start = hex(`80 03 00 04 00 ${length.toString(16).padStart(6, '0')} ${count.toString(16).padStart(8, '0')}`);
    // One entry repeated: [flags 0, id 4, value 100], as the peer's data.
    const chunk = new Uint8Array(1 << 16);
    for (let at = 0; at < chunk.length; at += 8) chunk.set([0, 0, 0, 4, 0, 0, 0, 100], at);
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    h.recv(start);
    for (let left = length - 4; left > 0; left -= chunk.length) {
      h.session.memRecv(chunk.subarray(0, Math.min(left, chunk.length)));
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(h.log.take()).toEqual(['parse-error SETTINGS ERR_INVALID_FRAME']);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
    // Parsed, its entries would take some 200 MiB; refused from its count, a
    // few dozen KiB (the payload kept for the callback) and garbage.
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });
});
