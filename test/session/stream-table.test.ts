/**
 * The stream table (session/stream-table.ts), walked pair by pair.
 *
 * First every (side, state, input) of every version, on its own: each has a
 * transition, it leads to a named state, NONE or CLOSED, a refusal leaves
 * the state alone, verdicts are of the input's kind, and every state is
 * reachable. Then every pair the public API can drive from a settled
 * session is driven, and the session must do what the table says: report
 * or drop the frame, answer it with the row's RST_STREAM status, send or
 * refuse it with the row's ERR_* code, and leave the stream in the row's
 * state. The pairs left are named with the reason no settled session can
 * drive them.
 *
 * Whether the table says what spdylay does is the independent oracles'
 * question (recv-states.test.ts, send-states.test.ts); this test makes
 * sure the session says what the table does.
 */
import { describe, expect, it } from 'vitest';
import {
  CANCEL,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  INTERNAL_ERROR,
  PROTO_SPDY2,
  PROTO_SPDY3,
  STREAM_ALREADY_CLOSED,
  STREAM_IN_USE,
} from '../../src/index.js';
import {
  ACCEPT,
  CLOSED,
  IGNORE,
  Input,
  NONE,
  SHUT_RD,
  SHUT_WR,
  StreamState,
  streamTable,
  transition,
} from '../../src/core/session/stream-table.js';
import type { Transition } from '../../src/core/session/stream-table.js';
import { ascii } from '../helpers/bytes.js';
import { EVERY_VERSION, client, server } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';
import { errorName, statusName } from '../helpers/labels.js';
import { bodyProvider } from '../helpers/providers.js';
import { INPUT_NAMES, stateName } from '../helpers/stream-states.js';

type Side = 'ours' | 'theirs';
const SIDES: Side[] = ['ours', 'theirs'];
const STATES: number[] = [...Object.values(StreamState), NONE];
const INPUTS = Object.values(Input);
const RECEIVING = new Set<number>([
  Input.RECV_SYN_STREAM,
  Input.RECV_SYN_REPLY,
  Input.RECV_HEADERS,
  Input.RECV_DATA,
  Input.RECV_RST_STREAM,
  Input.RECV_WINDOW_UPDATE,
]);
const SENDING = new Set<number>([Input.SEND_SYN_REPLY, Input.SEND_HEADERS, Input.SEND_DATA, Input.SEND_WINDOW_UPDATE]);

const cellsOf = (version: number, side: Side) => streamTable(version === PROTO_SPDY2 ? 2 : 3)[side];
const rule = (version: number, side: Side, state: number, input: Input): Transition =>
  transition(cellsOf(version, side), state, input);
const pairName = (side: Side, state: number, input: number) => `${side} ${stateName(state)} ${INPUT_NAMES[input]}`;

describe.each(EVERY_VERSION)('$name: every pair on its own', ({ version }) => {
  const pairs = SIDES.flatMap((side) => STATES.flatMap((state) => INPUTS.map((input) => ({ side, state, input }))));

  it('has a transition to a named state, NONE (from NONE only) or CLOSED', () => {
    for (const { side, state, input } of pairs) {
      const next = rule(version, side, state, input);
      const named = STATES.includes(next.to) || next.to === CLOSED;
      expect(named && (next.to !== NONE || state === NONE), pairName(side, state, input)).toBe(true);
    }
  });

  it('a verdict other than ACCEPT leaves the state as it was', () => {
    for (const { side, state, input } of pairs) {
      const next = rule(version, side, state, input);
      if (next.verdict !== ACCEPT) expect(next.to, pairName(side, state, input)).toBe(state);
    }
  });

  it('verdicts are of the input\'s kind: a status the version has when receiving, an ERR_* code when sending', () => {
    const maxStatus = version === PROTO_SPDY2 ? 7 : 11;
    for (const { side, state, input } of pairs) {
      const { verdict } = rule(version, side, state, input);
      const label = pairName(side, state, input);
      if (RECEIVING.has(input)) {
        expect(verdict === ACCEPT || verdict === IGNORE || (verdict >= 1 && verdict <= maxStatus), label).toBe(true);
      } else if (SENDING.has(input)) {
        expect(verdict === ACCEPT || errorName(verdict).startsWith('ERR_'), label).toBe(true);
      } else {
        // What already happened (written, queued, a half closed) is never refused.
        expect(verdict === ACCEPT || verdict === IGNORE, label).toBe(true);
      }
    }
  });

  it('FIN closes its half, and the stream once both are', () => {
    for (const side of SIDES) {
      for (const state of Object.values(StreamState)) {
        for (const [input, bit] of [
          [Input.RECV_FIN, SHUT_RD],
          [Input.SENT_FIN, SHUT_WR],
        ] as const) {
          const next = rule(version, side, state, input);
          if (next.verdict !== ACCEPT) continue;
          const other = bit === SHUT_RD ? SHUT_WR : SHUT_RD;
          expect(next.to, pairName(side, state, input)).toBe(state & other ? CLOSED : state | bit);
        }
      }
    }
  });

  it('every state of a side is reachable from NONE', () => {
    for (const side of SIDES) {
      const seen = new Set<number>([NONE]);
      const queue = [NONE];
      while (queue.length > 0) {
        const state = queue.shift()!;
        for (const input of INPUTS) {
          const next = rule(version, side, state, input);
          if (next.verdict === ACCEPT && next.to !== CLOSED && !seen.has(next.to)) {
            seen.add(next.to);
            queue.push(next.to);
          }
        }
      }
      const expected = side === 'ours' ? STATES : STATES.filter((s) => s !== StreamState.INITIAL);
      expect([...seen].sort((a, b) => a - b), side).toEqual([...expected].sort((a, b) => a - b));
    }
  });

  it('differs from SPDY/3 only in the status codes SPDY/2 lacks', () => {
    for (const { side, state, input } of pairs) {
      const v3 = rule(PROTO_SPDY3, side, state, input);
      const here = rule(version, side, state, input);
      if (version !== PROTO_SPDY2 || (v3.verdict !== STREAM_IN_USE && v3.verdict !== STREAM_ALREADY_CLOSED)) {
        expect(here, pairName(side, state, input)).toEqual(v3);
      }
    }
  });
});

// ---- driving the pairs through a session ----

interface Setup {
  /** The session, settled: nothing left to send but what `pending` names. */
  h: Harness;
  /** The stream in the state. */
  id: number;
  /** Frames the setup leaves queued (our RST_STREAM for CLOSING states). */
  pending: string[];
  /** CLOSING states: queues our RST_STREAM (made() does, unless told to leave it to the test). */
  close?: () => void;
}

const NV: [string, string][] = [[':path', '/']];

/** Sessions with a stream in each state, reached through the public API (INITIAL set by hand, as spdylay's tests do). */
const MAKE: Record<Side, Partial<Record<string, (v: number) => Setup>>> = {
  ours: {
    NONE: (v) => ({ h: client(v), id: 1, pending: [] }),
    INITIAL: (v) => {
      const setup = MAKE.ours.OPENING!(v);
      setup.h.stream(1)!.state = StreamState.INITIAL;
      return setup;
    },
    OPENING: (v) => ours(v, 0, null),
    OPENING_WR: (v) => ours(v, CTRL_FLAG_FIN, null),
    OPENING_RD: (v) => {
      // A server's push: unidirectional, so the peer's half is closed from the start.
      const h = server(v);
      h.recv(h.peer.synStream({ streamId: 1, nv: NV }));
      h.session.submitSynStream(CTRL_FLAG_UNIDIRECTIONAL, 0, NV, 1);
      h.flush();
      return { h, id: 2, pending: [] };
    },
    OPENED: (v) => ours(v, 0, 0),
    OPENED_WR: (v) => ours(v, CTRL_FLAG_FIN, 0),
    OPENED_RD: (v) => ours(v, 0, CTRL_FLAG_FIN),
    CLOSING: (v) => closing(MAKE.ours.OPENED!(v)),
    CLOSING_WR: (v) => closing(MAKE.ours.OPENED_WR!(v)),
    CLOSING_RD: (v) => closing(MAKE.ours.OPENED_RD!(v)),
  },
  theirs: {
    NONE: (v) => ({ h: server(v), id: 1, pending: [] }),
    OPENING: (v) => theirs(v, 0, null),
    OPENING_RD: (v) => theirs(v, CTRL_FLAG_FIN, null),
    OPENING_WR: (v) => {
      // A push we receive: unidirectional, so our half is closed from the start.
      const h = client(v);
      h.session.submitSynStream(0, 0, NV);
      h.flush();
      h.recv(h.peer.synStream({ streamId: 2, assocStreamId: 1, flags: CTRL_FLAG_UNIDIRECTIONAL, nv: NV }));
      return { h, id: 2, pending: [] };
    },
    OPENED: (v) => theirs(v, 0, 0),
    OPENED_WR: (v) => theirs(v, 0, CTRL_FLAG_FIN),
    OPENED_RD: (v) => theirs(v, CTRL_FLAG_FIN, 0),
    CLOSING: (v) => closing(MAKE.theirs.OPENED!(v)),
    CLOSING_WR: (v) => closing(MAKE.theirs.OPENED_WR!(v)),
    CLOSING_RD: (v) => closing(MAKE.theirs.OPENED_RD!(v)),
  },
};

/** A client's stream 1: SYN_STREAM with `flags` sent, then the peer's SYN_REPLY with `replyFlags`, or none. */
function ours(version: number, flags: number, replyFlags: number | null): Setup {
  const h = client(version);
  h.session.submitSynStream(flags, 0, NV);
  h.flush();
  if (replyFlags !== null) h.recv(h.peer.synReply({ streamId: 1, flags: replyFlags }));
  return { h, id: 1, pending: [] };
}

/** A server's stream 1: the peer's SYN_STREAM with `flags`, then our SYN_REPLY with `replyFlags`, or none. */
function theirs(version: number, flags: number, replyFlags: number | null): Setup {
  const h = server(version);
  h.recv(h.peer.synStream({ streamId: 1, flags, nv: NV }));
  if (replyFlags !== null) h.session.submitSynReply(replyFlags, 1, [[':status', '200']]);
  h.flush();
  return { h, id: 1, pending: [] };
}

/** `setup` with our RST_STREAM(CANCEL) to be queued, not yet sent. */
function closing(setup: Setup): Setup {
  return {
    ...setup,
    pending: [`RST_STREAM(${setup.id},CANCEL)`],
    close: () => setup.h.session.submitRstStream(setup.id, CANCEL),
  };
}

/**
 * A session in `state`. A frame we submit in a CLOSING state must be queued
 * before our RST_STREAM (else the RST goes first and the stream is gone):
 * `closeLater` leaves the RST to the caller.
 */
function made(side: Side, state: number, version: number, closeLater = false): Setup {
  const setup = MAKE[side][stateName(state)]!(version);
  if (!closeLater) setup.close?.();
  setup.h.log.take();
  return setup;
}

/** The stream's state now: its StreamState, or NONE once it is gone. */
function stateNow(setup: Setup): number {
  return setup.h.stream(setup.id)?.state ?? NONE;
}

/** The state a transition leaves: CLOSED reads as NONE (the stream is gone). */
const after = (next: Transition): number => (next.to === CLOSED ? NONE : next.to);

interface Drive {
  input: Input;
  /** Does the input to the setup's stream. */
  run: (s: Setup) => void;
  /** What the callbacks report when the frame is accepted (none for an input that is not a frame received). */
  reported?: (id: number) => string;
  /** The frame sent when the input (a frame we submit) is accepted. */
  wire?: (id: number) => string;
  /** Refusals of this frame are silent (no onCtrlNotSendCb), as in spdylay. */
  silent?: boolean;
}

const DRIVES: Drive[] = [
  {
    input: Input.RECV_SYN_REPLY,
    run: (s) => s.h.recv(s.h.peer.synReply({ streamId: s.id, nv: [[':status', '200']] })),
    reported: (id) => `ctrl-recv SYN_REPLY(${id})`,
  },
  {
    input: Input.RECV_HEADERS,
    run: (s) => s.h.recv(s.h.peer.headers({ streamId: s.id, nv: [['x-h', '1']] })),
    reported: (id) => `ctrl-recv HEADERS(${id})`,
  },
  {
    input: Input.RECV_DATA,
    run: (s) => s.h.recv(s.h.peer.data(s.id, 0, ascii('body'))),
    reported: (id) => `data-recv ${id},len=4`,
  },
  {
    input: Input.RECV_RST_STREAM,
    run: (s) => s.h.recv(s.h.peer.rstStream(s.id, CANCEL)),
    reported: (id) => `ctrl-recv RST_STREAM(${id},CANCEL)`,
  },
  {
    input: Input.RECV_WINDOW_UPDATE,
    run: (s) => s.h.recv(s.h.peer.windowUpdate(s.id, 1000)),
    reported: (id) => `ctrl-recv WINDOW_UPDATE(${id},+1000)`,
  },
  { input: Input.RECV_GOAWAY, run: (s) => s.h.recv(s.h.peer.goaway(0)) },
  {
    input: Input.SEND_SYN_REPLY,
    run: (s) => s.h.session.submitSynReply(0, s.id, [[':status', '200']]),
    wire: (id) => `SYN_REPLY(${id})`,
  },
  {
    input: Input.SEND_HEADERS,
    run: (s) => s.h.session.submitHeaders(0, s.id, [['x-h', '1']]),
    wire: (id) => `HEADERS(${id})`,
  },
  {
    input: Input.SEND_DATA,
    run: (s) => s.h.session.submitData(s.id, 0, bodyProvider('body')),
    wire: (id) => `DATA(${id},len=4)`,
    silent: true,
  },
  {
    input: Input.SEND_WINDOW_UPDATE,
    run: (s) => s.h.session.submitWindowUpdate(s.id, 1000),
    wire: (id) => `WINDOW_UPDATE(${id},+1000)`,
    silent: true,
  },
];

/** One thing a settled session is made to do, and the pairs of the table it walks. */
interface Case {
  label: string;
  /** `side state INPUT` of every pair the case checks. */
  covers: string[];
  check: () => void;
}

/** Every case for `version`: which pairs are driven is known before anything runs. */
function plan(version: number): Case[] {
  const cases: Case[] = [];
  const settable = SIDES.flatMap((side) =>
    STATES.filter((state) => MAKE[side][stateName(state)] !== undefined).map((state) => ({ side, state })),
  );

  for (const { side, state } of settable) {
    // Opening a stream: the NONE rows, and SENT_SYN_STREAM from INITIAL, walked by every setup.
    const covers: string[] = [];
    if (state !== NONE) covers.push(pairName(side, NONE, side === 'ours' ? Input.SEND_SYN_STREAM : Input.RECV_SYN_STREAM));
    if (side === 'ours' && state !== NONE && state !== StreamState.INITIAL) {
      covers.push(pairName(side, StreamState.INITIAL, Input.SENT_SYN_STREAM));
    }
    cases.push({
      label: `${side} ${stateName(state)}: the setup reaches it`,
      covers,
      check: () => expect(stateName(stateNow(made(side, state, version)))).toBe(stateName(state)),
    });

    for (const d of DRIVES) {
      // SPDY/2 has no flow control: WINDOW_UPDATE is ignored before any stream rule.
      if (d.input === Input.RECV_WINDOW_UPDATE && version === PROTO_SPDY2) continue;
      // submitWindowUpdate throws for a stream that does not exist; GOAWAY acts on streams that exist.
      if ((d.input === Input.SEND_WINDOW_UPDATE || d.input === Input.RECV_GOAWAY) && state === NONE) continue;
      const next = rule(version, side, state, d.input);
      const written = d.input === Input.SEND_SYN_REPLY && next.verdict === ACCEPT && !stateName(state).startsWith('CLOSING');
      cases.push({
        label: pairName(side, state, d.input),
        covers: [pairName(side, state, d.input), ...(written ? [pairName(side, state, Input.SENT_SYN_REPLY)] : [])],
        check: () => checkDrive(version, side, state, d, next),
      });
    }

    if (state === NONE) continue;
    // The peer's FIN, on each frame the table accepts here.
    for (const [input, frame] of [
      [Input.RECV_HEADERS, (s: Setup) => s.h.peer.headers({ streamId: s.id, flags: CTRL_FLAG_FIN, nv: [['x-h', '1']] })],
      [Input.RECV_DATA, (s: Setup) => s.h.peer.data(s.id, CTRL_FLAG_FIN, ascii('body'))],
    ] as const) {
      const first = rule(version, side, state, input);
      if (first.verdict !== ACCEPT || first.to === CLOSED) continue;
      const fin = rule(version, side, first.to, Input.RECV_FIN);
      cases.push({
        label: `${pairName(side, state, input)} with FIN`,
        covers: [pairName(side, first.to, Input.RECV_FIN)],
        check: () => {
          const setup = made(side, state, version);
          setup.h.recv(frame(setup));
          expect(stateName(stateNow(setup))).toBe(stateName(after(fin)));
          expect(setup.h.log.take().includes(`request-recv ${setup.id}`)).toBe(fin.effect !== 0);
        },
      });
    }
    // Our FIN, on HEADERS where the table lets it go.
    if (rule(version, side, state, Input.SEND_HEADERS).verdict === ACCEPT) {
      cases.push({
        label: `${pairName(side, state, Input.SEND_HEADERS)} with FIN`,
        covers: [pairName(side, state, Input.SENT_FIN)],
        check: () => {
          const setup = made(side, state, version);
          setup.h.session.submitHeaders(CTRL_FLAG_FIN, setup.id, [['x-h', '1']]);
          setup.h.flush();
          expect(stateName(stateNow(setup))).toBe(stateName(after(rule(version, side, state, Input.SENT_FIN))));
        },
      });
    }
  }

  // Our RST_STREAM: CLOSING while queued, closed once written; for no stream, nothing to close.
  for (const { side, state } of settable) {
    const queued = rule(version, side, state, Input.QUEUE_RST_STREAM);
    cases.push({
      label: `${pairName(side, state, Input.QUEUE_RST_STREAM)}, then written`,
      covers: [pairName(side, state, Input.QUEUE_RST_STREAM), pairName(side, queued.to, Input.SENT_RST_STREAM)],
      check: () => {
        const setup = made(side, state, version);
        setup.h.session.submitRstStream(setup.id, INTERNAL_ERROR);
        expect(stateName(stateNow(setup))).toBe(stateName(after(queued)));
        expect(setup.h.flushLabels()).toEqual([...setup.pending, `RST_STREAM(${setup.id},INTERNAL_ERROR)`]);
        expect(stateName(stateNow(setup))).toBe(stateName(after(rule(version, side, queued.to, Input.SENT_RST_STREAM))));
      },
    });
  }
  return cases;
}

/** Drives `d` on a session in `state` and checks the session did what `next` says. */
function checkDrive(version: number, side: Side, state: number, d: Drive, next: Transition): void {
  const sending = d.wire !== undefined;
  const setup = made(side, state, version, sending);
  const { h, id, pending } = setup;
  d.run(setup);
  if (sending) setup.close?.();
  const events = h.log.take();
  if (d.input === Input.RECV_GOAWAY) {
    expect(stateName(stateNow(setup))).toBe(stateName(after(next)));
    return;
  }
  if (d.reported !== undefined) {
    // Receiving: reported and applied, dropped, or answered with RST_STREAM.
    const stateAfter = stateNow(setup);
    const sent = h.flushLabels();
    if (next.verdict === ACCEPT) {
      expect(events).toContain(d.reported(id));
      expect(stateName(stateAfter)).toBe(stateName(after(next)));
      expect(sent).toEqual(pending);
    } else if (next.verdict === IGNORE) {
      expect(events).toEqual([]);
      expect(stateName(stateAfter)).toBe(stateName(state));
      expect(sent).toEqual(pending);
    } else {
      expect(sent).toEqual([...pending, `RST_STREAM(${id},${statusName(next.verdict)})`]);
      expect(stateName(stateAfter)).toBe(stateName(after(rule(version, side, state, Input.QUEUE_RST_STREAM))));
    }
    return;
  }
  // Sending: written (then in the SENT_ input's state), or refused with the row's code.
  const sent = h.flushLabels().filter((l) => !pending.includes(l));
  const notSent = h.log.of('onCtrlNotSendCb').map((e) => e.text);
  if (next.verdict === ACCEPT) {
    expect(sent).toEqual([d.wire!(id)]);
    expect(notSent).toEqual([]);
    if (d.input === Input.SEND_SYN_REPLY) {
      expect(stateName(stateNow(setup))).toBe(stateName(after(rule(version, side, state, Input.SENT_SYN_REPLY))));
    }
  } else {
    expect(sent).toEqual([]);
    expect(notSent).toEqual(d.silent ? [] : [`ctrl-not-send ${d.wire!(id)} ${errorName(next.verdict)}`]);
  }
}

describe.each(EVERY_VERSION)('$name: every pair a settled session can drive', ({ version }) => {
  const cases = plan(version);

  it.each(cases)('$label', ({ check }) => check());

  it('leaves only the pairs no settled session can drive, each for a named reason', () => {
    const driven = new Set(cases.flatMap((c) => c.covers));
    const reasons: [string, (side: Side, state: number, input: number) => boolean][] = [
      ['the peer never has an INITIAL stream', (side, state) => side === 'theirs' && state === StreamState.INITIAL],
      [
        'a SYN_STREAM for an id in use is the session\'s to judge (ids, GOAWAY, limits) before any row',
        (_side, state, input) => state !== NONE && (input === Input.RECV_SYN_STREAM || input === Input.SEND_SYN_STREAM),
      ],
      [
        'the peer opens none of our streams, and we open none of its',
        (side, _state, input) => input === (side === 'ours' ? Input.RECV_SYN_STREAM : Input.SEND_SYN_STREAM),
      ],
      [
        'a state a frame of ours can only be written in when a callback races the write (send() with a partial write)',
        (_side, state, input) =>
          (input === Input.SENT_SYN_STREAM || input === Input.SENT_SYN_REPLY) && state !== StreamState.INITIAL,
      ],
      ['we never reply on a stream of our own', (side, _state, input) => side === 'ours' && input === Input.SENT_SYN_REPLY],
      [
        'our RST_STREAM makes the stream CLOSING as it is queued: it is written in another state only after such a race',
        (_side, state, input) => input === Input.SENT_RST_STREAM && (state & (3 << 2)) !== 3 << 2,
      ],
      [
        'a half closes only after a frame accepted in the same step, so never from a state that frame cannot leave',
        (_side, _state, input) => input === Input.RECV_FIN || input === Input.SENT_FIN,
      ],
      ['submitWindowUpdate throws StreamClosedError for no stream', (_side, state, input) => state === NONE && input === Input.SEND_WINDOW_UPDATE],
      ['GOAWAY acts on streams that exist', (_side, state, input) => state === NONE && input === Input.RECV_GOAWAY],
      ['SPDY/2 ignores WINDOW_UPDATE before any stream rule', (_side, _state, input) => version === PROTO_SPDY2 && input === Input.RECV_WINDOW_UPDATE],
    ];
    const unexplained: string[] = [];
    for (const side of SIDES) {
      for (const state of STATES) {
        for (const input of INPUTS) {
          const pair = pairName(side, state, input);
          if (!driven.has(pair) && !reasons.some(([, applies]) => applies(side, state, input))) unexplained.push(pair);
        }
      }
    }
    expect(unexplained).toEqual([]);
  });
});
