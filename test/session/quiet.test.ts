/**
 * A failed session goes quiet (issue 16): once we queued a GOAWAY with a
 * status other than OK (failSession, a peer's session error, submitGoaway),
 * or the session wants neither to read nor to write, later input fires no
 * callback and changes no state, as nghttp2 ignores all input after a
 * terminating GOAWAY. memRecv still returns the length it was given.
 * spdylay reads on after fail_session; this is a departure.
 */
import { describe, expect, it } from 'vitest';
import {
  CTRL_FLAG_FIN,
  DATA_FLAG_FIN,
  GOAWAY_INTERNAL_ERROR,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  PING,
  Session,
  SYN_STREAM,
} from '../../src/index.js';
import { concat, hex } from '../helpers/bytes.js';
import { HeldCodec } from '../helpers/deferring-run.js';
import { EventLog } from '../helpers/event-log.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { FrameReader, wireLabel } from '../helpers/frame-reader.js';
import { EVERY_VERSION, client, machineOf, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

/** How the frame reader labels our GOAWAY: SPDY/2's has no status field, so it reads as OK. */
function goawayLabel(version: number, status: string): string {
  return `GOAWAY(0,${version === 2 ? 'OK' : status})`;
}

/** A client with streams 1 and 3 open, replied to, each with window to spend. */
function clientWithTwoStreams(version: number): Harness {
  const h = client(version);
  h.session.submitRequest(0, [[':path', '/1']]);
  h.session.submitRequest(0, [[':path', '/3']]);
  h.flush();
  h.recv(h.peer.synReply({ streamId: 1 }), h.peer.synReply({ streamId: 3 }));
  h.log.take();
  return h;
}

/** What a peer might still send to a client with streams 1 and 3: every kind of frame that changes something. */
function lateFrames(h: Harness): Uint8Array {
  return concat(
    h.peer.data(1, 0, hex('61 62 63')),
    h.peer.headers({ streamId: 3, nv: [['x-late', '1']] }),
    h.peer.windowUpdate(1, 1000),
    h.peer.rstStream(3, 5 /* CANCEL */),
    h.peer.data(1, DATA_FLAG_FIN, hex('64')),
    h.peer.ping(2),
    h.peer.settings(0, [[4, 0, 1]]),
    h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: 2, nv: [[':path', '/pushed']] }),
    h.peer.goaway(1),
  );
}

describe.each(EVERY_VERSION)('$name', ({ version }) => {
  it('after failSession, memRecv returns the whole length and changes nothing: no callback, streams stay, nothing queued', () => {
    const h = clientWithTwoStreams(version);
    h.session.failSession(GOAWAY_PROTOCOL_ERROR);
    const queued = h.session.getOutboundQueueSize();
    const late = lateFrames(h);
    expect(h.session.memRecv(late)).toBe(late.length);
    expect(h.log.take()).toEqual([]);
    expect(h.session.getOutboundQueueSize()).toBe(queued);
    expect([1, 3].map((id) => machineOf(h.session).isStreamOpen(id))).toEqual([true, true]);
    expect(h.session.wantRead()).toBe(false);
    expect(h.flushLabels()).toEqual([goawayLabel(version, 'PROTOCOL_ERROR')]);
    h.log.take();
    // Once the GOAWAY is out, more input is dropped the same way.
    expect(h.session.memRecv(late)).toBe(late.length);
    expect(h.log.take()).toEqual([]);
    expect(h.flush()).toEqual([]);
  });

  it('a frame that fails the session stops the buffer it came in: the frames after it are not processed', () => {
    const h = clientWithTwoStreams(version);
    // A PING of 3 bytes: a parse error, GOAWAY PROTOCOL_ERROR; then what a live session would act on.
    h.recv(h.peer.raw(PING, 0, hex('00 00 01')), lateFrames(h));
    expect(h.log.take()).toEqual(['parse-error PING ERR_INVALID_FRAME']);
    expect([1, 3].map((id) => machineOf(h.session).isStreamOpen(id))).toEqual([true, true]);
    expect(h.flushLabels()).toEqual([goawayLabel(version, 'PROTOCOL_ERROR')]);
  });

  it('a callback that fails the session in the middle of a DATA frame: the rest of the frame is not delivered', () => {
    const h = client(version, { callbacks: { onDataChunkRecvCb: (s) => s.failSession(GOAWAY_INTERNAL_ERROR) } });
    h.session.submitRequest(0, [[':path', '/1']]);
    h.flush();
    h.recv(h.peer.synReply({ streamId: 1 }));
    h.log.take();
    const frame = h.peer.data(1, DATA_FLAG_FIN, hex('61 62 63 64'));
    h.recv(frame.subarray(0, 10));
    h.recv(frame.subarray(10));
    expect(h.log.take()).toEqual(['data-chunk-recv 1,len=2,FIN']);
    expect(machineOf(h.session).isStreamOpen(1)).toBe(true);
  });

  it('submitGoaway with a status other than OK fails the session as failSession does: quiet at once, no I/O wanted once it is sent', () => {
    const h = clientWithTwoStreams(version);
    h.session.submitGoaway(GOAWAY_INTERNAL_ERROR);
    expect(h.session.wantRead()).toBe(false);
    h.recv(lateFrames(h));
    expect(h.log.take()).toEqual([]);
    expect(h.session.wantWrite()).toBe(true);
    h.flush();
    expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
  });

  it('a GOAWAY with status OK is different: the streams in flight finish', () => {
    const h = clientWithTwoStreams(version);
    h.session.submitGoaway(GOAWAY_OK);
    h.flush();
    h.log.take();
    h.recv(h.peer.data(1, DATA_FLAG_FIN, hex('61')), h.peer.rstStream(3, 5 /* CANCEL */));
    expect(h.log.take()).toEqual(['data-chunk-recv 1,len=1,FIN', 'data-recv 1,len=1,FIN', 'stream-close 1 OK', 'ctrl-recv RST_STREAM(3,CANCEL)', 'stream-close 3 CANCEL']);
  });

  it('a session that wants neither to read nor to write reads nothing more, whether the rest comes in the same buffer or later', () => {
    for (const together of [true, false]) {
      const h = client(version);
      // No stream: the peer's GOAWAY leaves nothing to read or write.
      const goaway = h.peer.goaway(0);
      const after = concat(h.peer.ping(2), h.peer.settings(0, [[4, 0, 10]]));
      if (together) h.recv(goaway, after);
      else {
        h.recv(goaway);
        expect([h.session.wantRead(), h.session.wantWrite()]).toEqual([false, false]);
        expect(h.session.memRecv(after)).toBe(after.length);
      }
      expect(h.log.take()).toEqual(['ctrl-recv GOAWAY(0,OK)']);
      expect(h.flush()).toEqual([]);
    }
  });

  it('while something is still to be written the session is not over: it reads on', () => {
    const h = client(version);
    h.session.submitPing();
    h.recv(h.peer.goaway(0), h.peer.ping(2));
    expect(h.log.take().at(-1)).toBe('ctrl-recv PING(2)');
    expect(h.flushLabels()).toEqual(['PING(1)', 'PING(2)']);
  });

  it('with a deferring header codec, frames recorded behind a block that fails the session are not replayed', () => {
    const log = new EventLog();
    const codec = new HeldCodec(version, 2);
    const s = new Session(2, version, { ...log.callbacks(), config: { headerCodec: codec } });
    const peer = new FrameFactory(version, 1);
    // A SYN_STREAM whose block is not zlib (ERR_ZLIB once decoded), then a PING and a request.
    const broken = peer.withBlock({ type: SYN_STREAM, streamId: 1 }, hex('de ad be ef'), { compressed: false });
    s.memRecv(concat(broken, peer.ping(1), new FrameFactory(version, 1).synStream({ streamId: 3, flags: CTRL_FLAG_FIN })));
    expect(log.take()).toEqual([]);
    for (let i = 0; i < 10 && codec.waiting; i++) {
      codec.release(1);
      machineOf(s).resumeHeaderBlocks();
    }
    expect(log.take()).toEqual(['parse-error SYN_STREAM ERR_ZLIB']);
    const sent: Uint8Array[] = [];
    for (let out = s.memSend(); out !== null; out = s.memSend()) sent.push(out);
    expect(new FrameReader(version, 2).read(concat(...sent)).map(wireLabel)).toEqual([goawayLabel(version, 'PROTOCOL_ERROR')]);
    expect(s.wantRead()).toBe(false);
  });
});

it('server: after a session error, the request body that follows in the buffer is not delivered', () => {
  const h = server(3);
  // An id below one already used is a session error (draft 3 §2.3.2); stream 5 stays open.
  h.recv(h.peer.synStream({ streamId: 5 }), h.peer.synStream({ streamId: 3 }), h.peer.data(5, DATA_FLAG_FIN, hex('61')));
  expect(h.log.take()).toEqual(['ctrl-recv SYN_STREAM(5)', 'invalid-ctrl-recv SYN_STREAM(3) PROTOCOL_ERROR']);
  expect(machineOf(h.session).isStreamOpen(5)).toBe(true);
  expect(h.flushLabels()).toEqual(['GOAWAY(5,PROTOCOL_ERROR)']);
});
