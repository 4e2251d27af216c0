/**
 * Each stream frame received in each stream state, ours and the peer's,
 * with the outcome spdylay gives it (spdylay_session_on_syn_reply_received,
 * _on_headers_received, _on_rst_stream_received, _on_window_update_received,
 * _on_data_received), except where docs/behaviour.md records a departure:
 * DATA that spdylay ignores or answers with GOAWAY gets a stream error.
 *
 * Every row says what the callbacks report during the memRecv, what the
 * session then sends, and the stream's state right after the memRecv.
 */
import { describe, expect, it } from 'vitest';
import { CANCEL, CTRL_FLAG_FIN, DATA_FLAG_FIN, PROTO_SPDY2 } from '../../src/index.js';
import { ascii } from '../helpers/bytes.js';
import { EVERY_VERSION } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { OUR_STATES, THEIR_STATES, closingFrom, describeStream, setupByName } from '../helpers/stream-states.js';
import type { StreamStateSetup } from '../helpers/stream-states.js';

type FrameName = 'SYN_REPLY' | 'SYN_REPLY+FIN' | 'HEADERS' | 'HEADERS+FIN' | 'DATA' | 'DATA+FIN' | 'RST_STREAM' | 'WINDOW_UPDATE';

const FRAMES: Record<FrameName, (h: Harness) => Uint8Array> = {
  SYN_REPLY: (h) => h.peer.synReply({ streamId: 1, nv: [[':status', '200']] }),
  'SYN_REPLY+FIN': (h) => h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [[':status', '200']] }),
  HEADERS: (h) => h.peer.headers({ streamId: 1, nv: [['x-h', '1']] }),
  'HEADERS+FIN': (h) => h.peer.headers({ streamId: 1, flags: CTRL_FLAG_FIN, nv: [['x-h', '1']] }),
  DATA: (h) => h.peer.data(1, 0, ascii('body')),
  'DATA+FIN': (h) => h.peer.data(1, DATA_FLAG_FIN, ascii('body')),
  RST_STREAM: (h) => h.peer.rstStream(1, CANCEL),
  WINDOW_UPDATE: (h) => h.peer.windowUpdate(1, 1000),
};

interface Outcome {
  /** Callbacks during the memRecv. */
  events: string[];
  /** Frames the session sends afterwards. */
  sent: string[];
  /** Stream 1 right after the memRecv: 'none' or STATE[,RD][,WR]. */
  after: string;
}

const STATES: StreamStateSetup[] = [
  ...OUR_STATES,
  closingFrom(setupByName('ours: OPENED')),
  closingFrom(setupByName('ours: OPENING, shut WR')),
  ...THEIR_STATES,
  closingFrom(setupByName('theirs: OPENING')),
  closingFrom(setupByName('theirs: OPENED, shut RD')),
];

/** spdylay's outcome for `frame` in `state` (see the file comment for the DATA departures). */
function expected(state: StreamStateSetup, frame: FrameName, version: number): Outcome {
  const v2 = version === PROTO_SPDY2;
  const before = state.before;
  const ours = state.ours;
  const exists = before !== 'none';
  const closing = before.startsWith('CLOSING');
  const shutRd = before.includes('RD');
  const shutWr = before.includes('WR');
  const pending = state.pending;
  const shut = (rd: boolean, wr: boolean, s: string) => s + (rd ? ',RD' : '') + (wr ? ',WR' : '');
  const asClosing = shut(shutRd, shutWr, 'CLOSING');
  const invalid = (label: string, status: string): Outcome => ({
    events: [`invalid-ctrl-recv ${label} ${status}`],
    sent: [...pending, `RST_STREAM(1,${status})`],
    after: exists ? asClosing : 'none',
  });
  const reset = (status: string): Outcome => ({
    events: [],
    sent: [...pending, `RST_STREAM(1,${status})`],
    after: exists ? asClosing : 'none',
  });
  const ignored: Outcome = { events: [], sent: [...pending], after: before };
  const fin = frame.endsWith('+FIN');
  const state0 = before.split(',')[0]!;

  switch (frame) {
    case 'RST_STREAM':
      // Always reported; closes the stream with the peer's status if there is one.
      return {
        events: ['ctrl-recv RST_STREAM(1,CANCEL)', ...(exists ? ['stream-close 1 CANCEL'] : [])],
        sent: [...pending],
        after: 'none',
      };
    case 'WINDOW_UPDATE':
      // SPDY/2 has no flow control; unknown streams are ignored; any other state is updated.
      if (v2 || !exists) return ignored;
      return { events: ['ctrl-recv WINDOW_UPDATE(1,+1000)'], sent: [...pending], after: before };
    case 'SYN_REPLY':
    case 'SYN_REPLY+FIN': {
      const label = 'SYN_REPLY(1)';
      if (!exists || shutRd || !ours) return invalid(label, 'PROTOCOL_ERROR');
      if (state0 === 'OPENING') {
        const closes = fin && shutWr;
        return {
          events: [`ctrl-recv ${label}`, ...(closes ? ['stream-close 1 OK'] : [])],
          sent: [],
          after: closes ? 'none' : shut(fin, shutWr, 'OPENED'),
        };
      }
      if (closing) return ignored;
      return invalid(label, v2 ? 'PROTOCOL_ERROR' : 'STREAM_IN_USE');
    }
    case 'HEADERS':
    case 'HEADERS+FIN': {
      const label = 'HEADERS(1)';
      if (!exists || shutRd) return invalid(label, 'PROTOCOL_ERROR');
      if (closing) return ignored;
      if (ours && state0 !== 'OPENED') return invalid(label, 'PROTOCOL_ERROR');
      const closes = fin && shutWr;
      return {
        events: [`ctrl-recv ${label}`, ...(fin && !ours ? ['request-recv 1'] : []), ...(closes ? ['stream-close 1 OK'] : [])],
        sent: [],
        after: closes ? 'none' : shut(fin, shutWr, state0),
      };
    }
    case 'DATA':
    case 'DATA+FIN': {
      // Departures from spdylay (docs/behaviour.md): stream errors instead of ignoring / GOAWAY.
      if (!exists) return reset('INVALID_STREAM');
      if (closing) return ignored;
      if (shutRd) return reset(v2 ? 'PROTOCOL_ERROR' : 'STREAM_ALREADY_CLOSED');
      if (ours && state0 !== 'OPENED') return reset('PROTOCOL_ERROR');
      const flags = fin ? ',FIN' : '';
      const closes = fin && shutWr;
      return {
        events: [
          `data-chunk-recv 1,len=4${flags}`,
          `data-recv 1,len=4${flags}`,
          ...(fin && !ours ? ['request-recv 1'] : []),
          ...(closes ? ['stream-close 1 OK'] : []),
        ],
        sent: [],
        after: closes ? 'none' : shut(fin, shutWr, state0),
      };
    }
  }
}

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  const rows = STATES.flatMap((state) =>
    (Object.keys(FRAMES) as FrameName[]).map((frame) => ({ state, frame, label: `${state.name} + ${frame}` })),
  );
  it.each(rows)('$label', ({ state, frame }) => {
    const h = state.make(version);
    expect(describeStream(h)).toBe(state.before);
    h.recv(FRAMES[frame](h));
    const want = expected(state, frame, version);
    const got: Outcome = { events: h.log.take(), sent: [], after: describeStream(h) };
    got.sent = h.flushLabels();
    expect(got).toEqual(want);
  });
});
