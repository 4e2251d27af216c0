/**
 * Two Sessions (client and server) wired back to back in memory, driven by a
 * Workload (pair-workload.ts) in rounds:
 *
 *   1. deferred reads due this round are resumed, then the round's actions
 *      run (submit a request, SETTINGS, PING, RST_STREAM CANCEL, GOAWAY),
 *      and an application that acknowledges DATA per round does so;
 *   2. each side's memSend() is drained; every buffer is cut into pieces
 *      (the workload's cut sizes, cycled) and queued towards the peer, and
 *      the wire tap checks each frame it holds;
 *   3. the round's late actions run: what they queue is not on the wire
 *      while step 4 delivers the peer's frames;
 *   4. each direction delivers pieces, one memRecv() per piece, up to the
 *      round's byte budget; once a frame's last byte is in, the receiving
 *      side's window model learns it.
 *
 * The server answers each request (when its SYN_STREAM arrives, or when it
 * is complete), with submitResponse or with submitSynReply + submitData.
 * The run ends when nothing is pending anywhere; a GOAWAY at the end, if
 * asked for, goes out then and the pump runs again. Everything
 * observed is returned as a Transcript for the property to judge; problems
 * the tap sees as they happen (a DATA frame over its window, a malformed
 * frame, a throw, a spin or a stall) are collected in `violations`.
 */
import {
  CANCEL,
  CLIENT,
  CTRL_FLAG_FIN,
  CTRL_FLAG_NONE,
  DATA_FLAG_FIN,
  ERR_DEFERRED,
  GOAWAY,
  GOAWAY_OK,
  INTERNAL_ERROR,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3_1,
  READ_EOF,
  RST_STREAM,
  SERVER,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_CONCURRENT_STREAMS,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/core/constants.js';
import { InvalidArgumentError, TemporalCallbackFailureError } from '../../src/core/errors.js';
import { DataProvider } from '../../src/core/api/data-provider.js';
import type { AnyCtrlFrame } from '../../src/core/api/frames.js';
import { Session } from '../../src/core/api/session.js';
import type { ReadControl } from '../../src/core/session/outbound.js';
import { SendWindowModel } from './flow-model.js';
import { FrameSplitter, goawayFields, malformation, pingId, rstStatus, windowDelta } from './frame-splitter.js';
import type { RawFrame } from './frame-splitter.js';
import { ACK_AUTO, ACK_ROUND, dataFrameBound, MAX_DEFERS, MAX_YIELDS, other } from './pair-workload.js';
import type { Action, Body, SideName, Workload } from './pair-workload.js';

/** What happened to one request, as both sides saw it. */
export interface RequestFacts {
  /** The stream id the client's SYN_STREAM got (0: never sent). */
  id: number;
  /** onCtrlNotSendCb's error code for a SYN_STREAM that was never sent. */
  notSentCode: number | null;
  serverOpened: boolean;
  clientStatus: number | null;
  serverStatus: number | null;
  /** onStreamCloseCb calls per side (must be exactly one for a stream the side opened). */
  clientCloses: number;
  serverCloses: number;
  /** The resets each side made: RST_STREAM CANCEL submitted, or INTERNAL_ERROR after its provider failed. */
  resets: Array<{ side: SideName; status: number }>;
  requestBody: Uint8Array;
  responseBody: Uint8Array;
  /** Bytes as they arrived through onDataChunkRecvCb. */
  requestReceived: Uint8Array;
  responseReceived: Uint8Array;
}

/** A frame as the tap saw it leave (fields read by frame-splitter.ts). */
export interface FrameRecord {
  /** The control frame type; 0 for DATA. */
  type: number;
  control: boolean;
  streamId: number;
  flags: number;
  length: number;
  status?: number;
  delta?: number;
  pingId?: number;
  lastGoodStreamId?: number;
}

export interface SideTranscript {
  /** Every memSend() buffer, in order. */
  outputs: Uint8Array[];
  /** Every callback, in order, as text (for the determinism comparison). */
  log: string[];
  /** Every frame this side put on the wire. */
  frames: FrameRecord[];
  readCalls: number;
  defers: number;
  yields: number;
  /** readCb calls that threw TemporalCallbackFailureError. */
  failures: number;
  dataFrames: number;
  windowUpdates: number;
  /** DATA payload bytes this side received (every chunk, as the tap counts them). */
  dataBytesReceived: number;
  invalidCtrlRecv: Array<{ type: number; streamId: number; statusCode: number }>;
  ctrlNotSend: Array<{ type: number; streamId: number; errorCode: number; req: number | null }>;
  parseErrors: number;
  unknownFrames: number;
  /** The highest peer stream id when this side submitted GOAWAY (what its last-good-stream-id must be). */
  goawaySubmittedWith: number | null;
  goawayReceived: boolean;
  /** Streams this side opened that are still open at the end (every stream in its table is one it opened). */
  streamsLeft: number;
  wantRead: boolean;
  wantWrite: boolean;
  /** Stream ids whose onStreamCloseCb fired, with how many times. */
  closes: Map<number, number>;
  /** Stream ids this side knew as opened. */
  opened: Set<number>;
  /** Ids of every SYN_STREAM received, accepted or refused. */
  peerSynStreams: number[];
  /** Ids of the PINGs that reached this side after its input had ended (it wanted neither to read nor to write). */
  pingsUnread: number[];
}

export interface Transcript {
  requests: RequestFacts[];
  client: SideTranscript;
  server: SideTranscript;
  rounds: number;
  violations: string[];
}

/** Hard ceiling on rounds: far beyond any workload's need; reaching it is a spin or a stall. */
const ROUND_CAP = 100_000;
/** memSend() calls in one round before the pump calls it a spin (each call may carry 256 KiB). */
const MEM_SEND_CAP = 200;
/** Rounds in a row with nothing on the wire while a side still says wantWrite (yields are bounded by MAX_YIELDS). */
const IDLE_WANT_WRITE_CAP = 4 * MAX_YIELDS + 4;

const EMPTY = new Uint8Array(0);

interface SideState {
  name: SideName;
  session: Session;
  model: SendWindowModel;
  tap: FrameSplitter;
  /** Frames sent by this side; those from `landed` on are not yet wholly delivered to the peer. */
  inflight: RawFrame[];
  landed: number;
  /** Pieces queued towards the peer; those before `next` are delivered. */
  pieces: Uint8Array[];
  next: number;
  /** Bytes of this side's output the peer has received. */
  delivered: number;
  cutIndex: number;
  budgetIndex: number;
  t: SideTranscript;
  /** Stream id -> request index. */
  reqOf: Map<number, number>;
}

export function runPair(w: Workload): Transcript {
  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 20) violations.push(message);
  };
  const requests: RequestFacts[] = w.requests.map((r, i) => ({
    id: 0,
    notSentCode: null,
    serverOpened: false,
    clientStatus: null,
    serverStatus: null,
    clientCloses: 0,
    serverCloses: 0,
    resets: [],
    requestBody: bodyBytes(i, 0, r.request?.size ?? 0),
    responseBody: bodyBytes(i, 1, r.response?.size ?? 0),
    requestReceived: EMPTY,
    responseReceived: EMPTY,
  }));
  const received: Record<SideName, Map<number, Uint8Array[]>> = { client: new Map(), server: new Map() };
  const responded = new Set<number>();
  const resumes: Array<{ side: SideName; streamId: number; round: number }> = [];
  let round = 0;

  const flow = w.version !== PROTO_SPDY2;
  const sides = {} as Record<SideName, SideState>;
  const appAcks = {} as Record<SideName, { round: () => void; settings: () => void }>;
  const localWindow: Record<SideName, number> = { client: 65536, server: 65536 };

  const reqIndexOf = (frame: AnyCtrlFrame): number | null => {
    const nv = (frame as { nv?: Array<[string, string]> }).nv;
    const value = nv?.find(([name]) => name === 'x-req')?.[1];
    return value === undefined ? null : Number(value);
  };

  const provider = (side: SideName, req: number, body: Body, bytes: Uint8Array) => {
    const st = () => sides[side];
    let offset = 0;
    let reads = 0;
    let defers = 0;
    let yields = 0;
    return new DataProvider(null, (_session, streamId: number, length: number, ctrl: ReadControl) => {
      const t = st().t;
      t.readCalls++;
      reads++;
      if (!(length >= 1 && length <= w.chunk[side])) fail(`${side} readCb for stream ${streamId} asked for ${length} bytes (chunk ${w.chunk[side]})`);
      const style = body.style;
      if (style.deferEvery > 0 && defers < MAX_DEFERS && reads % style.deferEvery === 0) {
        defers++;
        t.defers++;
        resumes.push({ side, streamId, round: round + 1 + style.resumeAfter });
        t.log.push(`read ${streamId} deferred`);
        return ERR_DEFERRED;
      }
      if (style.failAt === reads) {
        // The stream is reset with INTERNAL_ERROR and the session goes on (API.md, DataProvider).
        t.log.push(`read ${streamId} failed`);
        requests[req]!.resets.push({ side, status: INTERNAL_ERROR });
        t.failures++;
        throw new TemporalCallbackFailureError();
      }
      if (style.yieldEvery > 0 && yields < MAX_YIELDS && reads % style.yieldEvery === 0) {
        yields++;
        t.yields++;
        t.log.push(`read ${streamId} yielded`);
        return EMPTY;
      }
      let n = Math.min(length, bytes.length - offset);
      if (style.maxRead > 0) n = Math.min(n, style.maxRead);
      const chunk = bytes.subarray(offset, offset + n);
      offset += n;
      if (offset === bytes.length && (style.eofWithLast || n === 0)) ctrl.flags = READ_EOF;
      t.log.push(`read ${streamId} ${length} -> ${n}${ctrl.flags & READ_EOF ? ' eof' : ''}`);
      return chunk;
    });
  };

  const respond = (streamId: number) => {
    const req = sides.server.reqOf.get(streamId);
    if (req === undefined || responded.has(streamId)) return;
    responded.add(streamId);
    const spec = w.requests[req]!.response;
    const nv: Array<[string, string]> = [[':status', '200 OK'], [':version', 'HTTP/1.1'], ['x-req', String(req)]];
    const s = sides.server.session;
    const body = spec ? provider('server', req, spec, requests[req]!.responseBody) : null;
    if (!w.requests[req]!.splitReply) s.submitResponse(streamId, nv, body);
    else if (body === null) s.submitSynReply(CTRL_FLAG_FIN, streamId, nv);
    else {
      s.submitSynReply(CTRL_FLAG_NONE, streamId, nv);
      s.submitData(streamId, DATA_FLAG_FIN, body);
    }
  };

  const makeSide = (name: SideName): SideState => {
    const t: SideTranscript = {
      outputs: [],
      log: [],
      frames: [],
      readCalls: 0,
      defers: 0,
      yields: 0,
      failures: 0,
      dataFrames: 0,
      windowUpdates: 0,
      dataBytesReceived: 0,
      invalidCtrlRecv: [],
      ctrlNotSend: [],
      parseErrors: 0,
      unknownFrames: 0,
      goawaySubmittedWith: null,
      goawayReceived: false,
      streamsLeft: 0,
      wantRead: false,
      wantWrite: false,
      closes: new Map(),
      opened: new Set(),
      peerSynStreams: [],
      pingsUnread: [],
    };
    const reqOf = new Map<number, number>();
    /** Acknowledging by hand: bytes consumed per stream (0: the session) since its last WINDOW_UPDATE. */
    const unacked = new Map<number, number>();
    const ackMode = w.ack[name];
    /** Acknowledges every stream (and the session) with at least `threshold(id)` bytes unacknowledged. */
    const acknowledge = (threshold: (streamId: number) => number) => {
      for (const [streamId, n] of unacked) {
        if (n === 0 || n < threshold(streamId)) continue;
        unacked.set(streamId, 0);
        if (streamId === 0 ? w.version === PROTO_SPDY3_1 : machineHas(session, streamId)) session.submitWindowUpdate(streamId, n);
      }
    };
    // The window this side advertised last: the application caps its threshold at half of it.
    const ackThreshold = (streamId: number) => (streamId === 0 ? Math.min(ackMode, 32768) : Math.min(ackMode, Math.ceil(localWindow[name] / 2)));
    appAcks[name] = {
      round: () => {
        if (ackMode === ACK_ROUND) acknowledge(() => 1);
      },
      // A lowered window lowers the threshold: what reached it is acknowledged now (as the session must, see regressions).
      settings: () => {
        if (ackMode > 0) acknowledge(ackThreshold);
      },
    };
    const isServer = name === 'server';
    const session = new Session(isServer ? SERVER : CLIENT, w.version, {
      config: { dataChunkSize: w.chunk[name], autoWindowUpdate: w.ack[name] === ACK_AUTO },
      beforeCtrlSendCb: (_s, frame) => {
        t.log.push(`before-send ${describe(frame)}`);
        if (frame.frameType === SYN_STREAM && !isServer) {
          const id = (frame as { streamId: number }).streamId;
          const req = reqIndexOf(frame);
          if (req !== null) {
            reqOf.set(id, req);
            requests[req]!.id = id;
          }
          t.opened.add(id);
        }
      },
      onCtrlSendCb: (_s, frame) => t.log.push(`send ${describe(frame)}`),
      onCtrlNotSendCb: (_s, frame, errorCode) => {
        t.log.push(`not-send ${describe(frame)} ${errorCode}`);
        const streamId = (frame as { streamId?: number }).streamId ?? 0;
        const req = frame.frameType === SYN_STREAM ? reqIndexOf(frame) : (reqOf.get(streamId) ?? null);
        if (frame.frameType === SYN_STREAM && req !== null) requests[req]!.notSentCode = errorCode;
        t.ctrlNotSend.push({ type: frame.frameType, streamId, errorCode, req });
      },
      onCtrlRecvCb: (_s, frame) => {
        t.log.push(`recv ${describe(frame)}`);
        if (frame.frameType === GOAWAY) t.goawayReceived = true;
        if (frame.frameType === SYN_STREAM) t.peerSynStreams.push((frame as { streamId: number }).streamId);
        if (frame.frameType === SYN_STREAM && isServer) {
          const id = (frame as { streamId: number }).streamId;
          const req = reqIndexOf(frame);
          t.opened.add(id);
          if (req !== null) {
            reqOf.set(id, req);
            requests[req]!.serverOpened = true;
            if (w.requests[req]!.respondEarly) respond(id);
          }
        }
      },
      onInvalidCtrlRecvCb: (_s, frame, statusCode) => {
        t.log.push(`invalid ${describe(frame)} ${statusCode}`);
        if (frame.frameType === SYN_STREAM) t.peerSynStreams.push((frame as { streamId: number }).streamId);
        t.invalidCtrlRecv.push({ type: frame.frameType, streamId: (frame as { streamId?: number }).streamId ?? 0, statusCode });
      },
      onDataChunkRecvCb: (_s, flags, streamId, data) => {
        t.log.push(`chunk ${streamId} ${flags} ${data.length}`);
        let parts = received[name].get(streamId);
        if (parts === undefined) received[name].set(streamId, (parts = []));
        parts.push(data.slice());
        if (flow && ackMode !== ACK_AUTO) {
          unacked.set(streamId, (unacked.get(streamId) ?? 0) + data.length);
          unacked.set(0, (unacked.get(0) ?? 0) + data.length);
          if (ackMode > 0) acknowledge(ackThreshold);
        }
      },
      onDataRecvCb: (_s, flags, streamId, length) => t.log.push(`data ${streamId} ${flags} ${length}`),
      onDataSendCb: (_s, flags, streamId, length) => t.log.push(`data-send ${streamId} ${flags} ${length}`),
      onStreamCloseCb: (_s, streamId, statusCode) => {
        t.log.push(`close ${streamId} ${statusCode}`);
        t.closes.set(streamId, (t.closes.get(streamId) ?? 0) + 1);
        if (!t.opened.has(streamId)) fail(`${name} closed stream ${streamId}, which it never opened`);
        const req = reqOf.get(streamId);
        if (req === undefined) return;
        const facts = requests[req]!;
        if (isServer) {
          facts.serverStatus = statusCode;
          facts.serverCloses++;
        } else {
          facts.clientStatus = statusCode;
          facts.clientCloses++;
        }
      },
      onRequestRecvCb: (_s, streamId) => {
        t.log.push(`request ${streamId}`);
        if (isServer) respond(streamId);
      },
      onCtrlRecvParseErrorCb: (_s, type, _head, _payload, errorCode) => {
        t.log.push(`parse-error ${type} ${errorCode}`);
        t.parseErrors++;
      },
      onUnknownCtrlRecvCb: () => {
        t.log.push('unknown');
        t.unknownFrames++;
      },
    });
    return {
      name,
      session,
      model: new SendWindowModel(flow, w.version === PROTO_SPDY3_1),
      tap: new FrameSplitter(),
      inflight: [],
      landed: 0,
      pieces: [],
      next: 0,
      delivered: 0,
      cutIndex: 0,
      budgetIndex: 0,
      t,
      reqOf,
    };
  };
  sides.client = makeSide('client');
  sides.server = makeSide('server');

  const runAction = (a: Action) => {
    const side = a.kind === 'request' ? sides.client : a.kind === 'limit' ? sides.server : sides[a.side];
    const s = side.session;
    switch (a.kind) {
      case 'request': {
        const spec = w.requests[a.req]!;
        const nv: Array<[string, string]> = [
          [':method', 'POST'],
          [':path', `/r${a.req}`],
          [':version', 'HTTP/1.1'],
          [':host', 'example.org'],
          [':scheme', 'https'],
          ['x-req', String(a.req)],
        ];
        s.submitRequest(spec.pri, nv, spec.request ? provider('client', a.req, spec.request, requests[a.req]!.requestBody) : null);
        return;
      }
      case 'settings':
        s.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, a.window]]);
        localWindow[a.side] = a.window;
        appAcks[a.side].settings();
        return;
      case 'limit':
        s.submitSettings(0, [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, a.maxConcurrent]]);
        return;
      case 'ping':
        s.submitPing();
        return;
      case 'cancel': {
        const facts = requests[a.req]!;
        const id = facts.id;
        // Only a stream this side has open now: the RST then races whatever is in flight.
        if (id === 0 || !side.reqOf.has(id) || !machineHas(s, id)) return;
        facts.resets.push({ side: a.side, status: CANCEL });
        side.t.log.push(`cancel ${id}`);
        s.submitRstStream(id, CANCEL);
        return;
      }
      case 'goaway':
        if (side.t.goawaySubmittedWith !== null) return;
        side.t.goawaySubmittedWith = highestPeerStream(side);
        s.submitGoaway(GOAWAY_OK);
        return;
    }
  };

  /** Drains one side's memSend and queues its output as pieces; the tap checks each frame. */
  const drain = (side: SideState): boolean => {
    let produced = false;
    for (let calls = 0; ; calls++) {
      if (calls >= MEM_SEND_CAP) {
        fail(`${side.name} memSend still had output after ${MEM_SEND_CAP} calls in one round`);
        return produced;
      }
      let out: Uint8Array | null;
      try {
        out = side.session.memSend();
      } catch (error) {
        fail(`${side.name} memSend threw ${String(error)}`);
        return produced;
      }
      if (out === null) return produced;
      if (out.length === 0) fail(`${side.name} memSend returned an empty buffer`);
      produced = true;
      side.t.outputs.push(out);
      for (const frame of side.tap.push(out)) inspectSent(side, frame);
      cut(side, out);
    }
  };

  const inspectSent = (side: SideState, frame: RawFrame) => {
    const wire = w.version === PROTO_SPDY2 ? 2 : 3;
    const bad = malformation(frame, wire);
    if (bad !== null) fail(`${side.name} sent a malformed frame: ${bad}`);
    const windowProblem = side.model.sent(frame);
    if (windowProblem !== null) fail(`${side.name}: ${windowProblem}`);
    const record: FrameRecord = { type: frame.type, control: frame.control, streamId: frame.streamId, flags: frame.flags, length: frame.length };
    if (!frame.control) {
      side.t.dataFrames++;
      if (frame.length > w.chunk[side.name]) fail(`${side.name} sent DATA of ${frame.length} bytes with dataChunkSize ${w.chunk[side.name]}`);
      if (frame.length === 0 && !(frame.flags & DATA_FLAG_FIN)) fail(`${side.name} sent an empty DATA frame without FIN on stream ${frame.streamId}`);
    } else if (frame.type === RST_STREAM) record.status = rstStatus(frame);
    else if (frame.type === WINDOW_UPDATE) {
      record.delta = windowDelta(frame);
      side.t.windowUpdates++;
    }
    else if (frame.type === PING) record.pingId = pingId(frame);
    else if (frame.type === GOAWAY) {
      const g = goawayFields(frame);
      record.lastGoodStreamId = g.lastGoodStreamId;
      record.status = g.statusCode;
    }
    side.t.frames.push(record);
    side.inflight.push(frame);
  };

  const cut = (side: SideState, out: Uint8Array) => {
    const cuts = w.cuts[side.name];
    let at = 0;
    while (at < out.length) {
      const size = cuts[side.cutIndex++ % cuts.length]!;
      const end = size === 0 ? out.length : Math.min(out.length, at + size);
      side.pieces.push(out.subarray(at, end));
      at = end;
    }
  };

  /** Delivers up to this round's budget of `from`'s pieces to its peer. */
  const deliver = (from: SideState): boolean => {
    const to = sides[other(from.name)];
    const budgets = w.budgets[from.name];
    const budget = budgets[from.budgetIndex++ % budgets.length]!;
    let sent = 0;
    let any = false;
    while (from.next < from.pieces.length && (budget === 0 || sent < budget)) {
      const piece = from.pieces[from.next++]!;
      any = true;
      sent += piece.length;
      const unread = inputEnded(to.session);
      try {
        const n = to.session.memRecv(piece);
        if (n !== piece.length) fail(`${to.name} memRecv consumed ${n} of ${piece.length} bytes`);
      } catch (error) {
        fail(`${to.name} memRecv threw ${String(error)}`);
      }
      const start = from.delivered;
      from.delivered += piece.length;
      // DATA payload bytes in this piece (frames may be cut anywhere), then the frames it completed.
      for (let k = from.landed; k < from.inflight.length; k++) {
        const frame = from.inflight[k]!;
        const payloadStart = frame.end - frame.length;
        if (payloadStart >= from.delivered) break;
        if (!frame.control) to.t.dataBytesReceived += Math.max(0, Math.min(frame.end, from.delivered) - Math.max(payloadStart, start));
      }
      while (from.landed < from.inflight.length && from.inflight[from.landed]!.end <= from.delivered) {
        const frame = from.inflight[from.landed++]!;
        if (unread && frame.control && frame.type === PING) to.t.pingsUnread.push(pingId(frame));
        to.model.received(frame);
      }
    }
    if (from.next === from.pieces.length) {
      from.pieces.length = 0;
      from.next = 0;
    }
    if (from.landed === from.inflight.length) {
      from.inflight.length = 0;
      from.landed = 0;
    }
    return any;
  };

  // Each WINDOW_UPDATE acknowledges at least one received byte, for its stream and, in SPDY/3.1, for the session.
  const updatesPerByte = w.version === PROTO_SPDY3_1 ? 2 : 1;
  let actionIndex = 0;
  let idleWantWrite = 0;
  let endGoawayDone = w.goawayAtEnd === null;
  for (; ; round++) {
    if (round >= ROUND_CAP) {
      fail(`no quiescence after ${ROUND_CAP} rounds`);
      break;
    }
    for (let k = 0; k < resumes.length; ) {
      const r = resumes[k]!;
      if (r.round > round) {
        k++;
        continue;
      }
      resumes.splice(k, 1);
      const s = sides[r.side].session;
      if (machineHas(s, r.streamId)) {
        const resumed = s.resumeData(r.streamId);
        if (!resumed) fail(`${r.side} resumeData(${r.streamId}) returned false for DATA its provider deferred`);
        sides[r.side].t.log.push(`resume ${r.streamId}`);
      } else {
        // The stream closed meanwhile: resumeData must say it has no deferred DATA.
        let threw: unknown = null;
        try {
          s.resumeData(r.streamId);
        } catch (error) {
          threw = error;
        }
        if (!(threw instanceof InvalidArgumentError)) fail(`${r.side} resumeData(${r.streamId}) on a closed stream did not throw InvalidArgumentError`);
      }
    }
    const late: Action[] = [];
    while (actionIndex < w.actions.length && w.actions[actionIndex]!.round <= round) {
      const a = w.actions[actionIndex++]!;
      if (a.late) late.push(a);
      else runAction(a);
    }
    appAcks.client.round();
    appAcks.server.round();

    let produced = drain(sides.client);
    produced = drain(sides.server) || produced;
    for (const a of late) runAction(a);
    let moved = deliver(sides.client);
    moved = deliver(sides.server) || moved;
    // A spin shows here at once rather than after ROUND_CAP rounds (the judge repeats these checks).
    for (const side of [sides.client, sides.server]) {
      const bound = dataFrameBound(w, side.name, sides[other(side.name)].t.windowUpdates);
      if (side.t.dataFrames > bound) fail(`${side.name} sent ${side.t.dataFrames} DATA frames, more than the ${bound} the workload needs`);
      if (side.t.windowUpdates > updatesPerByte * side.t.dataBytesReceived) {
        fail(`${side.name} sent ${side.t.windowUpdates} WINDOW_UPDATEs for ${side.t.dataBytesReceived} DATA bytes received`);
      }
    }
    if (violations.length > 0) break;

    const busy =
      produced || moved || late.length > 0 || sides.client.next < sides.client.pieces.length || sides.server.next < sides.server.pieces.length || actionIndex < w.actions.length || resumes.length > 0;
    if (busy) {
      idleWantWrite = 0;
      continue;
    }
    if (sides.client.session.wantWrite() || sides.server.session.wantWrite()) {
      if (++idleWantWrite > IDLE_WANT_WRITE_CAP) {
        fail(`wantWrite stays true with nothing to send (client ${sides.client.session.wantWrite()}, server ${sides.server.session.wantWrite()})`);
        break;
      }
      continue;
    }
    if (!endGoawayDone) {
      endGoawayDone = true;
      runAction({ kind: 'goaway', round, side: w.goawayAtEnd! });
      continue;
    }
    break;
  }

  for (const [i, facts] of requests.entries()) {
    if (facts.id === 0) continue;
    facts.requestReceived = join(received.server.get(facts.id));
    facts.responseReceived = join(received.client.get(facts.id));
    void i;
  }
  for (const side of [sides.client, sides.server]) {
    side.t.streamsLeft = [...side.t.opened].filter((id) => machineHas(side.session, id)).length;
    side.t.wantRead = side.session.wantRead();
    side.t.wantWrite = side.session.wantWrite();
  }
  return { requests, client: sides.client.t, server: sides.server.t, rounds: round, violations };
}

function machineHas(session: Session, streamId: number): boolean {
  return session['machine'].isStreamOpen(streamId);
}

/** The session reads nothing more: its input has ended, or ends with the next bytes since it is over. */
function inputEnded(session: Session): boolean {
  return session['machine']['state'].inputEnded || (!session.wantRead() && !session.wantWrite());
}

/** The highest stream id this side received from its peer, refused or not (what GOAWAY's last-good-stream-id must be, API.md). */
function highestPeerStream(side: SideState): number {
  return side.t.peerSynStreams.reduce((a, b) => Math.max(a, b), 0);
}

function describe(frame: AnyCtrlFrame): string {
  const f = frame as unknown as Record<string, unknown>;
  const fields = ['streamId', 'statusCode', 'deltaWindowSize', 'uniqueId', 'lastGoodStreamId', 'pri']
    .filter((k) => k in f)
    .map((k) => `${k}=${String(f[k])}`);
  if ('iv' in f) fields.push(`iv=${JSON.stringify(f.iv)}`);
  if ('nv' in f) fields.push(`nv=${JSON.stringify(f.nv)}`);
  return `${frame.frameType}/${frame.flags} ${fields.join(' ')}`;
}

/** A body whose bytes depend on request, direction and offset, so a reordered or misplaced byte shows. */
export function bodyBytes(req: number, direction: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (Math.imul(req + 1, 0x9e3779b1) ^ Math.imul(direction + 1, 0x85ebca6b)) >>> 0 || 1;
  for (let k = 0; k < size; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[k] = x & 0xff;
  }
  return out;
}

function join(parts: Uint8Array[] | undefined): Uint8Array {
  if (parts === undefined) return EMPTY;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
