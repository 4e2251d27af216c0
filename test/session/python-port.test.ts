/**
 * python-spdylay's own test suite (python/spdylay_tests.py), ported by the
 * mechanical rule of API.md: snake_case becomes camelCase, constants and
 * classes keep their names. If one of these needs more than renaming, the
 * port has broken the contract.
 *
 * One deliberate difference: test_get_npn_protocols expected
 * ['spdy/3', 'spdy/2'] from a spdylay without SPDY/3.1; this library speaks
 * SPDY/3.1 too and lists it first, as spdylay 1.x does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as spdylay from '../../src/index.js';
import type { AnyCtrlFrame, ReadControl, Session } from '../../src/index.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A FIFO of byte buffers, read from like a socket. */
class BufferList {
  private readonly buffers: Uint8Array[] = [];
  addBuffer(bytes: Uint8Array) {
    this.buffers.push(bytes);
  }
  getBytes(length: number): Uint8Array | null {
    while (this.buffers.length > 0) {
      const first = this.buffers[0]!;
      if (first.length === 0) {
        this.buffers.shift();
        continue;
      }
      const data = first.subarray(0, length);
      this.buffers[0] = first.subarray(data.length);
      return data;
    }
    return null;
  }
}

class IOBridge {
  constructor(
    readonly inputs: BufferList,
    readonly outputs: BufferList,
  ) {}
}

class Streams {
  recvFrames: AnyCtrlFrame[] = [];
  recvData: Uint8Array[] = [];
  constructor(readonly iob: IOBridge) {}
  data(): string {
    return new TextDecoder().decode(Buffer.concat(this.recvData));
  }
}

/** An in-memory byte source, read like python's io.BytesIO. */
class BytesIO {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  read(length: number): Uint8Array {
    const chunk = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += chunk.length;
    return chunk;
  }
}

function recvCb(session: Session, length: number) {
  return (session.userData as Streams).iob.inputs.getBytes(length);
}
function sendCb(session: Session, data: Uint8Array) {
  (session.userData as Streams).iob.outputs.addBuffer(data.slice());
  return data.length;
}
function readCb(_session: Session, _streamId: number, length: number, readCtrl: ReadControl, source: BytesIO) {
  const data = source.read(length);
  if (data.length === 0) readCtrl.flags = spdylay.READ_EOF;
  return data;
}
function onCtrlRecvCb(session: Session, frame: AnyCtrlFrame) {
  (session.userData as Streams).recvFrames.push(frame);
}
function onDataChunkRecvCb(session: Session, _flags: number, _streamId: number, data: Uint8Array) {
  (session.userData as Streams).recvData.push(data.slice());
}

describe('SpdylayTests (python-spdylay spdylay_tests.py, ported by renaming)', () => {
  let clientStreams: Streams;
  let serverStreams: Streams;
  let clientSession: Session;
  let serverSession: Session;

  beforeEach(() => {
    const clientOutput = new BufferList();
    const serverOutput = new BufferList();
    clientStreams = new Streams(new IOBridge(serverOutput, clientOutput));
    serverStreams = new Streams(new IOBridge(clientOutput, serverOutput));
    clientSession = new spdylay.Session(spdylay.CLIENT, spdylay.PROTO_SPDY3, {
      sendCb,
      recvCb,
      onCtrlRecvCb,
      onDataChunkRecvCb,
      userData: clientStreams,
    });
    serverSession = new spdylay.Session(spdylay.SERVER, spdylay.PROTO_SPDY3, {
      sendCb,
      recvCb,
      onCtrlRecvCb,
      onDataChunkRecvCb,
      userData: serverStreams,
    });
  });

  it('test_submit_request_and_response', () => {
    const dataPrd = new spdylay.DataProvider(new BytesIO(text('Hello World')), readCb);
    clientSession.submitRequest(0, [[':method', 'POST']], dataPrd, dataPrd);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.SynStreamFrame;
    expect(frame.frameType).toBe(spdylay.SYN_STREAM);
    expect(frame.streamId).toBe(1);
    expect(frame.assocStreamId).toBe(0);
    expect(frame.pri).toBe(0);
    expect(frame.nv[0]).toEqual([':method', 'POST']);
    expect(serverStreams.data()).toBe('Hello World');
    expect(clientSession.getStreamUserData(1)).toBe(dataPrd);

    const responsePrd = new spdylay.DataProvider(new BytesIO(text('Foo the bar')), readCb);
    serverSession.submitResponse(1, [[':status', '200 OK']], responsePrd);
    serverSession.send();
    clientSession.recv();

    expect(clientStreams.recvFrames.length).toBe(1);
    const reply = clientStreams.recvFrames[0] as spdylay.SynReplyFrame;
    expect(reply.frameType).toBe(spdylay.SYN_REPLY);
    expect(reply.streamId).toBe(1);
    expect(reply.nv[0]).toEqual([':status', '200 OK']);
    expect(clientStreams.data()).toBe('Foo the bar');
  });

  it('test_submit_syn_stream_and_syn_stream', () => {
    clientSession.submitSynStream(spdylay.CTRL_FLAG_FIN, 2, [[':path', '/']]);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.SynStreamFrame;
    expect(frame.frameType).toBe(spdylay.SYN_STREAM);
    expect(frame.streamId).toBe(1);
    expect(frame.assocStreamId).toBe(0);
    expect(frame.pri).toBe(2);
    expect(frame.nv[0]).toEqual([':path', '/']);

    serverSession.submitSynReply(spdylay.CTRL_FLAG_FIN, 1, [[':version', 'HTTP/1.1']]);
    serverSession.send();
    clientSession.recv();

    expect(clientStreams.recvFrames.length).toBe(1);
    const reply = clientStreams.recvFrames[0] as spdylay.SynReplyFrame;
    expect(reply.frameType).toBe(spdylay.SYN_REPLY);
    expect(reply.streamId).toBe(1);
    expect(reply.nv[0]).toEqual([':version', 'HTTP/1.1']);
  });

  it('test_submit_rst_stream', () => {
    clientSession.submitSynStream(spdylay.CTRL_FLAG_FIN, 2, [[':path', '/']]);
    clientSession.send();
    serverSession.recv();

    serverSession.submitRstStream(1, spdylay.PROTOCOL_ERROR);
    serverSession.send();
    clientSession.recv();

    expect(clientStreams.recvFrames.length).toBe(1);
    const frame = clientStreams.recvFrames[0] as spdylay.RstStreamFrame;
    expect(frame.frameType).toBe(spdylay.RST_STREAM);
    expect(frame.streamId).toBe(1);
    expect(frame.statusCode).toBe(spdylay.PROTOCOL_ERROR);
  });

  it('test_submit_goaway', () => {
    clientSession.submitGoaway(spdylay.GOAWAY_PROTOCOL_ERROR);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.GoawayFrame;
    expect(frame.frameType).toBe(spdylay.GOAWAY);
    expect(frame.statusCode).toBe(spdylay.GOAWAY_PROTOCOL_ERROR);
  });

  it('test_resume_data', () => {
    expect(() => clientSession.resumeData(1)).toThrow(spdylay.InvalidArgumentError);
  });

  it('test_get_pri_lowest', () => {
    expect(clientSession.getPriLowest()).toBe(7);
  });

  it('test_fail_session', () => {
    clientSession.failSession(spdylay.GOAWAY_PROTOCOL_ERROR);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.GoawayFrame;
    expect(frame.frameType).toBe(spdylay.GOAWAY);
    expect(frame.statusCode).toBe(spdylay.GOAWAY_PROTOCOL_ERROR);

    expect(clientSession.wantRead()).toBe(false);
    expect(clientSession.wantWrite()).toBe(false);
  });

  it('test_deferred_data', () => {
    const deferredReadCb = () => spdylay.ERR_DEFERRED;
    const dataPrd = new spdylay.DataProvider(new BytesIO(text('Hello World')), deferredReadCb);
    clientSession.submitRequest(0, [[':method', 'POST']], dataPrd, dataPrd);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.SynStreamFrame;
    expect(frame.frameType).toBe(spdylay.SYN_STREAM);
    expect(frame.streamId).toBe(1);
    expect(frame.assocStreamId).toBe(0);
    expect(frame.pri).toBe(0);
    expect(frame.nv[0]).toEqual([':method', 'POST']);
    expect(serverStreams.recvData.length).toBe(0);

    dataPrd.readCb = readCb;
    clientSession.resumeData(1);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.data()).toBe('Hello World');
  });

  it('test_recv_cb_eof', () => {
    const eofRecvCb = () => {
      throw new spdylay.EOFError();
    };
    const session = new spdylay.Session(spdylay.CLIENT, spdylay.PROTO_SPDY3, { recvCb: eofRecvCb });
    expect(() => session.recv()).toThrow(spdylay.EOFError);
  });

  it('test_recv_cb_callback_failure', () => {
    const failingRecvCb = () => {
      throw new spdylay.CallbackFailureError();
    };
    const session = new spdylay.Session(spdylay.CLIENT, spdylay.PROTO_SPDY3, { recvCb: failingRecvCb });
    expect(() => session.recv()).toThrow(spdylay.CallbackFailureError);
  });

  it('test_send_cb_callback_failure', () => {
    const failingSendCb = (): number => {
      throw new spdylay.CallbackFailureError();
    };
    const session = new spdylay.Session(spdylay.CLIENT, spdylay.PROTO_SPDY3, { sendCb: failingSendCb });
    session.submitGoaway(spdylay.GOAWAY_OK);
    expect(() => session.send()).toThrow(spdylay.CallbackFailureError);
  });

  it('test_submit_data', () => {
    clientSession.submitSynStream(spdylay.CTRL_FLAG_NONE, 2, [[':path', '/']]);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.SynStreamFrame;
    expect(frame.frameType).toBe(spdylay.SYN_STREAM);
    expect(frame.streamId).toBe(1);

    const dataPrd = new spdylay.DataProvider(new BytesIO(text('Hello World')), readCb);
    clientSession.submitData(1, spdylay.DATA_FLAG_FIN, dataPrd);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.data()).toBe('Hello World');
  });

  it('test_submit_headers', () => {
    clientSession.submitSynStream(spdylay.CTRL_FLAG_NONE, 2, [[':path', '/']]);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    expect((serverStreams.recvFrames[0] as spdylay.SynStreamFrame).streamId).toBe(1);

    clientSession.submitHeaders(spdylay.CTRL_FLAG_FIN, 1, [[':host', 'localhost']]);
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(2);
    const frame = serverStreams.recvFrames[1] as spdylay.HeadersFrame;
    expect(frame.frameType).toBe(spdylay.HEADERS);
    expect(frame.streamId).toBe(1);
    expect(frame.nv[0]).toEqual([':host', 'localhost']);
  });

  it('test_submit_ping', () => {
    clientSession.submitPing();
    clientSession.send();
    serverSession.recv();

    expect(serverStreams.recvFrames.length).toBe(1);
    const frame = serverStreams.recvFrames[0] as spdylay.PingFrame;
    expect(frame.frameType).toBe(spdylay.PING);
    expect(frame.uniqueId).toBe(1);
  });

  it('test_submit_window_update', () => {
    clientSession.submitSynStream(spdylay.CTRL_FLAG_NONE, 2, [[':path', '/']]);
    clientSession.send();
    serverSession.recv();

    serverSession.submitWindowUpdate(1, 4096);
    serverSession.send();
    clientSession.recv();

    expect(clientStreams.recvFrames.length).toBe(1);
    const frame = clientStreams.recvFrames[0] as spdylay.WindowUpdateFrame;
    expect(frame.frameType).toBe(spdylay.WINDOW_UPDATE);
    expect(frame.streamId).toBe(1);
    expect(frame.deltaWindowSize).toBe(4096);
  });

  it('test_get_npn_protocols (SPDY/3.1 listed first: see the file comment)', () => {
    expect(spdylay.getNpnProtocols()).toEqual(['spdy/3.1', 'spdy/3', 'spdy/2']);
  });
});
