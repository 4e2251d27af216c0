/**
 * Determinism (machine.ts): two sessions running the same
 * work give the same bytes and the same events on every run, and however
 * the bytes are cut when handed to memRecv. Only the DATA chunk callbacks
 * follow the cuts, as spdylay's do; their concatenation per frame does not.
 *
 * spdylay's automatic WINDOW_UPDATE counts received bytes per input slice,
 * so its deltas follow the cuts; ours counts whole frames, so they do not
 * (the last test shows it). The chunking runs turn the automatic updates
 * off and let the application acknowledge each DATA frame from
 * onDataRecvCb, as a consuming application would; one run keeps them on.
 */
import { describe, expect, it } from 'vitest';
import {
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  PROTO_SPDY2,
  PROTO_SPDY3_1,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_CONCURRENT_STREAMS,
} from '../../src/index.js';
import type { SessionCallbacks, SynStreamFrame } from '../../src/index.js';
import { concat, sameBytes } from '../helpers/bytes.js';
import type { EventLog } from '../helpers/event-log.js';
import { FrameSplitter } from '../helpers/frame-splitter.js';
import { EVERY_VERSION, server } from '../helpers/harness.js';
import { Pair } from '../helpers/pair.js';
import { bodyProvider } from '../helpers/providers.js';

type Split = (bytes: Uint8Array) => Uint8Array[];

const whole: Split = (b) => [b];
const bytewise: Split = (b) => Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1));
const fixed =
  (n: number): Split =>
  (b) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += n) out.push(b.subarray(i, i + n));
    return out;
  };
/** Cuts of 1..600 bytes from a fixed-seed LCG (no Math.random: replayable). */
const seeded = (seed: number): Split => {
  let state = seed >>> 0;
  return (b) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < b.length; ) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const n = 1 + (state % 600);
      out.push(b.subarray(i, i + n));
      i += n;
    }
    return out;
  };
};

const SIZES: Record<string, number> = { '/small': 10, '/page': 9000, '/large': 70_000, '/empty': 0 };

/**
 * A server that answers each request with a body sized by its path (divided
 * by `shrink`), pushes a resource for /page and sends the pushed body.
 */
function serverCallbacks(shrink: number): SessionCallbacks {
  const paths = new Map<number, string>();
  return {
    onCtrlRecvCb: (_s, f) => {
      if (f.frameType !== 1) return;
      const syn = f as SynStreamFrame;
      paths.set(syn.streamId, syn.nv.find(([n]) => n === ':path')?.[1] ?? '');
    },
    onRequestRecvCb: (s, id) => {
      const path = paths.get(id) ?? '/small';
      if (path === '/page') s.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 2, [[':path', '/pushed.css']], id, 'push');
      s.submitResponse(id, [[':status', '200'], ['x-path', path]], bodyProvider(Math.floor((SIZES[path] ?? 1) / shrink)));
    },
    onCtrlSendCb: (s, f) => {
      if (f.frameType === 1) s.submitData((f as SynStreamFrame).streamId, DATA_FLAG_FIN, bodyProvider(5000));
    },
  };
}

/** With automatic updates off: acknowledge each DATA frame as it completes. */
const acknowledging = (version: number): SessionCallbacks => ({
  onDataRecvCb: (s, _flags, streamId, length) => {
    if (length === 0 || version === PROTO_SPDY2) return;
    s.submitWindowUpdate(streamId, length);
    if (version === PROTO_SPDY3_1) s.submitWindowUpdate(0, length);
  },
});

/**
 * Runs the work; `small` divides the bodies by 16 (for the one-byte-at-a-time
 * run, which costs a memRecv call per byte).
 */
function run(version: number, split: Split, auto = false, small = false) {
  const config = { autoWindowUpdate: auto };
  const pair = new Pair(version, {
    split,
    client: { config, callbacks: auto ? {} : acknowledging(version) },
    server: { config, callbacks: { ...serverCallbacks(small ? 16 : 1), ...(auto ? {} : acknowledging(version)) } },
  });
  const c = pair.client;
  c.submitSettings(0, [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, 100]]);
  c.submitPing();
  c.submitRequest(3, [[':method', 'GET'], [':path', '/page']]);
  c.submitRequest(0, [[':method', 'POST'], [':path', '/large']], bodyProvider(small ? 4100 : 66_000));
  c.submitRequest(5, [[':method', 'GET'], [':path', '/empty']]);
  c.submitRequest(3, [[':method', 'POST'], [':path', '/small']], bodyProvider(3000));
  pair.pump();
  return {
    clientBytes: concat(...pair.clientWrote),
    serverBytes: concat(...pair.serverWrote),
    clientEvents: framed(pair.clientLog),
    serverEvents: framed(pair.serverLog),
    clientRaw: pair.clientLog.texts,
    /** What the server's memSend calls returned, each cut by `split` on its way to the client. */
    serverWrote: pair.serverWrote,
    /** The length of each DATA chunk the client's callback was given, in order. */
    clientChunks: pair.clientLog.entries
      .filter((e) => e.cb === 'onDataChunkRecvCb')
      .map((e) => (e.args[2] as Uint8Array).length),
  };
}

/**
 * The DATA chunks a receiver reports when every memSend output in `wrote`
 * is cut into `n`-byte pieces: each frame's payload, cut where a piece ends.
 */
function chunksAfterCuts(wrote: readonly Uint8Array[], n: number): number[] {
  const cuts: number[] = [];
  let base = 0;
  for (const out of wrote) {
    for (let i = 0; i < out.length; i += n) cuts.push(base + i);
    base += out.length;
  }
  cuts.push(base);
  const chunks: number[] = [];
  let k = 0;
  for (const frame of new FrameSplitter().push(concat(...wrote))) {
    if (frame.control) continue;
    let pos = frame.end - frame.length;
    while (pos < frame.end) {
      while (cuts[k]! <= pos) k++;
      const next = Math.min(cuts[k]!, frame.end);
      chunks.push(next - pos);
      pos = next;
    }
  }
  return chunks;
}

/** The log with each frame's chunk callbacks merged into one entry of their total length. */
function framed(log: EventLog): string[] {
  const out: string[] = [];
  let pending: { streamId: number; length: number; flags: number } | null = null;
  for (const entry of log.entries) {
    if (entry.cb === 'onDataChunkRecvCb') {
      const [flags, streamId, data] = entry.args as [number, number, Uint8Array];
      if (pending === null) pending = { streamId, flags, length: 0 };
      pending.length += data.length;
      continue;
    }
    if (pending !== null) {
      out.push(`chunks ${pending.streamId} ${pending.length} ${pending.flags}`);
      pending = null;
    }
    out.push(entry.text);
  }
  return out;
}

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  const reference = run(version, whole);

  it('the work completes: every stream closes on both sides', () => {
    const closes = (events: string[]) => events.filter((t) => t.startsWith('stream-close')).length;
    expect(closes(reference.clientEvents)).toBe(5); // four requests and the push
    expect(closes(reference.serverEvents)).toBe(5);
    expect(reference.clientEvents).toContain('ctrl-recv PING(1)');
  });

  it('the same run twice gives the same bytes and the same callbacks', () => {
    const again = run(version, whole);
    expect(sameBytes(again.clientBytes, reference.clientBytes)).toBe(true);
    expect(sameBytes(again.serverBytes, reference.serverBytes)).toBe(true);
    expect(again.clientRaw).toEqual(reference.clientRaw);
  });

  it('one byte at a time (smaller bodies): same bytes, same callbacks (chunk callbacks merged per frame)', () => {
    const small = run(version, whole, false, true);
    const got = run(version, bytewise, false, true);
    expect(sameBytes(got.clientBytes, small.clientBytes)).toBe(true);
    expect(sameBytes(got.serverBytes, small.serverBytes)).toBe(true);
    expect(got.clientEvents).toEqual(small.clientEvents);
    expect(got.serverEvents).toEqual(small.serverEvents);
  });

  it.each([
    ['7-byte pieces', fixed(7)],
    ['4100-byte pieces', fixed(4100)],
    ['seeded random pieces (seed 1)', seeded(1)],
    ['seeded random pieces (seed 20240601)', seeded(20240601)],
  ] as const)('%s: same bytes, same callbacks (chunk callbacks merged per frame)', (_name, split) => {
    const got = run(version, split);
    expect(sameBytes(got.clientBytes, reference.clientBytes)).toBe(true);
    expect(sameBytes(got.serverBytes, reference.serverBytes)).toBe(true);
    expect(got.clientEvents).toEqual(reference.clientEvents);
    expect(got.serverEvents).toEqual(reference.serverEvents);
  });

  it('chunk callbacks do follow the cuts: one per piece of a frame\'s payload', () => {
    const got = run(version, fixed(7));
    expect(got.clientChunks).toEqual(chunksAfterCuts(got.serverWrote, 7));
    expect(reference.clientChunks).toEqual(chunksAfterCuts(reference.serverWrote, Infinity));
  });

  it('with automatic WINDOW_UPDATE on, the same run twice is identical too', () => {
    const a = run(version, seeded(7), true);
    const b = run(version, seeded(7), true);
    expect(sameBytes(a.clientBytes, b.clientBytes) && sameBytes(a.serverBytes, b.serverBytes)).toBe(true);
    expect(a.clientRaw).toEqual(b.clientRaw);
  });
});

describe('automatic WINDOW_UPDATE and the cuts', () => {
  it('automatic WINDOW_UPDATE amounts do not depend on chunking (spdylay counts per slice, so its deltas follow the cuts)', () => {
    const deltas = (cut: number | null) => {
      const h = server(PROTO_SPDY3_1);
      h.recv(h.peer.synStream({ streamId: 1 }));
      h.session.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, 1 << 20]]); // only the session threshold matters
      h.flush();
      const bytes = concat(h.peer.data(1, 0, 30_000), h.peer.data(1, 0, 5000));
      if (cut === null) h.session.memRecv(bytes);
      else for (const piece of [bytes.subarray(0, cut), bytes.subarray(cut)]) h.session.memRecv(piece);
      return h.flushLabels();
    };
    expect(deltas(null)).toEqual(['WINDOW_UPDATE(0,+35000)']);
    // Cut 2768 bytes into the second frame, where spdylay's per-slice count
    // meets the threshold and sends +32768: we still count the whole frame.
    expect(deltas(8 + 30_000 + 8 + 2768)).toEqual(['WINDOW_UPDATE(0,+35000)']);
    for (const cut of [1, 8, 30_007, 30_008, 30_016, 35_015]) expect(deltas(cut)).toEqual(['WINDOW_UPDATE(0,+35000)']);
  });
});
