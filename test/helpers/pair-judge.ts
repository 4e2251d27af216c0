/**
 * What must hold after two of our own sessions ran a workload
 * (pair-runner.ts). Throws an Error naming the first broken invariant, so a
 * fast-check property can shrink the workload that broke it.
 *
 * Between two correct sessions of this library:
 * - every body of a stream nobody reset arrives byte-exact and the stream
 *   closes with OK on both sides; a reset stream (RST_STREAM CANCEL, or
 *   INTERNAL_ERROR after a provider's TemporalCallbackFailureError) closes
 *   with a status of one of its resets, or, on a side that did not reset it
 *   and had finished first, with OK; each side received a prefix of what
 *   was sent (all of it, if it closed with OK);
 * - after the server's GOAWAY, the streams above its last-good-stream-id
 *   (the highest stream id it had received when it submitted the GOAWAY)
 *   close with REFUSED_STREAM on the client and were never opened by the
 *   server; so do streams over the server's MAX_CONCURRENT_STREAMS; a
 *   SYN_STREAM still queued after a GOAWAY is refused with
 *   ERR_SYN_STREAM_NOT_ALLOWED;
 * - each side's onStreamCloseCb fires once for every stream it opened and
 *   its stream table ends empty;
 * - RST_STREAM goes out once per reset with its status, as REFUSED_STREAM
 *   for a stream over the limit, or as the draft's answer to a frame of a
 *   stream that ended meanwhile (INVALID_STREAM for DATA, PROTOCOL_ERROR for
 *   a SYN_REPLY, as spdylay); no FLOW_CONTROL_ERROR, no GOAWAY other than
 *   the ones asked for, no parse error, unknown or invalid frame otherwise;
 * - no spin: the pump settles within a bound set by the bytes moved, DATA
 *   frames stay within a bound set by the bodies and the WINDOW_UPDATEs
 *   the peer sent, every readCb call gave a frame, a deferral, a yield or a
 *   failure, and every WINDOW_UPDATE acknowledges at least one received
 *   byte (for its stream and, in SPDY/3.1, for the session);
 * - every PING is echoed once, unless it reached a peer whose input had
 *   ended (after GOAWAY with no stream left and nothing to send, a session
 *   reads nothing more); after GOAWAY with no stream left, neither side
 *   wants to read or write.
 */
import {
  CANCEL,
  ERR_STREAM_CLOSED,
  ERR_STREAM_CLOSING,
  ERR_SYN_STREAM_NOT_ALLOWED,
  GOAWAY,
  INTERNAL_ERROR,
  INVALID_STREAM,
  OK,
  PING,
  PROTO_SPDY2,
  PROTO_SPDY3_1,
  PROTOCOL_ERROR,
  REFUSED_STREAM,
  RST_STREAM,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../src/core/constants.js';
import type { RequestFacts, SideTranscript, Transcript } from './pair-runner.js';
import { dataFrameBound, other } from './pair-workload.js';
import type { SideName, Workload } from './pair-workload.js';

export function judge(w: Workload, t: Transcript): void {
  const check = (ok: boolean, message: () => string) => {
    if (!ok) throw new Error(message());
  };
  check(t.violations.length === 0, () => `violations: ${t.violations.join('; ')}`);

  const side = (name: SideName): SideTranscript => t[name];
  const goawayOf = (name: SideName) => side(name).frames.find((f) => f.control && f.type === GOAWAY);
  const serverGoaway = goawayOf('server');
  const anyGoaway = serverGoaway !== undefined || goawayOf('client') !== undefined;
  // Streams the server refused for its MAX_CONCURRENT_STREAMS (only when the workload sets one).
  const hasLimit = w.actions.some((a) => a.kind === 'limit');
  const overLimit = new Set(side('server').frames.filter((f) => f.control && f.type === RST_STREAM && f.status === REFUSED_STREAM).map((f) => f.streamId));
  check(hasLimit || overLimit.size === 0, () => `server refused streams ${[...overLimit]} with no concurrency limit set`);

  // ---- per request ----
  for (const [i, r] of t.requests.entries()) {
    const where = `request ${i} (stream ${r.id})`;
    if (r.id === 0) {
      check(anyGoaway && r.notSentCode === ERR_SYN_STREAM_NOT_ALLOWED, () => `${where}: never sent, not-send code ${r.notSentCode}, GOAWAY seen ${anyGoaway}`);
      continue;
    }
    check(r.clientCloses === 1, () => `${where}: client closed it ${r.clientCloses} times`);
    const reset = r.resets.length > 0;
    const ownReset = (name: SideName) => r.resets.find((x) => x.side === name)?.status;
    const refusable = serverGoaway !== undefined && r.id > serverGoaway.lastGoodStreamId!;
    if (!r.serverOpened) {
      // Only a stream the server's GOAWAY excluded, or one over its concurrency limit, goes unopened by the server.
      check(refusable || overLimit.has(r.id), () => `${where}: the server never opened it, yet neither GOAWAY nor its limit excluded it`);
      check(
        r.clientStatus === REFUSED_STREAM || (ownReset('client') !== undefined && r.clientStatus === ownReset('client')),
        () => `${where}: refused but closed with ${r.clientStatus}`,
      );
      continue;
    }
    check(!refusable, () => `${where}: the server opened it after its GOAWAY`);
    check(!overLimit.has(r.id), () => `${where}: the server opened it and refused it`);
    check(r.serverCloses === 1, () => `${where}: server closed it ${r.serverCloses} times`);
    if (!reset) {
      check(r.clientStatus === OK && r.serverStatus === OK, () => `${where}: closed with ${r.clientStatus}/${r.serverStatus} though nobody reset it`);
      check(equal(r.requestReceived, r.requestBody), () => `${where}: request body ${r.requestReceived.length} of ${r.requestBody.length} bytes, or different`);
      check(equal(r.responseReceived, r.responseBody), () => `${where}: response body ${r.responseReceived.length} of ${r.responseBody.length} bytes, or different`);
      continue;
    }
    for (const name of ['client', 'server'] as const) {
      const status = name === 'client' ? r.clientStatus : r.serverStatus;
      // Closed by a reset: its own (or the peer's, when that arrived while its own RST was still queued);
      // a side that did not reset it may also have finished first, with OK.
      const own = ownReset(name);
      const allowed = own !== undefined ? r.resets.map((x) => x.status) : [...r.resets.map((x) => x.status), OK];
      check(status !== null && allowed.includes(status), () => `${where}: reset by ${JSON.stringify(r.resets)}, ${name} closed it with ${status}`);
    }
    checkPrefix(r, check, where);
  }

  // ---- the pump ----
  // Every busy round delivers at least one byte; the others wait for an
  // action, a resume (at most 5 rounds after its deferral) or a yield.
  const lastAction = w.actions.reduce((n, a) => Math.max(n, a.round), 0);
  const wireBytes = (x: SideTranscript) => x.outputs.reduce((n, o) => n + o.length, 0);
  const roundBound = lastAction + 5 * (t.client.defers + t.server.defers) + wireBytes(t.client) + wireBytes(t.server) + 8 * (t.client.yields + t.server.yields + 2);
  check(t.rounds <= roundBound, () => `${t.rounds} pump rounds, more than the ${roundBound} this run can need`);

  // ---- per side ----
  for (const name of ['client', 'server'] as const) {
    const s = side(name);
    const peer = side(other(name));
    const tag = `${name}:`;
    check(s.streamsLeft === 0, () => `${tag} ${s.streamsLeft} streams left in the stream table`);
    for (const id of s.opened) check(s.closes.get(id) === 1, () => `${tag} stream ${id} closed ${s.closes.get(id) ?? 0} times`);
    check(s.parseErrors === 0 && s.unknownFrames === 0, () => `${tag} ${s.parseErrors} parse errors, ${s.unknownFrames} unknown frames`);

    const resetIds = new Set(t.requests.filter((r) => r.resets.length > 0).map((r) => r.id));
    // Streams that ended while the peer may still have had frames in flight for them.
    const raced = new Set([...resetIds, ...overLimit]);
    // Each reset this side made (a cancel, a provider's TemporalCallbackFailureError) is one RST_STREAM with its status.
    const expectedRsts = t.requests.flatMap((r) => r.resets.filter((x) => x.side === name).map((x) => `${r.id}:${x.status}`)).sort();
    const resetRsts: string[] = [];
    for (const f of s.frames) {
      if (!f.control) continue;
      if (f.type === RST_STREAM) {
        if (f.status === CANCEL || f.status === INTERNAL_ERROR) resetRsts.push(`${f.streamId}:${f.status}`);
        else if (f.status === REFUSED_STREAM && name === 'server') continue; // overLimit, judged per request above
        else {
          const raceAnswer = (f.status === INVALID_STREAM || f.status === PROTOCOL_ERROR) && raced.has(f.streamId);
          check(raceAnswer, () => `${tag} RST_STREAM ${f.status} on stream ${f.streamId}`);
        }
      } else if (f.type === GOAWAY) {
        check(f.status === 0, () => `${tag} GOAWAY with status ${f.status}`);
        check(f.lastGoodStreamId === s.goawaySubmittedWith, () => `${tag} GOAWAY names ${f.lastGoodStreamId}, expected ${s.goawaySubmittedWith}`);
      }
    }
    resetRsts.sort();
    check(JSON.stringify(resetRsts) === JSON.stringify(expectedRsts), () => `${tag} RST_STREAMs ${resetRsts} for resets ${expectedRsts}`);
    check(s.frames.filter((f) => f.control && f.type === GOAWAY).length === (s.goawaySubmittedWith === null ? 0 : 1), () => `${tag} GOAWAY count`);

    // A frame received for a stream reset meanwhile is the only invalid frame two of our sessions exchange.
    for (const e of s.invalidCtrlRecv) {
      const late = e.type === SYN_REPLY && e.statusCode === PROTOCOL_ERROR && resetIds.has(e.streamId);
      const refused = name === 'server' && e.type === SYN_STREAM && e.statusCode === REFUSED_STREAM && overLimit.has(e.streamId);
      check(late || refused, () => `${tag} invalid frame ${JSON.stringify(e)}`);
    }
    for (const e of s.ctrlNotSend) {
      const refusedSyn = e.type === SYN_STREAM && e.errorCode === ERR_SYN_STREAM_NOT_ALLOWED && anyGoaway;
      const ofReset = resetIds.has(e.streamId) && (e.errorCode === ERR_STREAM_CLOSED || e.errorCode === ERR_STREAM_CLOSING);
      check(refusedSyn || ofReset, () => `${tag} not sent: ${JSON.stringify(e)}`);
    }

    // No spin.
    check(
      s.readCalls === s.dataFrames + s.defers + s.yields + s.failures,
      () => `${tag} ${s.readCalls} readCb calls for ${s.dataFrames} DATA frames, ${s.defers} deferrals, ${s.yields} yields, ${s.failures} failures`,
    );
    const bound = dataFrameBound(w, name, peer.windowUpdates);
    check(s.dataFrames <= bound, () => `${tag} ${s.dataFrames} DATA frames, more than the ${bound} the workload needs`);
    const updates = s.windowUpdates;
    check(updates <= (w.version === PROTO_SPDY3_1 ? 2 : 1) * s.dataBytesReceived, () => `${tag} ${updates} WINDOW_UPDATEs for ${s.dataBytesReceived} received DATA bytes`);
    check(w.version !== PROTO_SPDY2 || updates === 0, () => `${tag} WINDOW_UPDATE in SPDY/2`);

    // Every PING this side sent is echoed once, unless it reached the peer after the peer's input ended.
    const pings = (x: SideTranscript) => x.frames.filter((f) => f.control && f.type === PING).map((f) => f.pingId!);
    const mine = pings(s);
    const echoes = pings(peer);
    for (const id of mine.filter((id) => id % 2 === (name === 'client' ? 1 : 0))) {
      const expected = peer.pingsUnread.includes(id) ? 0 : 1;
      check(echoes.filter((e) => e === id).length === expected, () => `${tag} PING ${id} echoed ${echoes.filter((e) => e === id).length} times (${expected} expected)`);
    }

    if (anyGoaway) {
      check(!s.wantRead && !s.wantWrite, () => `${tag} after GOAWAY with no stream left: wantRead ${s.wantRead}, wantWrite ${s.wantWrite}`);
    }
  }
}

function checkPrefix(r: RequestFacts, check: (ok: boolean, m: () => string) => void, where: string): void {
  check(isPrefix(r.requestReceived, r.requestBody), () => `${where}: request bytes received are not a prefix of the body`);
  check(isPrefix(r.responseReceived, r.responseBody), () => `${where}: response bytes received are not a prefix of the body`);
  // A side that closed with OK saw the other's FIN: it has the whole body.
  if (r.serverStatus === OK) check(equal(r.requestReceived, r.requestBody), () => `${where}: server closed OK with a partial request body`);
  if (r.clientStatus === OK) check(equal(r.responseReceived, r.responseBody), () => `${where}: client closed OK with a partial response body`);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && isPrefix(a, b);
}

function isPrefix(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length > b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
