/**
 * The outbound queue's order, as spdylay's (spdylay_session_add_frame,
 * spdylay_session_get_next_ob_item, spdylay_session_after_frame_sent):
 * PING first, then SETTINGS, then by priority and submission order; DATA
 * of equal priority round robin; a waiting frame of higher priority
 * preempts a DATA chain; SYN_STREAMs wait while the peer's
 * MAX_CONCURRENT_STREAMS is reached.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  GOAWAY_OK,
  PROTO_SPDY3,
  PROTO_SPDY3_1,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  Session,
} from '../../src/index.js';
import type { SynStreamFrame } from '../../src/index.js';
import { framesOfType, wireLabel } from '../helpers/frame-reader.js';
import { FrameReader } from '../helpers/frame-reader.js';
import { client, server } from '../helpers/harness.js';
import { bodyProvider } from '../helpers/providers.js';

const V = PROTO_SPDY3;
const MAX_STREAMS = SETTINGS_MAX_CONCURRENT_STREAMS;

describe('control frames', () => {
  it('PING before SETTINGS before stream frames; GOAWAY last', () => {
    const h = client(V);
    h.session.submitGoaway(GOAWAY_OK);
    h.session.submitRequest(0, [[':path', '/']]);
    h.session.submitSettings(0, [[MAX_STREAMS, 0, 10]]);
    h.session.submitPing();
    expect(h.flushLabels()).toEqual(['PING(1)', 'SETTINGS', 'SYN_STREAM(1)', 'GOAWAY(0,OK)']);
  });

  it('SYN_STREAMs by priority, then submission order; ids follow the send order', () => {
    const h = client(V);
    for (const [pri, path] of [
      [3, '/a'],
      [1, '/b'],
      [2, '/c'],
      [1, '/d'],
    ] as const) {
      h.session.submitRequest(pri, [[':path', path]]);
    }
    const syn = framesOfType(h.flush(), 1);
    expect(syn.map((f) => [f.streamId, f.pri, f.nv[0]![1]])).toEqual([
      [1, 1, '/b'],
      [3, 1, '/d'],
      [5, 2, '/c'],
      [7, 3, '/a'],
    ]);
  });

  it('SYN_REPLY, HEADERS and RST_STREAM take their stream\'s priority', () => {
    const h = server(V);
    h.recv(h.peer.synStream({ streamId: 1, pri: 6 }), h.peer.synStream({ streamId: 3, pri: 1 }), h.peer.synStream({ streamId: 5, pri: 4 }));
    h.session.submitSynReply(0, 1, [[':status', '200']]);
    h.session.submitRstStream(5, 5);
    h.session.submitSynReply(0, 3, [[':status', '200']]);
    expect(h.flushLabels()).toEqual(['SYN_REPLY(3)', 'RST_STREAM(5,CANCEL)', 'SYN_REPLY(1)']);
  });

  it('frames for streams that do not exist yet, and session WINDOW_UPDATE, go at the lowest priority', () => {
    const h = client(PROTO_SPDY3_1);
    h.session.submitWindowUpdate(0, 100);
    h.session.submitRstStream(99, 5);
    h.session.submitRequest(6, [[':path', '/']]);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'WINDOW_UPDATE(0,+100)', 'RST_STREAM(99,CANCEL)']);
  });

  it('the peer\'s PING is echoed ahead of queued frames', () => {
    const h = server(V);
    h.session.submitSettings(0, [[MAX_STREAMS, 0, 5]]);
    h.recv(h.peer.ping(1));
    expect(h.flushLabels()).toEqual(['PING(1)', 'SETTINGS']);
  });
});

describe('DATA', () => {
  it('streams of equal priority take turns, one DATA frame each (round robin)', () => {
    const h = client(V);
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(3 * 4096));
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(3 * 4096));
    expect(h.flushLabels()).toEqual([
      'SYN_STREAM(1)',
      'SYN_STREAM(3)',
      'DATA(1,len=4096)',
      'DATA(3,len=4096)',
      'DATA(1,len=4096)',
      'DATA(3,len=4096)',
      'DATA(1,len=4096,FIN)',
      'DATA(3,len=4096,FIN)',
    ]);
  });

  it('a higher-priority stream\'s DATA goes out before a lower one\'s even starts', () => {
    const h = client(V);
    h.session.submitRequest(7, [[':path', '/low']], bodyProvider(2 * 4096));
    h.session.submitRequest(0, [[':path', '/high']], bodyProvider(2 * 4096));
    expect(h.flushLabels()).toEqual([
      'SYN_STREAM(1)',
      'DATA(1,len=4096)',
      'DATA(1,len=4096,FIN)',
      'SYN_STREAM(3)',
      'DATA(3,len=4096)',
      'DATA(3,len=4096,FIN)',
    ]);
    expect((h.log.frames('onCtrlSendCb')[0] as SynStreamFrame).nv).toEqual([[':path', '/high']]);
  });

  it('a frame of higher priority submitted mid-chain preempts the DATA chain', () => {
    let pinged = false;
    const h = client(V, {
      callbacks: {
        onDataSendCb: (s) => {
          if (!pinged) s.submitPing();
          pinged = true;
        },
      },
    });
    h.session.submitRequest(3, [[':method', 'POST']], bodyProvider(3 * 4096));
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=4096)', 'PING(1)', 'DATA(1,len=4096)', 'DATA(1,len=4096,FIN)']);
  });

  it('a frame of equal priority waiting takes its turn; a lower one waits for the chain to end', () => {
    let step = 0;
    const h = server(V, {
      callbacks: {
        onDataSendCb: (s) => {
          step++;
          if (step === 1) s.submitHeaders(0, 1, [['x-same', 'pri 3']]); // stream 1: priority 3 too
          if (step === 1) s.submitSynReply(0, 3, [[':status', '200']]); // stream 3: priority 7
        },
      },
    });
    h.recv(h.peer.synStream({ streamId: 1, pri: 3, flags: CTRL_FLAG_FIN }), h.peer.synStream({ streamId: 3, pri: 7, flags: CTRL_FLAG_FIN }));
    h.session.submitResponse(1, [[':status', '200']], bodyProvider(3 * 4096));
    // HEADERS(1) is equal to the chain's priority: it goes next; SYN_REPLY(3) waits
    // for the end. HEADERS carries no FIN here, so the body still ends the stream.
    expect(h.flushLabels()).toEqual([
      'SYN_REPLY(1)',
      'DATA(1,len=4096)',
      'HEADERS(1)',
      'DATA(1,len=4096)',
      'DATA(1,len=4096,FIN)',
      'SYN_REPLY(3)',
    ]);
  });

  it('with send() blocking mid-chain, a PING submitted between calls follows the DATA frame already under way', () => {
    let budget = 0;
    const reader = new FrameReader(V, CLIENT);
    const labels: string[] = [];
    const s = new Session(CLIENT, V, {
      sendCb: (_s, data) => {
        if (budget <= 0) return 0;
        const n = Math.min(budget, data.length);
        budget -= n;
        labels.push(...reader.read(data.subarray(0, n)).map(wireLabel));
        return n;
      },
    });
    s.submitRequest(3, [[':method', 'POST']], bodyProvider(3 * 4096));
    budget = 100 + 4104 + 50; // SYN_STREAM, one DATA frame, part of the next
    s.send();
    expect(labels).toEqual(['SYN_STREAM(1)', 'DATA(1,len=4096)']);
    s.submitPing();
    budget = 1e9;
    s.send();
    expect(labels).toEqual(['SYN_STREAM(1)', 'DATA(1,len=4096)', 'DATA(1,len=4096)', 'PING(1)', 'DATA(1,len=4096,FIN)']);
  });
});

describe('MAX_CONCURRENT_STREAMS of the peer', () => {
  it('SYN_STREAMs wait at the limit while other frames go; a closing stream releases one', () => {
    const h = client(V);
    h.recv(h.peer.settings(0, [[MAX_STREAMS, 0, 1]]));
    h.session.submitRequest(0, [[':path', '/1']]);
    h.session.submitRequest(0, [[':path', '/2']]);
    h.session.submitRequest(0, [[':path', '/3']]);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)']);
    expect(h.session.getOutboundQueueSize()).toBe(2);
    expect(h.session.wantWrite()).toBe(false); // only held-back SYN_STREAMs
    h.session.submitPing();
    expect(h.flushLabels()).toEqual(['PING(1)']);
    h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }));
    expect(h.session.wantWrite()).toBe(true);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(3)']);
  });

  it('a raised limit releases the waiting SYN_STREAMs', () => {
    const h = client(V);
    h.recv(h.peer.settings(0, [[MAX_STREAMS, 0, 1]]));
    for (let i = 0; i < 4; i++) h.session.submitRequest(0, [[':path', `/${i}`]]);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)']);
    h.recv(h.peer.settings(0, [[MAX_STREAMS, 0, 3]]));
    expect(h.flushLabels()).toEqual(['SYN_STREAM(3)', 'SYN_STREAM(5)']);
  });

  it('streams the peer opened do not count against its limit for ours', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':path', '/']], bodyProvider(10));
    h.flush();
    h.recv(
      h.peer.synReply({ streamId: 1 }),
      h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: CTRL_FLAG_UNIDIRECTIONAL }),
      h.peer.settings(0, [[MAX_STREAMS, 0, 2]]),
    );
    h.session.submitRequest(0, [[':path', '/second']]);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(3)']);
  });

  it('SYN_REPLY is not held back by the limit', () => {
    const h = server(V);
    h.recv(h.peer.settings(0, [[MAX_STREAMS, 0, 0]]), h.peer.synStream({ streamId: 1, flags: CTRL_FLAG_FIN }));
    h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, [[':path', '/push']], 1);
    h.session.submitResponse(1, [[':status', '200']]);
    expect(h.flushLabels()).toEqual(['SYN_REPLY(1)']);
  });
});
