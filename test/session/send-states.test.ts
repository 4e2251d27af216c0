/**
 * Each submitted stream frame in each stream state, with spdylay's verdict
 * at send time (spdylay_session_predicate_syn_reply_send, _headers_send,
 * _data_send, _window_update_send): sent, or refused with the error code
 * onCtrlNotSendCb reports. DATA and WINDOW_UPDATE refusals are silent, as
 * in spdylay. Then the session-wide refusals: SYN_STREAM after GOAWAY or
 * with its associated stream gone, a second GOAWAY, frames too large, and
 * exhausted stream ids.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  ERR_FRAME_TOO_LARGE,
  ERR_GOAWAY_ALREADY_SENT,
  ERR_STREAM_CLOSED,
  ERR_STREAM_ID_NOT_AVAILABLE,
  ERR_SYN_STREAM_NOT_ALLOWED,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  INTERNAL_ERROR,
  PROTO_SPDY2,
  PROTO_SPDY3,
  Session,
  SpdylayError,
  StreamClosedError,
} from '../../src/index.js';
import type { SynStreamFrame } from '../../src/index.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { EVERY_VERSION, client, server, skipIdsTo } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';
import { OUR_STATES, THEIR_STATES, describeStream } from '../helpers/stream-states.js';
import type { StreamStateSetup } from '../helpers/stream-states.js';

type Submitted = 'SYN_REPLY' | 'HEADERS' | 'DATA' | 'WINDOW_UPDATE' | 'RST_STREAM';

const SUBMIT: Record<Submitted, (h: Harness) => void> = {
  SYN_REPLY: (h) => h.session.submitSynReply(0, 1, [[':status', '200']]),
  HEADERS: (h) => h.session.submitHeaders(0, 1, [['x-h', '1']]),
  DATA: (h) => h.session.submitData(1, 0, bodyProvider('body')),
  WINDOW_UPDATE: (h) => h.session.submitWindowUpdate(1, 1000),
  RST_STREAM: (h) => h.session.submitRstStream(1, INTERNAL_ERROR),
};

const WIRE: Record<Submitted, string> = {
  SYN_REPLY: 'SYN_REPLY(1)',
  HEADERS: 'HEADERS(1)',
  DATA: 'DATA(1,len=4)',
  WINDOW_UPDATE: 'WINDOW_UPDATE(1,+1000)',
  RST_STREAM: 'RST_STREAM(1,INTERNAL_ERROR)',
};

interface Verdict {
  /** The ERR_* name onCtrlNotSendCb reports, 'silent' for a refusal without callback, null when sent. */
  refusal: string | null;
  /** submitWindowUpdate throws StreamClosedError for a stream that is not open. */
  throws?: boolean;
}

/**
 * spdylay's verdict for `frame` on stream 1 in `before` (STATE[,RD][,WR]),
 * `closing` when our RST_STREAM was queued after the frame.
 */
function verdict(frame: Submitted, ours: boolean, before: string, closing: boolean): Verdict {
  const exists = before !== 'none';
  const state = before.split(',')[0];
  const shutWr = before.includes('WR');
  switch (frame) {
    case 'RST_STREAM':
      return { refusal: null }; // never checked
    case 'WINDOW_UPDATE':
      if (!exists) return { refusal: null, throws: true };
      return { refusal: closing ? 'silent' : null }; // shut-write does not matter
    case 'SYN_REPLY':
      if (!exists) return { refusal: 'ERR_STREAM_CLOSED' };
      if (shutWr) return { refusal: 'ERR_STREAM_SHUT_WR' };
      if (ours) return { refusal: 'ERR_INVALID_STREAM_ID' };
      if (closing) return { refusal: 'ERR_STREAM_CLOSING' };
      return { refusal: state === 'OPENING' ? null : 'ERR_INVALID_STREAM_STATE' };
    case 'HEADERS':
    case 'DATA': {
      const silent = (code: string) => ({ refusal: frame === 'DATA' ? 'silent' : code });
      if (!exists) return silent('ERR_STREAM_CLOSED');
      if (shutWr) return silent('ERR_STREAM_SHUT_WR');
      if (closing) return silent('ERR_STREAM_CLOSING');
      if (ours) return { refusal: null }; // our stream: any state, even before SYN_REPLY
      return state === 'OPENED' ? { refusal: null } : silent('ERR_INVALID_STREAM_STATE');
    }
  }
}

const STATES: StreamStateSetup[] = [...OUR_STATES, ...THEIR_STATES];

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  const rows = STATES.flatMap((state) =>
    (Object.keys(SUBMIT) as Submitted[]).flatMap((frame) =>
      [false, true].map((closing) => ({
        state,
        frame,
        closing,
        label: `${frame} on ${state.name}${closing ? ', RST_STREAM queued after it (CLOSING)' : ''}`,
      })),
    ),
  ).filter((row) => !(row.closing && row.state.before === 'none'));

  it.each(rows)('$label', ({ state, frame, closing }) => {
    const h = state.make(version);
    expect(describeStream(h)).toBe(state.before);
    const want = verdict(frame, state.ours, state.before, closing);
    if (want.throws) {
      expect(() => SUBMIT[frame](h)).toThrow(StreamClosedError);
      expect(h.flush()).toEqual([]);
      return;
    }
    SUBMIT[frame](h);
    if (closing) h.session.submitRstStream(1, CANCEL);
    const sent = h.flushLabels().filter((l) => l !== 'RST_STREAM(1,CANCEL)');
    const notSent = h.log.of('onCtrlNotSendCb').map((e) => e.text);
    if (want.refusal === null) {
      expect(sent).toEqual([WIRE[frame]]);
      expect(notSent).toEqual([]);
    } else {
      expect(sent).toEqual([]);
      expect(notSent).toEqual(want.refusal === 'silent' ? [] : [`ctrl-not-send ${WIRE[frame]} ${want.refusal}`]);
    }
  });
});

describe('session-wide refusals', () => {
  it('SYN_STREAM whose associated stream has gone: ERR_STREAM_CLOSED', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/pushed']], 1);
    h.recv(h.peer.rstStream(1, CANCEL));
    expect(h.flush()).toEqual([]);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.text)).toEqual(['ctrl-not-send SYN_STREAM(0) ERR_STREAM_CLOSED']);
    expect(h.log.of('onCtrlNotSendCb')[0]!.args[1]).toBe(ERR_STREAM_CLOSED);
  });

  it('SYN_STREAM after our GOAWAY was sent: ERR_SYN_STREAM_NOT_ALLOWED', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    h.session.submitRequest(0, [[':path', '/']]);
    expect(h.flush()).toEqual([]);
    expect(h.log.take().at(-1)).toBe('ctrl-not-send SYN_STREAM(0) ERR_SYN_STREAM_NOT_ALLOWED');
  });

  it('SYN_STREAM after a GOAWAY queued earlier in the same send: ERR_SYN_STREAM_NOT_ALLOWED', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitGoaway(GOAWAY_OK);
    h.session.submitRequest(7, [[':path', '/']]); // lowest priority: behind the GOAWAY, which came first
    expect(h.flushLabels()).toEqual(['GOAWAY(0,OK)']);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_SYN_STREAM_NOT_ALLOWED]);
  });

  it('SYN_STREAM after the peer\'s GOAWAY or after failSession: ERR_SYN_STREAM_NOT_ALLOWED', () => {
    const a = client(PROTO_SPDY3);
    a.recv(a.peer.goaway(0));
    a.session.submitRequest(0, [[':path', '/']]);
    expect(a.flush()).toEqual([]);
    const b = client(PROTO_SPDY3);
    b.session.failSession(GOAWAY_PROTOCOL_ERROR);
    b.session.submitRequest(0, [[':path', '/']]);
    expect(b.flushLabels()).toEqual(['GOAWAY(0,PROTOCOL_ERROR)']);
    for (const h of [a, b]) {
      expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_SYN_STREAM_NOT_ALLOWED]);
    }
  });

  it('a second GOAWAY: ERR_GOAWAY_ALREADY_SENT', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitGoaway(GOAWAY_OK);
    h.session.submitGoaway(GOAWAY_PROTOCOL_ERROR);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,OK)']);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.text)).toEqual(['ctrl-not-send GOAWAY(0,PROTOCOL_ERROR) ERR_GOAWAY_ALREADY_SENT']);
    expect(h.log.of('onCtrlNotSendCb')[0]!.args[1]).toBe(ERR_GOAWAY_ALREADY_SENT);
  });

  it('receiving a GOAWAY does not stop us sending ours', () => {
    const h = client(PROTO_SPDY3);
    h.recv(h.peer.goaway(0));
    h.session.submitGoaway(GOAWAY_OK);
    expect(h.flushLabels()).toEqual(['GOAWAY(0,OK)']);
  });

  it('a header block too large for a frame: ERR_FRAME_TOO_LARGE, and the compressor stays in step', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynReply(0, 1, [['x-big', 'a'.repeat(0x1000000)]]);
    h.session.submitSynReply(0, 1, [[':status', '200']]);
    h.session.submitHeaders(CTRL_FLAG_FIN, 1, [['x-after', 'ok']]);
    const sent = h.flush();
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_FRAME_TOO_LARGE]);
    // The peer's inflater decodes what follows: the refused block never reached it.
    expect(framesOfType(sent, 2)[0]!.nv).toEqual([[':status', '200']]);
    expect(framesOfType(sent, 8)[0]!.nv).toEqual([['x-after', 'ok']]);
  });

  it('a frame refused for its state never reaches the compressor either', () => {
    const h = server(PROTO_SPDY2);
    h.session.submitSynReply(0, 1, [[':status', '200 OK']]);
    expect(h.flush()).toEqual([]); // no stream 1 yet: refused
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_STREAM_CLOSED]);
    h.recv(h.peer.synStream({ streamId: 1, nv: [['url', '/']] }));
    h.session.submitSynReply(CTRL_FLAG_FIN, 1, [[':status', '404 Not Found']]);
    expect(framesOfType(h.flush(), 2)[0]!.nv).toEqual([['status', '404 Not Found']]);
  });
});

describe('stream ids running out', () => {
  const nearEnd = (h: Harness) => {
    skipIdsTo(h.session, { streamId: 2 ** 31 - 1 }); // the last odd 31-bit id
  };

  it('the last id is used; one more SYN_STREAM throws ERR_STREAM_ID_NOT_AVAILABLE at submit', () => {
    const h = client(PROTO_SPDY3);
    nearEnd(h);
    h.session.submitRequest(0, [[':path', '/last']]);
    let thrown: unknown;
    try {
      h.session.submitRequest(0, [[':path', '/none']]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpdylayError);
    expect((thrown as SpdylayError).code).toBe(ERR_STREAM_ID_NOT_AVAILABLE);
    expect(framesOfType(h.flush(), 1).map((f) => f.streamId)).toEqual([2 ** 31 - 1]);
    expect(() => h.session.submitSynStream(CTRL_FLAG_FIN, 0, [[':path', '/']])).toThrow(SpdylayError);
    expect(h.session.getOutboundQueueSize()).toBe(0);
  });

  it('a SYN_STREAM refused at send gives its id back (ids stay dense)', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/a']], 99); // no stream 99: refused
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/b']], 1);
    h.flush();
    expect((h.log.frames('onCtrlSendCb')[0] as SynStreamFrame).streamId).toBe(2);
  });

  it('a client session with ids left accepts submits (the check counts queued SYN_STREAMs)', () => {
    const s = new Session(CLIENT, PROTO_SPDY3);
    skipIdsTo(s, { streamId: 2 ** 31 - 5 }); // three ids left: 2^31-5, -3, -1
    s.submitRequest(0, [[':path', '/1']]);
    s.submitRequest(0, [[':path', '/2']]);
    s.submitRequest(0, [[':path', '/3']]);
    expect(() => s.submitRequest(0, [[':path', '/4']])).toThrow(SpdylayError);
    expect(s.getOutboundQueueSize()).toBe(3);
  });
});
