/**
 * Sessions with stream 1 in each of spdylay's states, ours (a client's
 * stream) and the peer's (a server's stream), reached through the public
 * API and the wire, except INITIAL, which exists only while our SYN_STREAM
 * is being prepared and is set by hand, as spdylay's tests set states.
 *
 * A state is written STATE[,RD][,WR]: spdylay's stream state and its
 * shut-read / shut-write bits; 'none' when there is no stream.
 */
import { CANCEL, CTRL_FLAG_FIN } from '../../src/core/constants.js';
import { CLOSED, Input, NONE, StreamState } from '../../src/core/session/stream-table.js';
import { client, server } from './harness.js';
import type { Harness } from './harness.js';

export interface StreamStateSetup {
  name: string;
  ours: boolean;
  /** A session with stream 1 in the state, nothing queued, logs taken. */
  make: (version: number) => Harness;
  /** describeStream() of the result. */
  before: string;
  /** Frames the setup leaves queued. */
  pending: string[];
}

/** A stream table state's name, e.g. 'OPENED_RD', or 'NONE' / 'CLOSED'. */
export function stateName(state: number): string {
  if (state === NONE) return 'NONE';
  if (state === CLOSED) return 'CLOSED';
  for (const [name, value] of Object.entries(StreamState)) if (value === state) return name;
  return `unnamed(${state})`;
}

/** The stream table's input names, by input. */
export const INPUT_NAMES: readonly string[] = Object.entries(Input)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name);

export function describeStream(h: Harness, streamId = 1): string {
  const stream = h.stream(streamId);
  if (stream === undefined) return 'none';
  return stateName(stream.state).replace('_', ',');
}

/** Runs `make`, sends what it queued, and forgets what it logged. */
function settled(make: () => Harness): Harness {
  const h = make();
  h.flush();
  h.log.take();
  return h;
}

/** A client that has sent SYN_STREAM 1 (with FIN: our half done) and maybe got SYN_REPLY (with FIN: theirs done). */
function ours(version: number, finSent: boolean, reply: 'none' | 'reply' | 'reply+fin'): Harness {
  const h = client(version);
  h.session.submitSynStream(finSent ? CTRL_FLAG_FIN : 0, 0, [[':path', '/']]);
  h.flush();
  if (reply !== 'none') h.recv(h.peer.synReply({ streamId: 1, flags: reply === 'reply+fin' ? CTRL_FLAG_FIN : 0 }));
  return h;
}

/** A server that got SYN_STREAM 1 (with FIN: their half done) and maybe sent SYN_REPLY (with FIN: ours done). */
function theirs(version: number, finReceived: boolean, reply: 'none' | 'reply' | 'reply+fin'): Harness {
  const h = server(version);
  h.recv(h.peer.synStream({ streamId: 1, flags: finReceived ? CTRL_FLAG_FIN : 0, nv: [[':path', '/']] }));
  if (reply !== 'none') h.session.submitSynReply(reply === 'reply+fin' ? CTRL_FLAG_FIN : 0, 1, [[':status', '200']]);
  return h;
}

const state = (name: string, isOurs: boolean, before: string, make: (v: number) => Harness): StreamStateSetup => ({
  name,
  ours: isOurs,
  make: (v) => settled(() => make(v)),
  before,
  pending: [],
});

export const OUR_STATES: StreamStateSetup[] = [
  state('ours: no stream', true, 'none', (v) => client(v)),
  {
    ...state('ours: INITIAL', true, 'INITIAL', (v) => ours(v, false, 'none')),
    make: (v) => {
      const h = settled(() => ours(v, false, 'none'));
      h.stream(1)!.state = StreamState.INITIAL;
      return h;
    },
  },
  state('ours: OPENING', true, 'OPENING', (v) => ours(v, false, 'none')),
  state('ours: OPENING, shut WR', true, 'OPENING,WR', (v) => ours(v, true, 'none')),
  state('ours: OPENED', true, 'OPENED', (v) => ours(v, false, 'reply')),
  state('ours: OPENED, shut WR', true, 'OPENED,WR', (v) => ours(v, true, 'reply')),
  state('ours: OPENED, shut RD', true, 'OPENED,RD', (v) => ours(v, false, 'reply+fin')),
];

export const THEIR_STATES: StreamStateSetup[] = [
  state('theirs: no stream', false, 'none', (v) => server(v)),
  state('theirs: OPENING', false, 'OPENING', (v) => theirs(v, false, 'none')),
  state('theirs: OPENING, shut RD', false, 'OPENING,RD', (v) => theirs(v, true, 'none')),
  state('theirs: OPENED', false, 'OPENED', (v) => theirs(v, false, 'reply')),
  state('theirs: OPENED, shut WR', false, 'OPENED,WR', (v) => theirs(v, false, 'reply+fin')),
  state('theirs: OPENED, shut RD', false, 'OPENED,RD', (v) => theirs(v, true, 'reply')),
];

/** `base` with our RST_STREAM(1, CANCEL) queued and not yet sent: spdylay's CLOSING. */
export function closingFrom(base: StreamStateSetup): StreamStateSetup {
  const [, ...shut] = base.before.split(',');
  return {
    name: `${base.name.split(':')[0]}: CLOSING (from ${base.before})`,
    ours: base.ours,
    make: (v) => {
      const h = base.make(v);
      h.session.submitRstStream(1, CANCEL);
      return h;
    },
    before: ['CLOSING', ...shut].join(','),
    pending: ['RST_STREAM(1,CANCEL)'],
  };
}

export const setupByName = (name: string): StreamStateSetup => {
  const found = [...OUR_STATES, ...THEIR_STATES].find((s) => s.name === name);
  if (found === undefined) throw new Error(`no state ${name}`);
  return found;
};
