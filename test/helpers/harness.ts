/**
 * One Session facing a peer the test drives by hand: the test builds the
 * peer's frames with a FrameFactory, feeds them to memRecv, and reads what
 * the session wrote with a FrameReader. Every callback is recorded in an
 * EventLog. No sockets, no timers: each step is explicit.
 */
import { CLIENT, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, SERVER } from '../../src/core/constants.js';
import type { SessionConfig } from '../../src/core/session/machine.js';
import type { SessionMachine } from '../../src/core/session/machine.js';
import type { Stream } from '../../src/core/session/stream.js';
import { Session } from '../../src/index.js';
import type { SessionCallbacks } from '../../src/index.js';
import { concat } from './bytes.js';
import { EventLog } from './event-log.js';
import { FrameFactory } from './frame-factory.js';
import { FrameReader, wireLabel } from './frame-reader.js';
import type { SinkEvent } from './recording-sink.js';

export interface HarnessOptions {
  config?: SessionConfig;
  userData?: unknown;
  /** Called after the log records each callback (and sendCb / recvCb as given). */
  callbacks?: SessionCallbacks;
}

/** Every version, for `describe.each` (spdy-transport's everyProtocol). */
export const EVERY_VERSION = [
  { name: 'SPDY/2', version: PROTO_SPDY2 },
  { name: 'SPDY/3', version: PROTO_SPDY3 },
  { name: 'SPDY/3.1', version: PROTO_SPDY3_1 },
] as const;

export class Harness {
  readonly session: Session;
  readonly log = new EventLog();
  /** Builds the peer's frames (its side, its deflate stream). */
  readonly peer: FrameFactory;
  /** Decodes what the session wrote (the peer's inflate stream). */
  readonly reader: FrameReader;

  constructor(
    readonly side: number,
    readonly version: number,
    options: HarnessOptions = {},
  ) {
    this.session = new Session(side, version, {
      ...this.log.callbacks(options.callbacks),
      config: options.config,
      userData: options.userData,
    });
    const peerSide = side === CLIENT ? SERVER : CLIENT;
    this.peer = new FrameFactory(version, peerSide);
    this.reader = new FrameReader(version, side);
  }

  /** Feeds the peer's frames to the session in one memRecv call. */
  recv(...frames: Uint8Array[]): void {
    this.session.memRecv(frames.length === 1 ? frames[0]! : concat(...frames));
  }

  /** Runs memSend until it has nothing more and decodes all of it. */
  flush(): SinkEvent[] {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      const out = this.session.memSend();
      if (out === null) return this.reader.read(concat(...parts));
      parts.push(out);
    }
    throw new Error('memSend never ran dry');
  }

  /** flush(), as frame labels. */
  flushLabels(): string[] {
    return this.flush().map(wireLabel);
  }

  /** A stream's record, for its state in the stream table, which no public method tells (spdylay's tests read the struct too). */
  stream(streamId: number): Stream | undefined {
    return machineOf(this.session)['state'].streams.get(streamId);
  }
}

/** The SessionMachine under a Session. */
export function machineOf(session: Session): SessionMachine {
  return (session as unknown as { machine: SessionMachine }).machine;
}

/**
 * Test setup only: moves the id the session gives its next stream or PING,
 * as spdylay's tests set the struct, to reach the end of the 31-bit id
 * space without opening 2^30 streams first.
 */
export function skipIdsTo(session: Session, next: { streamId?: number; pingId?: number }): void {
  const ids = machineOf(session)['state'].ids;
  if (next.streamId !== undefined) ids['nextStream'] = next.streamId;
  if (next.pingId !== undefined) ids['nextPing'] = next.pingId;
}

export const client = (version: number, options?: HarnessOptions) => new Harness(CLIENT, version, options);
export const server = (version: number, options?: HarnessOptions) => new Harness(SERVER, version, options);

/** A request of ours, sent: stream `id` is OPENING (client ids 1, 3, 5, ...). */
export function sendRequest(h: Harness, nv: [string, string][] = [[':path', '/']], flags = 1 /* FIN */): void {
  h.session.submitSynStream(flags, 0, nv);
  h.flush();
}
