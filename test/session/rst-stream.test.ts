/**
 * RST_STREAM in every state, both ways (spdylay_submit_rst_stream,
 * spdylay_session_add_frame's CLOSING mark, after_frame_sent,
 * spdylay_session_on_rst_stream_received): ours marks the stream CLOSING
 * at once and closes it with our status once sent; the peer's closes it
 * with the peer's status, unchecked.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  CTRL_FLAG_FIN,
  DataProvider,
  ERR_DEFERRED,
  ERR_STREAM_CLOSED,
  ERR_STREAM_CLOSING,
  INTERNAL_ERROR,
  PROTO_SPDY3,
  STREAM_ALREADY_CLOSED,
} from '../../src/index.js';
import type { RstStreamFrame } from '../../src/index.js';
import { framesOfType } from '../helpers/frame-reader.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';
import { OUR_STATES, THEIR_STATES, describeStream } from '../helpers/stream-states.js';

const STATES = [...OUR_STATES, ...THEIR_STATES];

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  describe.each(STATES)('$name', (state) => {
    it('our RST_STREAM: CLOSING at submit, sent, then closed with our status', () => {
      const h = state.make(version);
      h.session.submitRstStream(1, INTERNAL_ERROR);
      const [, ...shut] = state.before.split(',');
      expect(describeStream(h)).toBe(state.before === 'none' ? 'none' : ['CLOSING', ...shut].join(','));
      expect(h.flushLabels()).toEqual(['RST_STREAM(1,INTERNAL_ERROR)']);
      expect(h.log.take()).toEqual([
        'before-ctrl-send RST_STREAM(1,INTERNAL_ERROR)',
        'ctrl-send RST_STREAM(1,INTERNAL_ERROR)',
        ...(state.before === 'none' ? [] : ['stream-close 1 INTERNAL_ERROR']),
      ]);
      expect(describeStream(h)).toBe('none');
    });

    it('the peer\'s RST_STREAM: reported, then closed with the peer\'s status', () => {
      const h = state.make(version);
      h.recv(h.peer.rstStream(1, STREAM_ALREADY_CLOSED));
      expect(h.log.take()).toEqual([
        'ctrl-recv RST_STREAM(1,STREAM_ALREADY_CLOSED)',
        ...(state.before === 'none' ? [] : ['stream-close 1 STREAM_ALREADY_CLOSED']),
      ]);
      expect(describeStream(h)).toBe('none');
      expect(h.flush()).toEqual([]); // never answered
    });
  });
});

describe('details', () => {
  it('the peer\'s status is passed on unchecked, even 0 or unknown codes', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [[':path', '/']]);
    h.session.submitRequest(0, [[':path', '/']]);
    h.flush();
    h.log.take();
    h.recv(h.peer.rstStream(1, 0), h.peer.rstStream(3, 4242));
    expect(h.log.of('onStreamCloseCb').map((e) => e.args)).toEqual([
      [1, 0],
      [3, 4242],
    ]);
    expect((h.log.frames('onCtrlRecvCb')[1] as RstStreamFrame).statusCode).toBe(4242);
  });

  it('RST_STREAM for stream 0 is reported and does nothing else', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.rstStream(0, 1));
    expect(h.log.take()).toEqual(['ctrl-recv RST_STREAM(0,PROTOCOL_ERROR)']);
    expect(h.flush()).toEqual([]);
  });

  it('frames queued before our RST_STREAM are refused STREAM_CLOSING; after it is sent, STREAM_CLOSED', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }), h.peer.synStream({ streamId: 3 }));
    h.session.submitSynReply(0, 1, [[':status', '200']]);
    h.session.submitRstStream(1, CANCEL);
    h.session.submitSynReply(0, 3, [[':status', '200']]);
    h.session.submitRstStream(3, CANCEL);
    h.session.submitHeaders(0, 3, [['x', 'y']]); // queued after the RST: the stream is gone by then
    expect(h.flushLabels()).toEqual(['RST_STREAM(1,CANCEL)', 'RST_STREAM(3,CANCEL)']);
    expect(h.log.of('onCtrlNotSendCb').map((e) => e.args[1])).toEqual([ERR_STREAM_CLOSING, ERR_STREAM_CLOSING, ERR_STREAM_CLOSED]);
  });

  it('the peer\'s RST_STREAM stops a body mid-way (test_spdylay_session_stop_data_with_rst_stream)', () => {
    let reset = false;
    const h = server(PROTO_SPDY3, {
      callbacks: {
        onDataSendCb: (s) => {
          if (!reset) {
            reset = true;
            s.memRecv(h.peer.rstStream(1, CANCEL));
          }
        },
      },
    });
    h.recv(h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    const prd = bodyProvider(5 * 4096);
    h.session.submitResponse(1, [[':status', '200']], prd);
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)', 'DATA(1,len=4096)']);
    expect(prd.source.asked.length).toBe(1);
    expect(h.stream(1)).toBeUndefined();
  });

  it('the peer\'s RST_STREAM drops DATA deferred on the stream', () => {
    const h = client(PROTO_SPDY3);
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => ERR_DEFERRED));
    h.flush();
    h.recv(h.peer.rstStream(1, CANCEL));
    expect(h.session.wantWrite()).toBe(false);
    expect(h.session.getOutboundQueueSize()).toBe(0);
  });

  it('a second RST_STREAM of ours for the same stream is still sent; the stream closes once', () => {
    const h = server(PROTO_SPDY3);
    h.recv(h.peer.synStream({ streamId: 1 }));
    h.session.submitRstStream(1, CANCEL);
    h.session.submitRstStream(1, INTERNAL_ERROR);
    const sent = framesOfType(h.flush(), 3);
    expect(sent.map((f) => f.statusCode)).toEqual([CANCEL, INTERNAL_ERROR]);
    expect(h.log.of('onStreamCloseCb').map((e) => e.text)).toEqual(['stream-close 1 CANCEL']);
  });
});
