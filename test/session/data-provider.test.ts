/**
 * DataProvider, as python-spdylay's DataProvider over spdylay's
 * data_source_read_callback (spdylay_session_pack_data,
 * spdylay_session_resume_data): how much is asked for, EOF and FIN,
 * deferring, and each kind of failure. A provider with nothing now and no
 * EOF is asked again on the next send pass (a departure: spdylay spins).
 */
import { describe, expect, it } from 'vitest';
import {
  CallbackFailureError,
  CTRL_FLAG_FIN,
  DATA_FLAG_FIN,
  DataProvider,
  ERR_DEFERRED,
  InvalidArgumentError,
  PROTO_SPDY2,
  PROTO_SPDY3,
  READ_EOF,
  Session,
  TemporalCallbackFailureError,
  CLIENT,
} from '../../src/index.js';
import type { ReadControl } from '../../src/index.js';
import { ascii, sameBytes } from '../helpers/bytes.js';
import { dataPayload, FrameReader, wireLabel } from '../helpers/frame-reader.js';
import { client } from '../helpers/harness.js';
import { bodyProvider, patterned, readBody } from '../helpers/providers.js';
import type { BodySource } from '../helpers/providers.js';
import { describeStream } from '../helpers/stream-states.js';

const V = PROTO_SPDY3;

describe('reads', () => {
  it('readCb gets (session, streamId, length, readCtrl, source); length is at most 4096', () => {
    const calls: unknown[][] = [];
    const source = { tag: 'src' };
    const h = client(PROTO_SPDY2);
    h.session.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(source, (session, streamId, length, readCtrl, src) => {
        calls.push([session, streamId, length, typeof readCtrl.flags, src]);
        readCtrl.flags = READ_EOF;
        return ascii('x');
      }),
    );
    h.flush();
    expect(calls).toEqual([[h.session, 1, 4096, 'number', source]]);
  });

  it('DATA frames carry at most 4096 bytes by default, config.dataChunkSize otherwise', () => {
    const a = client(PROTO_SPDY2);
    const prd = bodyProvider(10_000);
    a.session.submitRequest(0, [[':method', 'POST']], prd);
    expect(a.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=4096)', 'DATA(1,len=4096)', 'DATA(1,len=1808,FIN)']);
    expect(prd.source.asked).toEqual([4096, 4096, 4096]);

    const b = client(PROTO_SPDY2, { config: { dataChunkSize: 6000 } });
    const big = bodyProvider(10_000);
    b.session.submitRequest(0, [[':method', 'POST']], big);
    expect(b.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=6000)', 'DATA(1,len=4000,FIN)']);
    expect(big.source.asked).toEqual([6000, 6000]);
  });

  it('a provider may return fewer bytes than asked', () => {
    const h = client(V);
    let n = 0;
    h.session.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(null, (_s, _id, _len, ctrl) => {
        n++;
        if (n === 3) ctrl.flags = READ_EOF;
        return ascii('ab');
      }),
    );
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=2)', 'DATA(1,len=2)', 'DATA(1,len=2,FIN)']);
  });

  it('an empty body: one empty DATA frame with FIN', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(0));
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'DATA(1,len=0,FIN)']);
    expect(h.log.of('onDataSendCb').map((e) => e.args)).toEqual([[DATA_FLAG_FIN, 1, 0]]);
  });

  it('READ_EOF without DATA_FLAG_FIN ends the DATA but leaves the stream open for more', () => {
    const h = client(V);
    h.session.submitSynStream(0, 0, [[':method', 'POST']]);
    h.session.submitData(1, 0, bodyProvider('part one'));
    h.session.submitData(1, DATA_FLAG_FIN, bodyProvider('part two'));
    const sent = h.flush();
    expect(sent.map(wireLabel)).toEqual(['SYN_STREAM(1)', 'DATA(1,len=8)', 'DATA(1,len=8,FIN)']);
    expect(new TextDecoder().decode(dataPayload(sent, 1))).toBe('part onepart two');
    expect(describeStream(h, 1)).toBe('OPENING,WR'); // our half closed by the second
  });

  it('null and undefined read as no bytes', () => {
    for (const nothing of [null, undefined]) {
      const h = client(V);
      let calls = 0;
      h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => (calls++, nothing)));
      const out = h.session.memSend()!;
      expect(h.reader.read(out).map(wireLabel)).toEqual(['SYN_STREAM(1)']);
      expect(calls).toBe(1);
    }
  });
});

describe('ERR_DEFERRED and resumeData', () => {
  it('deferred DATA waits (wantWrite false) until resumeData, which returns true', () => {
    const h = client(V);
    let ready = false;
    const prd = new DataProvider(null, (_s, _id, _len, ctrl: ReadControl) => {
      if (!ready) return ERR_DEFERRED;
      ctrl.flags = READ_EOF;
      return ascii('now');
    });
    h.session.submitRequest(0, [[':method', 'POST']], prd);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)']);
    expect(h.session.wantWrite()).toBe(false);
    expect(h.flush()).toEqual([]);
    ready = true;
    expect(h.session.resumeData(1)).toBe(true);
    expect(h.session.wantWrite()).toBe(true);
    expect(h.flushLabels()).toEqual(['DATA(1,len=3,FIN)']);
    expect(() => h.session.resumeData(1)).toThrow(InvalidArgumentError); // nothing deferred any more
  });

  it('resumeData for a stream with nothing deferred throws InvalidArgumentError', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => ERR_DEFERRED));
    h.flush();
    h.session.resumeData(1);
    expect(() => h.session.resumeData(1)).toThrow(InvalidArgumentError); // already resumed
  });

  it('readCb and source swapped while deferred take effect on resume (python-spdylay test_deferred_data)', () => {
    const h = client(V);
    const prd = new DataProvider<unknown>(null, () => ERR_DEFERRED);
    h.session.submitRequest(0, [[':method', 'POST']], prd);
    h.flush();
    prd.source = { bytes: ascii('Hello World'), offset: 0, asked: [], streams: [] } satisfies BodySource;
    prd.readCb = readBody as typeof prd.readCb;
    h.session.resumeData(1);
    expect(new TextDecoder().decode(dataPayload(h.flush(), 1))).toBe('Hello World');
  });

  it('a deferred stream that is reset loses its DATA; resumeData then throws', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => ERR_DEFERRED));
    h.flush();
    h.recv(h.peer.rstStream(1, 5));
    expect(() => h.session.resumeData(1)).toThrow(InvalidArgumentError);
  });

  it('other streams keep sending while one is deferred', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => ERR_DEFERRED));
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider('other'));
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'SYN_STREAM(3)', 'DATA(3,len=5,FIN)']);
  });
});

describe('no bytes and no EOF', () => {
  it('sends nothing, asks once per send pass, and continues on a later pass', () => {
    const h = client(V);
    let calls = 0;
    let have: Uint8Array | null = null;
    h.session.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(null, (_s, _id, _len, ctrl) => {
        calls++;
        if (have === null) return new Uint8Array(0);
        ctrl.flags = READ_EOF;
        return have;
      }),
    );
    expect(h.reader.read(h.session.memSend()!).map(wireLabel)).toEqual(['SYN_STREAM(1)']);
    expect(calls).toBe(1);
    expect(h.session.memSend()).toBeNull();
    expect(calls).toBe(2);
    expect(h.session.memSend()).toBeNull();
    expect(calls).toBe(3);
    have = ascii('finally');
    expect(h.flushLabels()).toEqual(['DATA(1,len=7,FIN)']);
  });

  it('the idle stream does not hold others back', () => {
    const h = client(V);
    h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => new Uint8Array(0)));
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(3 * 4096));
    const sent = h.session.memSend()!;
    expect(new FrameReader(V, CLIENT).read(sent).map(wireLabel)).toEqual([
      'SYN_STREAM(1)',
      'SYN_STREAM(3)',
      'DATA(3,len=4096)',
      'DATA(3,len=4096)',
      'DATA(3,len=4096,FIN)',
    ]);
  });

  it('send() asks once per call too', () => {
    let calls = 0;
    const s = new Session(CLIENT, V, { sendCb: (_s, d) => d.length });
    s.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => (calls++, new Uint8Array(0))));
    s.send();
    s.send();
    expect(calls).toBe(2);
  });
});

describe('failures', () => {
  it('TemporalCallbackFailureError resets the stream with INTERNAL_ERROR and the session goes on', () => {
    const h = client(V);
    h.session.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(null, () => {
        throw new TemporalCallbackFailureError('try later');
      }),
    );
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider('fine'));
    // The RST_STREAM is queued when the read fails, behind stream 3's DATA of the same priority.
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'SYN_STREAM(3)', 'DATA(3,len=4,FIN)', 'RST_STREAM(1,INTERNAL_ERROR)']);
    expect(h.log.texts).toContain('stream-close 1 INTERNAL_ERROR');
    expect(h.session.wantRead()).toBe(true);
  });

  it('CallbackFailureError: GOAWAY INTERNAL_ERROR, and the same error comes out of memSend; nothing is lost', () => {
    const h = client(V);
    const failure = new CallbackFailureError('broken source');
    h.session.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(null, () => {
        throw failure;
      }),
    );
    expect(() => h.session.memSend()).toThrow(failure);
    expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'GOAWAY(0,INTERNAL_ERROR)']);
    expect(h.session.wantWrite()).toBe(false);
  });

  it('any other exception is treated the same and comes out as itself from send()', () => {
    const oops = new TypeError('bug in readCb');
    const wrote: Uint8Array[] = [];
    const s = new Session(CLIENT, V, { sendCb: (_s, d) => (wrote.push(d.slice()), d.length) });
    s.submitRequest(
      0,
      [[':method', 'POST']],
      new DataProvider(null, () => {
        throw oops;
      }),
    );
    expect(() => s.send()).toThrow(oops);
    const reader = new FrameReader(V, CLIENT);
    // send() finished its work first: the GOAWAY is already written.
    expect(wrote.flatMap((w) => reader.read(w)).map(wireLabel)).toEqual(['SYN_STREAM(1)', 'GOAWAY(0,INTERNAL_ERROR)']);
  });

  it('returning more bytes than asked, or a number other than ERR_DEFERRED, fails the session', () => {
    for (const bad of [new Uint8Array(4097), -1, 5]) {
      const h = client(V);
      h.session.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => bad));
      expect(() => h.session.memSend()).toThrow(CallbackFailureError);
      expect(h.flushLabels()).toEqual(['SYN_STREAM(1)', 'GOAWAY(0,INTERNAL_ERROR)']);
    }
  });

  it('a failing provider on a stream closed by then is never called', () => {
    const h = client(V);
    let calls = 0;
    h.session.submitSynStream(0, 0, [[':method', 'POST']]);
    h.flush();
    h.session.submitData(1, DATA_FLAG_FIN, new DataProvider(null, () => (calls++, new Uint8Array(0))));
    h.recv(h.peer.rstStream(1, 5));
    h.flush();
    expect(calls).toBe(0);
  });
});

describe('bodies', () => {
  it('a large body arrives intact through a peer session', () => {
    const h = client(V);
    h.recv(h.peer.settings(0, [[7, 0, 1 << 20]]));
    h.session.submitRequest(0, [[':method', 'POST']], bodyProvider(300_000));
    h.recv(h.peer.synReply({ streamId: 1, flags: CTRL_FLAG_FIN }));
    expect(sameBytes(dataPayload(h.flush(), 1), patterned(300_000))).toBe(true);
  });
});
