/**
 * Workloads for two sessions wired back to back (see pair-runner.ts), and
 * the fast-check arbitraries that generate them. A workload is plain data:
 * the same workload always drives the same calls in the same order, so a
 * run can be repeated and compared byte for byte.
 *
 * Sizes are drawn raw and then resolved against a frame budget, so that a
 * one-byte window or chunk size comes with small bodies and a run stays
 * cheap whatever the draw; body sizes include exact multiples (and one
 * off either side) of the chunk sizes and windows in play.
 */
import fc from 'fast-check';
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../src/core/constants.js';

export type SideName = 'client' | 'server';

/** How a data provider hands out its body. */
export interface ProviderStyle {
  /** Most bytes returned by one read (0: as many as asked). */
  maxRead: number;
  /** READ_EOF comes with the last bytes (else on an extra, empty read). */
  eofWithLast: boolean;
  /** Every n-th read returns ERR_DEFERRED, at most MAX_DEFERS times (0: never). */
  deferEvery: number;
  /** Rounds until the pump resumes a deferred read. */
  resumeAfter: number;
  /** Every n-th read returns no bytes and no EOF, at most MAX_YIELDS times (0: never). */
  yieldEvery: number;
  /** The n-th read throws TemporalCallbackFailureError (0: never). */
  failAt: number;
}

export const MAX_DEFERS = 3;
export const MAX_YIELDS = 3;

export interface Body {
  size: number;
  style: ProviderStyle;
}

export interface RequestSpec {
  pri: number;
  /** null: the SYN_STREAM carries FIN and there is no provider. */
  request: Body | null;
  response: Body | null;
  /** The server answers when the SYN_STREAM arrives rather than when the request is complete. */
  respondEarly: boolean;
  /** The server answers with submitSynReply then submitData (FIN), instead of submitResponse. */
  splitReply: boolean;
}

/**
 * Who acknowledges received DATA: the session (ACK_AUTO: config.autoWindowUpdate),
 * or the application through submitWindowUpdate: everything consumed, at
 * the end of each round (ACK_ROUND); or, as chunks arrive, once a stream
 * has this many bytes unacknowledged (any number above 0; capped at half
 * the window, and 32 KiB for the session, so that the peer never waits).
 */
export type AckMode = number;
export const ACK_AUTO = 0;
export const ACK_ROUND = -1;

/**
 * Something one side does at the start of a round, or, when `late`, after
 * the round's memSend but before its deliveries: then the frame it queues
 * is not out yet when the peer's frames arrive (an RST_STREAM queued, a
 * GOAWAY submitted, SETTINGS applied locally but unknown to the peer).
 */
export type Action = { round: number; late?: boolean } & (
  | { kind: 'request'; req: number }
  | { kind: 'settings'; side: SideName; window: number }
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS: the client holds SYN_STREAMs back, the server refuses streams over it. */
  | { kind: 'limit'; maxConcurrent: number }
  | { kind: 'ping'; side: SideName }
  | { kind: 'cancel'; side: SideName; req: number }
  | { kind: 'goaway'; side: SideName }
);

export interface Workload {
  version: number;
  /** config.dataChunkSize of each side. */
  chunk: Record<SideName, number>;
  ack: Record<SideName, AckMode>;
  requests: RequestSpec[];
  /** Sorted by round; within a round, in this order. */
  actions: Action[];
  /** Each side's memSend output is cut into pieces of these sizes, cycled (0: the whole buffer). */
  cuts: Record<SideName, number[]>;
  /** Bytes of each side's output delivered per round, cycled (0: all that is pending). */
  budgets: Record<SideName, number[]>;
  goawayAtEnd: SideName | null;
}

/** The bounds a property gives its workloads. */
export interface Limits {
  maxRequests: number;
  /** DATA frames a body may need at its smallest frame size; bodies are cut to fit. */
  frameBudget: number;
  /** Largest body in bytes. */
  maxBody: number;
  chunk: fc.Arbitrary<number>;
  window: fc.Arbitrary<number>;
  cut: fc.Arbitrary<number>;
  budget: fc.Arbitrary<number>;
  maxRead: fc.Arbitrary<number>;
  /** Whether the application may acknowledge DATA itself (config.autoWindowUpdate off). */
  manualAck: boolean;
  maxActionRound: number;
  maxSettings: number;
  maxCancels: number;
  maxPings: number;
  /** Weight of a GOAWAY somewhere in the middle (out of 8). */
  midGoawayWeight: number;
}

// ---- raw draws ----

interface RawBody {
  kind: number;
  k: number;
  delta: number;
  unitSel: number;
  fraction: number;
  style: ProviderStyle;
}

interface RawRequest {
  pri: number;
  request: RawBody | null;
  response: RawBody | null;
  respondEarly: boolean;
  splitReply: boolean;
  round: number;
}

function styleArb(limits: Limits): fc.Arbitrary<ProviderStyle> {
  return fc.record({
    maxRead: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: limits.maxRead }),
    eofWithLast: fc.boolean(),
    deferEvery: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }),
    resumeAfter: fc.integer({ min: 0, max: 4 }),
    yieldEvery: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }),
    failAt: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) }),
  });
}

function rawBodyArb(limits: Limits): fc.Arbitrary<RawBody> {
  return fc.record({
    // 0: empty, 1-2: small, 3-5: a multiple of a chunk size or window (one off either side), 6-8: any size up to the cap.
    kind: fc.integer({ min: 0, max: 8 }),
    k: fc.integer({ min: 1, max: 4 }),
    delta: fc.integer({ min: -1, max: 1 }),
    unitSel: fc.nat(7),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    style: styleArb(limits),
  });
}

const sideArb: fc.Arbitrary<SideName> = fc.constantFrom('client', 'server');
const ackArb: fc.Arbitrary<AckMode> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(ACK_AUTO) },
  { weight: 1, arbitrary: fc.constant(ACK_ROUND) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 40_000 })) },
);

export function workloadArb(limits: Limits): fc.Arbitrary<Workload> {
  // Most transfers take a handful of rounds: weigh the early ones, so that
  // SETTINGS, cancels and GOAWAY mostly land mid-transfer.
  const roundArb = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 2, arbitrary: fc.integer({ min: 5, max: 15 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: limits.maxActionRound }) },
  );
  const rawRequest: fc.Arbitrary<RawRequest> = fc.record({
    pri: fc.integer({ min: 0, max: 7 }),
    request: fc.option(rawBodyArb(limits), { freq: 5 }),
    response: fc.option(rawBodyArb(limits), { freq: 5 }),
    respondEarly: fc.boolean(),
    splitReply: fc.boolean(),
    round: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: roundArb }),
  });
  return fc
    .record({
      version: fc.constantFrom(PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1),
      chunk: fc.record({ client: limits.chunk, server: limits.chunk }),
      ack: limits.manualAck ? fc.record({ client: ackArb, server: ackArb }) : fc.constant({ client: ACK_AUTO, server: ACK_AUTO }),
      requests: fc.array(rawRequest, { minLength: 1, maxLength: limits.maxRequests }),
      // SETTINGS each side sends first, as a session opening would; more may follow mid-transfer.
      opening: fc.record({ client: fc.option(limits.window, { freq: 2 }), server: fc.option(limits.window, { freq: 2 }) }),
      settings: fc.array(fc.record({ round: roundArb, late: fc.boolean(), side: sideArb, window: limits.window }), { maxLength: limits.maxSettings }),
      limit: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.record({ round: fc.oneof(fc.constant(0), roundArb), late: fc.boolean(), maxConcurrent: fc.integer({ min: 1, max: 3 }) }) },
      ),
      pings: fc.array(fc.record({ round: roundArb, late: fc.boolean(), side: sideArb }), { maxLength: limits.maxPings }),
      cancels: fc.array(fc.record({ round: roundArb, late: fc.boolean(), side: sideArb, req: fc.nat() }), { maxLength: limits.maxCancels }),
      midGoaway: fc.oneof(
        { weight: 8 - limits.midGoawayWeight, arbitrary: fc.constant(null) },
        { weight: limits.midGoawayWeight, arbitrary: fc.record({ round: roundArb, late: fc.boolean(), side: sideArb }) },
      ),
      cuts: fc.record({
        client: fc.array(limits.cut, { minLength: 1, maxLength: 6 }),
        server: fc.array(limits.cut, { minLength: 1, maxLength: 6 }),
      }),
      budgets: fc.record({
        client: fc.array(limits.budget, { minLength: 1, maxLength: 4 }),
        server: fc.array(limits.budget, { minLength: 1, maxLength: 4 }),
      }),
      goawayAtEnd: fc.option(sideArb, { freq: 2 }),
    })
    .map((raw) => resolve(raw, limits));
}

// ---- resolution ----

interface RawWorkload {
  version: number;
  chunk: Record<SideName, number>;
  ack: Record<SideName, AckMode>;
  requests: RawRequest[];
  opening: Record<SideName, number | null>;
  settings: Array<{ round: number; late: boolean; side: SideName; window: number }>;
  limit: { round: number; late: boolean; maxConcurrent: number } | null;
  pings: Array<{ round: number; late: boolean; side: SideName }>;
  cancels: Array<{ round: number; late: boolean; side: SideName; req: number }>;
  midGoaway: { round: number; late: boolean; side: SideName } | null;
  cuts: Record<SideName, number[]>;
  budgets: Record<SideName, number[]>;
  goawayAtEnd: SideName | null;
}

function resolve(raw: RawWorkload, limits: Limits): Workload {
  const flow = raw.version !== PROTO_SPDY2;
  // The smallest window each side's DATA can meet: the least value the peer ever advertises.
  const opening = (['client', 'server'] as const).flatMap((side) => {
    const window = raw.opening[side];
    return window === null ? [] : [{ round: 0, side, window }];
  });
  const settings = [...opening, ...raw.settings];
  const windows: Record<SideName, number[]> = { client: [65536], server: [65536] };
  for (const s of settings) windows[other(s.side)].push(s.window);
  const resolveBody = (body: RawBody | null, sender: SideName, count: number): Body | null => {
    if (body === null) return null;
    const minWindow = Math.min(...windows[sender]);
    let unit = raw.chunk[sender];
    if (body.style.maxRead > 0) unit = Math.min(unit, body.style.maxRead);
    // Window openings come in steps of at least half the window (the automatic WINDOW_UPDATE threshold).
    if (flow) unit = Math.min(unit, Math.max(1, Math.ceil(minWindow / 2)));
    // An application acknowledging by hand opens windows in its own steps: per threshold, or per round's delivery.
    const ack = raw.ack[other(sender)];
    if (flow && ack > 0) unit = Math.min(unit, ack);
    if (flow && ack === ACK_ROUND) unit = Math.min(unit, ...[...raw.cuts[sender], ...raw.budgets[sender]].filter((n) => n > 0));
    const cap = Math.min(limits.maxBody, Math.floor((limits.frameBudget * unit) / Math.max(1, count)));
    const units = [raw.chunk[sender], ...windows[sender], 4096, 65536, raw.chunk[other(sender)]];
    let size: number;
    switch (body.kind) {
      case 0:
        size = 0;
        break;
      case 1:
      case 2:
        size = Math.floor(body.fraction * 300);
        break;
      case 3:
      case 4:
      case 5: {
        const u = units[body.unitSel % units.length]!;
        let k = body.k;
        while (k > 1 && k * u + body.delta > cap) k--;
        size = Math.max(0, k * u + body.delta);
        break;
      }
      default:
        size = Math.floor(body.fraction * cap);
    }
    return { size: Math.min(size, cap), style: body.style };
  };
  const n = raw.requests.length;
  const requests: RequestSpec[] = raw.requests.map((r) => ({
    pri: r.pri,
    request: resolveBody(r.request, 'client', n),
    response: resolveBody(r.response, 'server', n),
    respondEarly: r.respondEarly,
    splitReply: r.splitReply,
  }));
  const actions: Action[] = [
    ...opening.map((s): Action => ({ kind: 'settings', ...s })),
    ...raw.requests.map((r, req): Action => ({ kind: 'request', round: r.round, req })),
    ...raw.settings.map((s): Action => ({ kind: 'settings', ...s })),
    ...(raw.limit ? [{ kind: 'limit' as const, ...raw.limit }] : []),
    ...raw.pings.map((p): Action => ({ kind: 'ping', ...p })),
    ...raw.cancels.map((c): Action => ({ kind: 'cancel', ...c, req: c.req % n })),
    ...(raw.midGoaway ? [{ kind: 'goaway' as const, ...raw.midGoaway }] : []),
  ];
  // A stable sort keeps the draw's order within a round.
  actions.sort((a, b) => a.round - b.round);
  return {
    version: raw.version,
    chunk: raw.chunk,
    ack: raw.ack,
    requests,
    actions,
    cuts: raw.cuts,
    budgets: raw.budgets,
    goawayAtEnd: raw.goawayAtEnd,
  };
}

/**
 * The most DATA frames `sender` needs, given how many WINDOW_UPDATEs its
 * peer sent. Per body: its chunks at the smallest frame size (chunk,
 * provider read size), the EOF frame, one frame per deferral and per
 * SETTINGS (each may leave a window remnant); and each WINDOW_UPDATE the
 * peer sent may let every body send one short frame more. Twice that, for
 * slack; a session that spins or fragments needlessly goes far beyond.
 * (The peer's WINDOW_UPDATEs are bounded in turn by the bytes it received.)
 */
export function dataFrameBound(w: Workload, sender: SideName, peerWindowUpdates: number): number {
  const bodies: Body[] = w.requests.flatMap((r) => {
    const b = sender === 'client' ? r.request : r.response;
    return b === null ? [] : [b];
  });
  const settings = w.actions.filter((a) => a.kind === 'settings' && a.side === other(sender)).length;
  let frames = 0;
  for (const b of bodies) {
    const unit = Math.min(w.chunk[sender], b.style.maxRead || Infinity);
    frames += Math.ceil(b.size / unit) + 2 + MAX_DEFERS + settings;
  }
  if (w.version !== PROTO_SPDY2) frames += peerWindowUpdates * bodies.length;
  return 4 + 2 * frames;
}

export function other(side: SideName): SideName {
  return side === 'client' ? 'server' : 'client';
}
