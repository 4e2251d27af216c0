/**
 * The stream state machine as data: states, inputs, and one table mapping
 * (state, input) to the next state and a verdict, per side (our streams and
 * the peer's) and per version where they differ. receive.ts and send.ts
 * look a transition up and carry it out; they hold no state rules of
 * their own. A missing row is answered by its input's miss policy: for a
 * frame received, a stream error with the status spdylay sends; for a frame
 * we would send, the ERR_* code spdylay reports through on_ctrl_not_send.
 *
 * States follow spdylay (spdylay_stream_state and its shut_flags), folded
 * into one value so that a lookup is one index:
 *
 *   INITIAL   ours: SYN_STREAM given an id and encoded, not yet written
 *   OPENING   ours: SYN_STREAM written, no SYN_REPLY yet
 *             theirs: SYN_STREAM received, no SYN_REPLY of ours written yet
 *   OPENED    SYN_REPLY received (ours) or written (theirs)
 *   CLOSING   our RST_STREAM is queued: frames for the stream are dropped
 *             until it is written and the stream closes
 *   _RD       half-closed, the peer's half: its FIN arrived, or our
 *             SYN_STREAM was unidirectional (spdylay's SHUT_RD)
 *   _WR       half-closed, our half: our FIN was written, or the peer's
 *             SYN_STREAM was unidirectional (spdylay's SHUT_WR)
 *
 * Both halves closed is CLOSED: the stream is removed and reported closed.
 * Draft 3 §2.3 (stream creation, half-close, close), §2.6.1–2.6.2:
 *
 *              ours                                         theirs
 *
 *   NONE ──SEND_SYN_STREAM──▶ INITIAL         NONE ──RECV_SYN_STREAM──▶ OPENING
 *   INITIAL ──SENT_SYN_STREAM──▶ OPENING      OPENING ──SENT_SYN_REPLY──▶ OPENED
 *   OPENING ──RECV_SYN_REPLY──▶ OPENED
 *
 *   X ──RECV_FIN──▶ X_RD ──SENT_FIN──▶ CLOSED      X ──SENT_FIN──▶ X_WR ──RECV_FIN──▶ CLOSED
 *   X ──QUEUE_RST_STREAM──▶ CLOSING (half-close bits kept)
 *   X ──RECV_RST_STREAM or SENT_RST_STREAM──▶ CLOSED
 *
 * Receiving, a row's verdict is ACCEPT (report the frame), IGNORE (drop it
 * silently: a race with our RST_STREAM, not an error) or an RST_STREAM
 * status (a stream error). Sending, ACCEPT or the ERR_* code refusing the
 * frame; the state change of a frame we send comes with its SENT_ input,
 * once it is written, as in spdylay_session_after_frame_sent. Where we
 * depart from spdylay (stream errors for DATA that spdylay ignores or
 * answers with GOAWAY), the row says so and names its test.
 */
import {
  ERR_INVALID_STREAM_ID,
  ERR_INVALID_STREAM_STATE,
  ERR_STREAM_CLOSED,
  ERR_STREAM_CLOSING,
  ERR_STREAM_SHUT_WR,
  INVALID_STREAM,
  PROTOCOL_ERROR,
  STREAM_ALREADY_CLOSED,
  STREAM_IN_USE,
} from '../constants.js';

/** The peer's half is closed (spdylay's SHUT_RD): a bit of every state value. */
export const SHUT_RD = 1;
/** Our half is closed (spdylay's SHUT_WR): a bit of every state value. */
export const SHUT_WR = 2;

const INITIAL_PHASE = 0 << 2;
const OPENING_PHASE = 1 << 2;
const OPENED_PHASE = 2 << 2;
const CLOSING_PHASE = 3 << 2;
const PHASE_MASK = 3 << 2;

/** A stream's state: spdylay's state in the upper bits, its shut bits in the lower two. */
export const StreamState = {
  INITIAL: INITIAL_PHASE,
  OPENING: OPENING_PHASE,
  OPENING_RD: OPENING_PHASE | SHUT_RD,
  OPENING_WR: OPENING_PHASE | SHUT_WR,
  OPENED: OPENED_PHASE,
  OPENED_RD: OPENED_PHASE | SHUT_RD,
  OPENED_WR: OPENED_PHASE | SHUT_WR,
  CLOSING: CLOSING_PHASE,
  CLOSING_RD: CLOSING_PHASE | SHUT_RD,
  CLOSING_WR: CLOSING_PHASE | SHUT_WR,
} as const;
export type StreamState = (typeof StreamState)[keyof typeof StreamState];

/** No such stream: the row for frames on unknown (or closed) stream ids. */
export const NONE = 16;
/** A transition's target: the stream closes (both halves done, or reset). */
export const CLOSED = 17;
const STATE_SLOTS = NONE + 1;

export const Input = {
  /** The peer opens a stream (its checks of ids, GOAWAY and limits are session rules, in receive.ts). */
  RECV_SYN_STREAM: 0,
  RECV_SYN_REPLY: 1,
  RECV_HEADERS: 2,
  /** A DATA frame, checked as its head arrives and again as it ends (spdylay's check_data_recv_allowed). */
  RECV_DATA: 3,
  /** The peer's half closes: FIN on a frame accepted, or our SYN_STREAM was unidirectional. */
  RECV_FIN: 4,
  RECV_RST_STREAM: 5,
  RECV_WINDOW_UPDATE: 6,
  /** The peer's GOAWAY names a last-good-stream-id below this stream of ours. */
  RECV_GOAWAY: 7,
  /** Our SYN_STREAM gets its id and is encoded. */
  SEND_SYN_STREAM: 8,
  SEND_SYN_REPLY: 9,
  SEND_HEADERS: 10,
  SEND_DATA: 11,
  SEND_WINDOW_UPDATE: 12,
  /** Our RST_STREAM is queued (spdylay marks the stream CLOSING at once). */
  QUEUE_RST_STREAM: 13,
  SENT_SYN_STREAM: 14,
  SENT_SYN_REPLY: 15,
  /** Our half closes: our FIN was written, or the peer's SYN_STREAM was unidirectional. */
  SENT_FIN: 16,
  SENT_RST_STREAM: 17,
} as const;
export type Input = (typeof Input)[keyof typeof Input];
const INPUT_COUNT = Object.keys(Input).length;

/** A row's verdict: the input is accepted. */
export const ACCEPT = 0;
/** A row's verdict (receiving): the frame is dropped without an answer. */
export const IGNORE = -1;
/**
 * What becomes of an input: ACCEPT, IGNORE, an RST_STREAM status (> 0:
 * a stream error, receiving) or an ERR_* code (< -500: refused, sending).
 */
export type Verdict = number;

/** A row's side effect beyond the state change. */
export const Effect = {
  NONE: 0,
  /** The peer finished its request: spdylay's on_request_recv (the peer's streams only). */
  REQUEST_RECV: 1,
} as const;
export type Effect = (typeof Effect)[keyof typeof Effect];

export interface Transition {
  /** The state afterwards: a StreamState, NONE, or CLOSED. A refused or ignored input leaves it as it was. */
  readonly to: number;
  readonly verdict: Verdict;
  readonly effect: Effect;
}

// ---- the rows ----

type Side = 'ours' | 'theirs';

interface Row {
  from: number;
  input: Input;
  to?: number;
  verdict?: Verdict;
  /** The verdict in SPDY/2, which lacks some status codes. */
  spdy2?: Verdict;
  effect?: Effect;
  /** Only for our streams or only for the peer's; both when absent. */
  side?: Side;
}

const {
  INITIAL,
  OPENING,
  OPENING_RD,
  OPENING_WR,
  OPENED,
  OPENED_RD,
  OPENED_WR,
  CLOSING,
  CLOSING_RD,
  CLOSING_WR,
} = StreamState;
const EVERY_STATE: readonly StreamState[] = Object.values(StreamState);
const { RECV_SYN_STREAM, RECV_SYN_REPLY, RECV_HEADERS, RECV_DATA, RECV_FIN, RECV_RST_STREAM, RECV_WINDOW_UPDATE, RECV_GOAWAY } =
  Input;
const { SEND_SYN_STREAM, SEND_SYN_REPLY, SEND_HEADERS, SEND_DATA, SEND_WINDOW_UPDATE, QUEUE_RST_STREAM } = Input;
const { SENT_SYN_STREAM, SENT_SYN_REPLY, SENT_FIN, SENT_RST_STREAM } = Input;

/** `state` with its half `bit` closed; CLOSED once both are. */
function shut(state: number, bit: number): number {
  const next = state | bit;
  return (next & (SHUT_RD | SHUT_WR)) === (SHUT_RD | SHUT_WR) ? CLOSED : next;
}

/** `state` moved to spdylay's `phase`, its half-close bits kept. */
function toPhase(state: number, phase: number): number {
  return (state & ~PHASE_MASK) | phase;
}

const every = (make: (from: StreamState) => Row): Row[] => EVERY_STATE.map(make);
/** Every state but INITIAL, which lasts only while our SYN_STREAM is being written. */
const everyWritten = (make: (from: StreamState) => Row): Row[] =>
  EVERY_STATE.filter((state) => state !== INITIAL).map(make);

const ROWS: Row[] = [
  // Opening. Which SYN_STREAMs open a stream (ids, GOAWAY, limits) is decided
  // by the session; the table says what state a stream starts in.
  { from: NONE, input: RECV_SYN_STREAM, to: OPENING, side: 'theirs' },
  { from: NONE, input: SEND_SYN_STREAM, to: INITIAL, side: 'ours' },
  // spdylay sets OPENING once the SYN_STREAM is written, whatever happened
  // meanwhile (an RST_STREAM queued in a callback included).
  ...every((from) => ({ from, input: SENT_SYN_STREAM, to: toPhase(from, OPENING_PHASE), side: 'ours' as const })),
  { from: NONE, input: SENT_SYN_STREAM, side: 'ours' },

  // SYN_REPLY received (spdylay_session_on_syn_reply_received): our stream
  // waiting for it opens. With our RST_STREAM queued the reply crossed it:
  // dropped. Draft 3 §2.6.2: a second SYN_REPLY is STREAM_IN_USE (SPDY/2
  // lacks the code). Anything else, the peer's streams and half-closed ones
  // included, is the miss: PROTOCOL_ERROR.
  { from: OPENING, input: RECV_SYN_REPLY, to: OPENED, side: 'ours' },
  { from: OPENING_WR, input: RECV_SYN_REPLY, to: OPENED_WR, side: 'ours' },
  { from: CLOSING, input: RECV_SYN_REPLY, verdict: IGNORE, side: 'ours' },
  { from: CLOSING_WR, input: RECV_SYN_REPLY, verdict: IGNORE, side: 'ours' },
  ...[INITIAL, OPENED, OPENED_WR].map((from) => ({
    from,
    input: RECV_SYN_REPLY,
    verdict: STREAM_IN_USE,
    spdy2: PROTOCOL_ERROR,
    side: 'ours' as const,
  })),

  // HEADERS received (spdylay_session_on_headers_received): on our stream
  // once it is OPENED, on the peer's from its SYN_STREAM on, until the
  // peer's FIN; with our RST_STREAM queued, dropped.
  { from: OPENED, input: RECV_HEADERS, to: OPENED, side: 'ours' },
  { from: OPENED_WR, input: RECV_HEADERS, to: OPENED_WR, side: 'ours' },
  ...[OPENING, OPENING_WR, OPENED, OPENED_WR].map((from) => ({ from, input: RECV_HEADERS, to: from, side: 'theirs' as const })),
  { from: CLOSING, input: RECV_HEADERS, verdict: IGNORE },
  { from: CLOSING_WR, input: RECV_HEADERS, verdict: IGNORE },

  // DATA received (spdylay's check_data_recv_allowed): the same states as
  // HEADERS, except that our RST_STREAM queued drops it whatever the peer's
  // half. spdylay ignores DATA for streams that are not open and tears the
  // session down for the rest; the drafts ask for stream errors, and those
  // are what we send (tests: "DATA on a stream that is not open gets
  // INVALID_STREAM", "DATA after the peer's FIN gets STREAM_ALREADY_CLOSED
  // in SPDY/3", and, the miss, "DATA before SYN_REPLY on our stream gets
  // RST_STREAM PROTOCOL_ERROR").
  { from: OPENED, input: RECV_DATA, to: OPENED, side: 'ours' },
  { from: OPENED_WR, input: RECV_DATA, to: OPENED_WR, side: 'ours' },
  ...[OPENING, OPENING_WR, OPENED, OPENED_WR].map((from) => ({ from, input: RECV_DATA, to: from, side: 'theirs' as const })),
  ...[CLOSING, CLOSING_RD, CLOSING_WR].map((from) => ({ from, input: RECV_DATA, verdict: IGNORE })),
  // Draft 3 §2.2.2: DATA for a stream that is not open is INVALID_STREAM
  // (stream 0, and streams past a GOAWAY of ours, are the session's to judge).
  { from: NONE, input: RECV_DATA, verdict: INVALID_STREAM },
  // Draft 3 §2.3.6: DATA after the sender's FIN is STREAM_ALREADY_CLOSED.
  { from: OPENING_RD, input: RECV_DATA, verdict: STREAM_ALREADY_CLOSED, spdy2: PROTOCOL_ERROR },
  { from: OPENED_RD, input: RECV_DATA, verdict: STREAM_ALREADY_CLOSED, spdy2: PROTOCOL_ERROR },

  // FIN: a half closes; both closed, the stream closes. The peer's FIN on
  // its own stream completes its request.
  ...everyWritten((from) => ({ from, input: RECV_FIN, to: shut(from, SHUT_RD), side: 'ours' as const })),
  ...everyWritten((from) => ({
    from,
    input: RECV_FIN,
    to: shut(from, SHUT_RD),
    effect: Effect.REQUEST_RECV,
    side: 'theirs' as const,
  })),
  ...everyWritten((from) => ({ from, input: SENT_FIN, to: shut(from, SHUT_WR) })),

  // RST_STREAM either way closes the stream; one for no stream is still reported.
  ...every((from) => ({ from, input: RECV_RST_STREAM, to: CLOSED })),
  { from: NONE, input: RECV_RST_STREAM },
  ...every((from) => ({ from, input: QUEUE_RST_STREAM, to: toPhase(from, CLOSING_PHASE) })),
  { from: NONE, input: QUEUE_RST_STREAM },
  ...every((from) => ({ from, input: SENT_RST_STREAM, to: CLOSED })),
  { from: NONE, input: SENT_RST_STREAM },

  // WINDOW_UPDATE received: any stream that exists (spdylay checks nothing
  // else); for no stream, ignored.
  ...every((from) => ({ from, input: RECV_WINDOW_UPDATE, to: from })),
  { from: NONE, input: RECV_WINDOW_UPDATE, verdict: IGNORE },

  // GOAWAY received: our streams above last-good-stream-id were never
  // processed by the peer (draft 3 §2.6.6). spdylay leaves them open for
  // ever; we close them (REFUSED_STREAM) so that nothing waits on them
  // (test: "GOAWAY closes our streams above last-good-stream-id"). A
  // SYN_STREAM not yet written is not one of them.
  ...everyWritten((from) => ({ from, input: RECV_GOAWAY, to: CLOSED, side: 'ours' as const })),
  { from: INITIAL, input: RECV_GOAWAY, verdict: IGNORE, side: 'ours' },

  // Sending (spdylay_session_predicate_*_send). Every stream frame needs the
  // stream and our half open; then our RST_STREAM queued refuses it.
  ...[SEND_SYN_REPLY, SEND_HEADERS, SEND_DATA, SEND_WINDOW_UPDATE].map((input) => ({
    from: NONE,
    input,
    verdict: ERR_STREAM_CLOSED,
  })),
  ...[SEND_SYN_REPLY, SEND_HEADERS, SEND_DATA].flatMap((input) =>
    [OPENING_WR, OPENED_WR, CLOSING_WR].map((from) => ({ from, input, verdict: ERR_STREAM_SHUT_WR })),
  ),
  // SYN_REPLY: only on the peer's stream, only once.
  ...[INITIAL, OPENING, OPENING_RD, OPENED, OPENED_RD, CLOSING, CLOSING_RD].map((from) => ({
    from,
    input: SEND_SYN_REPLY,
    verdict: ERR_INVALID_STREAM_ID,
    side: 'ours' as const,
  })),
  { from: OPENING, input: SEND_SYN_REPLY, side: 'theirs' },
  { from: OPENING_RD, input: SEND_SYN_REPLY, side: 'theirs' },
  { from: CLOSING, input: SEND_SYN_REPLY, verdict: ERR_STREAM_CLOSING, side: 'theirs' },
  { from: CLOSING_RD, input: SEND_SYN_REPLY, verdict: ERR_STREAM_CLOSING, side: 'theirs' },
  // spdylay sets OPENED once the SYN_REPLY is written, whatever happened meanwhile.
  ...every((from) => ({ from, input: SENT_SYN_REPLY, to: toPhase(from, OPENED_PHASE), side: 'theirs' as const })),
  { from: NONE, input: SENT_SYN_REPLY, side: 'theirs' },
  // HEADERS and DATA: our stream in any state, even before SYN_REPLY; the
  // peer's only after our SYN_REPLY.
  ...[SEND_HEADERS, SEND_DATA].flatMap((input) => [
    ...[INITIAL, OPENING, OPENING_RD, OPENED, OPENED_RD].map((from) => ({ from, input, side: 'ours' as const })),
    ...[OPENED, OPENED_RD].map((from) => ({ from, input, side: 'theirs' as const })),
    { from: CLOSING, input, verdict: ERR_STREAM_CLOSING },
    { from: CLOSING_RD, input, verdict: ERR_STREAM_CLOSING },
  ]),
  // WINDOW_UPDATE: any stream that exists, whatever its halves, until our RST_STREAM.
  ...every((from) => ({
    from,
    input: SEND_WINDOW_UPDATE,
    verdict: (from & PHASE_MASK) === CLOSING_PHASE ? ERR_STREAM_CLOSING : ACCEPT,
  })),
];

/**
 * What an input gets in a state with no row. Receiving, the frame is a
 * stream error; sending, it is refused; inputs that always have a row when
 * they can happen do nothing.
 */
const MISS: Readonly<Record<Input, Verdict>> = {
  [RECV_SYN_STREAM]: IGNORE,
  [RECV_SYN_REPLY]: PROTOCOL_ERROR,
  [RECV_HEADERS]: PROTOCOL_ERROR,
  // Draft 3 §2.2.2: DATA before the SYN_REPLY is PROTOCOL_ERROR.
  [RECV_DATA]: PROTOCOL_ERROR,
  [RECV_FIN]: IGNORE,
  [RECV_RST_STREAM]: IGNORE,
  [RECV_WINDOW_UPDATE]: IGNORE,
  [RECV_GOAWAY]: IGNORE,
  [SEND_SYN_STREAM]: IGNORE,
  [SEND_SYN_REPLY]: ERR_INVALID_STREAM_STATE,
  [SEND_HEADERS]: ERR_INVALID_STREAM_STATE,
  [SEND_DATA]: ERR_INVALID_STREAM_STATE,
  [SEND_WINDOW_UPDATE]: ERR_INVALID_STREAM_STATE,
  [QUEUE_RST_STREAM]: IGNORE,
  [SENT_SYN_STREAM]: IGNORE,
  [SENT_SYN_REPLY]: IGNORE,
  [SENT_FIN]: IGNORE,
  [SENT_RST_STREAM]: IGNORE,
};

// ---- the compiled table ----

/** The transitions of one version, indexed by state and input, one array per side. */
export interface StreamTable {
  readonly ours: readonly Transition[];
  readonly theirs: readonly Transition[];
}

function compile(side: Side, spdy2: boolean): readonly Transition[] {
  const cells: (Transition | undefined)[] = new Array(STATE_SLOTS * INPUT_COUNT);
  for (const row of ROWS) {
    if (row.side !== undefined && row.side !== side) continue;
    const index = row.from * INPUT_COUNT + row.input;
    if (cells[index] !== undefined) throw new Error(`stream table: two rows for state ${row.from}, input ${row.input}`);
    const verdict = (spdy2 ? row.spdy2 : undefined) ?? row.verdict ?? ACCEPT;
    // An input refused or ignored leaves the state as it was.
    const to = verdict === ACCEPT ? (row.to ?? row.from) : row.from;
    cells[index] = Object.freeze({ to, verdict, effect: row.effect ?? Effect.NONE });
  }
  for (let state = 0; state < STATE_SLOTS; state++) {
    for (let input = 0; input < INPUT_COUNT; input++) {
      const index = state * INPUT_COUNT + input;
      if (cells[index] !== undefined) continue;
      const verdict = MISS[input as Input];
      cells[index] = Object.freeze({ to: state, verdict, effect: Effect.NONE });
    }
  }
  return Object.freeze(cells as Transition[]);
}

const SPDY2_TABLE: StreamTable = Object.freeze({ ours: compile('ours', true), theirs: compile('theirs', true) });
const SPDY3_TABLE: StreamTable = Object.freeze({ ours: compile('ours', false), theirs: compile('theirs', false) });

/** The table for a wire version (SPDY/3.1 shares SPDY/3's). */
export function streamTable(wireVersion: 2 | 3): StreamTable {
  return wireVersion === 2 ? SPDY2_TABLE : SPDY3_TABLE;
}

/** The transition for `input` in `state` (a StreamState or NONE), on one side's table. */
export function transition(cells: readonly Transition[], state: number, input: Input): Transition {
  return cells[state * INPUT_COUNT + input]!;
}
