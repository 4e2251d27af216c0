/**
 * The interop peer: spdy-transport 3.0.0 (node-spdy's framing and session
 * layer, an independent SPDY implementation) on one end of an in-memory
 * duplex pair (`stream.duplexPair()`), our Session (recording-endpoint.ts,
 * driven by session-pump.ts) on the other, and a wire tap on each
 * direction. No sockets and no network.
 *
 * Harness-only fixes for the peer, never shipped:
 * - obuf 1.1.2's OffsetBuffer.take() is patched at run time
 *   (installObufPatch, the benchmark's peer patch) before any connection
 *   exists: unpatched on Node 20, a long-lived spdy-transport connection
 *   fails with "Headers OOB" once zlib returns inflated headers in several
 *   chunks.
 * - the `spdy` package's socket glue (handle-thing, broken on Node 20) is
 *   not used: the transport's connection.create() runs straight on the
 *   duplex.
 * - "wide windows" (see WIDE_WINDOW): bulk tests announce the largest
 *   receive windows so three flow-control defects of the peer stay out of
 *   their way; the tests of those defects turn it off.
 */
import { createRequire } from 'node:module';
import { duplexPair } from 'node:stream';
import type { Duplex } from 'node:stream';
import type { EventEmitter } from 'node:events';
import { DATA_FLAG_FIN, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, SERVER, SETTINGS_INITIAL_WINDOW_SIZE } from '../../src/index.js';
import type { Session } from '../../src/index.js';
import { DEFAULT_WINDOW, OurEndpoint, concatChunks } from './recording-endpoint.js';
import type { OurOptions } from './recording-endpoint.js';
import { Deadline, SessionPump, waitFor } from './session-pump.js';
import { WireTap } from './wire-tap.js';

// ---- the peer's API, as far as the tests use it ----

/** spdy-transport's header objects: lower-case names, `:status` as code only. */
export type PeerHeaders = Record<string, string | string[]>;

/** A parsed frame as spdy-transport reports it ('frame' event): its own names (SYN_STREAM is 'HEADERS'). */
export interface PeerFrame {
  type: string;
  id?: number;
  [field: string]: unknown;
}

export interface PeerStream extends Duplex {
  readonly id: number;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly host: string | undefined;
  readonly headers: PeerHeaders;
  respond(status: number, headers: PeerHeaders, callback?: (err?: Error | null) => void): void;
  pushPromise(
    uri: { path: string; method?: string; host?: string; status?: number; headers?: PeerHeaders; response?: PeerHeaders },
    callback?: (err: Error | null, push: PeerStream) => void,
  ): PeerStream;
  abort(code?: string): void;
}

export interface PeerRequest {
  method: string;
  path: string;
  host?: string;
  headers?: PeerHeaders;
}

export interface PeerConnection extends EventEmitter {
  start(version: PeerVersion): void;
  request(uri: PeerRequest, callback?: (err: Error | null, stream?: PeerStream) => void): PeerStream;
  ping(callback?: (err: Error | null) => void): void;
  end(callback?: () => void): void;
  getVersion(): number | null;
  /** spdy-transport's internal state; the tests read its open-stream count only. */
  readonly _spdyState: { stream: { count: number } };
}

interface TransportModule {
  connection: {
    create(socket: Duplex, options: { protocol: 'spdy'; isServer: boolean; [option: string]: unknown }): PeerConnection;
  };
}

/** spdy-transport's version numbers: ALPN's spdy/2, spdy/3 and spdy/3.1. */
export type PeerVersion = 2 | 3 | 3.1;

export const VERSIONS: ReadonlyArray<{ name: string; version: number; peerVersion: PeerVersion }> = [
  { name: 'spdy/2', version: PROTO_SPDY2, peerVersion: 2 },
  { name: 'spdy/3', version: PROTO_SPDY3, peerVersion: 3 },
  { name: 'spdy/3.1', version: PROTO_SPDY3_1, peerVersion: 3.1 },
];

const require = createRequire(import.meta.url);
let transport: TransportModule | null = null;

/**
 * Test harness only: applies the obuf run-time fix (bench/peer/obuf-patch.mjs)
 * and loads spdy-transport. Call before the first connection. The patch
 * module is plain JavaScript without types, hence the computed specifier.
 */
export async function installObufPatch(): Promise<string> {
  const specifier = new URL('../../bench/peer/obuf-patch.mjs', import.meta.url).href;
  const { patchObuf } = (await import(specifier)) as { patchObuf(): string };
  const note = patchObuf();
  transport = require('spdy-transport') as TransportModule;
  return note;
}

// ---- the peer side ----

/** spdy-transport's connection with what it did recorded. */
export class PeerEndpoint {
  /** Frames it parsed from our bytes ('frame' event), in order. */
  readonly frames: PeerFrame[] = [];
  /** Connection-level errors ('error' event). */
  readonly errors: Error[] = [];
  /** Stream-level errors (RST_STREAM it received, aborts). */
  readonly streamErrors: Array<{ id: number; error: Error }> = [];
  /** Streams seen: requests it sent or received, pushes it made. */
  readonly streams = new Map<number, { stream: PeerStream; closed: boolean }>();
  /** Pings it sent that were answered. */
  pingsAnswered = 0;
  closed = false;

  constructor(readonly connection: PeerConnection) {
    connection.on('frame', (frame: PeerFrame) => this.frames.push(frame));
    connection.on('error', (err: Error) => this.errors.push(err));
    connection.on('close', () => {
      this.closed = true;
    });
    connection.on('stream', (stream: PeerStream) => this.track(stream));
  }

  /** Watches a stream's close and errors (a stream 'error' without a listener would throw). */
  track(stream: PeerStream): PeerStream {
    const entry = { stream, closed: false };
    this.streams.set(stream.id, entry);
    stream.on('close', () => {
      entry.closed = true;
    });
    stream.on('error', (error: Error) => this.streamErrors.push({ id: stream.id, error }));
    return stream;
  }

  request(uri: PeerRequest): PeerStream {
    return this.track(this.connection.request(uri));
  }

  ping(): void {
    this.connection.ping((err) => {
      if (err === null || err === undefined) this.pingsAnswered++;
    });
  }

  /** Streams still in the connection's map (it removes them on 'close'). */
  get openStreamCount(): number {
    return this.connection._spdyState.stream.count;
  }

  framesOfType(type: string): PeerFrame[] {
    return this.frames.filter((f) => f.type === type);
  }
}

/** What the peer saw of one stream: its response (for its requests), body and end. */
export interface PeerReceived {
  status: number | null;
  headers: PeerHeaders | null;
  readonly chunks: Buffer[];
  ended: boolean;
  body(): Uint8Array;
}

/** Collects a peer stream's 'response' (status code and headers), body and end. */
export function collect(stream: PeerStream): PeerReceived {
  const chunks: Buffer[] = [];
  const result: PeerReceived = { status: null, headers: null, chunks, ended: false, body: () => concatChunks(chunks) };
  stream.on('response', (status: number, headers: PeerHeaders) => {
    result.status = status;
    result.headers = headers;
  });
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => {
    result.ended = true;
  });
  return result;
}

/** A Uint8Array as a Buffer over the same bytes (the peer's streams take Buffers). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---- the pair ----

/** The largest window SPDY allows (2^31-1), which the peer also accepts. */
export const WIDE_WINDOW = 0x7fffffff;

/*
 * Harness workaround "wide windows" (PairOptions.wideWindows, on by
 * default): right after connecting, our side announces SETTINGS
 * INITIAL_WINDOW_SIZE = 2^31-1 and, in spdy/3.1, opens its session receive
 * window to 2^31-1 with one WINDOW_UPDATE (the peer opens its own to 1 MiB
 * the same way). The peer's own 1 MiB windows, which we honour when
 * sending, are untouched. It avoids three peer defects that would otherwise
 * break bulk tests at random; each has its own test, run with narrow
 * windows:
 * - spdy/2 has no flow control, yet the peer keeps a 64 KiB send window per
 *   stream and waits for WINDOW_UPDATE, which a SPDY/2 endpoint (spdylay,
 *   us) never sends: its bodies stall at 64 KiB.
 * - the peer forgets a stream as soon as its DATA+FIN is queued, not sent;
 *   a WINDOW_UPDATE of ours arriving in between gets RST_STREAM
 *   INVALID_STREAM, which overtakes the queued FIN (its control frames jump
 *   the DATA queue), so a stream whose body arrived whole is reset. With
 *   windows this wide we never send a stream WINDOW_UPDATE.
 * - in spdy/3.1 that FIN also waits for session window, so the above
 *   happens whenever its session window runs out at a body's end.
 */

export interface PairOptions {
  version: number;
  /** Our side: CLIENT or SERVER; the peer takes the other. */
  ourSide: number;
  ours?: OurOptions;
  /** Extra options for connection.create(). */
  peer?: Record<string, unknown>;
  /** The "wide windows" harness workaround (see WIDE_WINDOW); default true. */
  wideWindows?: boolean;
  timeoutMs?: number;
}

export interface Pair {
  readonly ours: OurEndpoint;
  readonly peer: PeerEndpoint;
  readonly deadline: Deadline;
  /** What the peer wrote, frame by frame. */
  readonly fromPeer: WireTap;
  /** What we wrote, frame by frame. */
  readonly fromUs: WireTap;
  /** Runs `submit` on our session and schedules a pump pass. */
  submit(submit: (session: Session) => void): void;
  /** Waits for a condition, failing at the deadline or on a pump error. */
  until(condition: () => boolean, what: string): Promise<void>;
  close(): void;
}

const pairs = new Set<Pair>();

/** Connects our Session and a spdy-transport connection over an in-memory duplex pair. */
export function connect(options: PairOptions): Pair {
  if (transport === null) throw new Error('call installObufPatch() before connect()');
  const entry = VERSIONS.find((v) => v.version === options.version);
  if (entry === undefined) throw new Error(`unknown version ${options.version}`);
  const deadline = new Deadline(options.timeoutMs ?? 10_000);
  const [ourSocket, peerSocket] = duplexPair();
  const fromPeer = new WireTap();
  const fromUs = new WireTap();
  ourSocket.on('data', (chunk: Buffer) => fromPeer.push(chunk));
  peerSocket.on('data', (chunk: Buffer) => fromUs.push(chunk));

  const ourIsServer = options.ourSide === SERVER;
  const ours = new OurEndpoint(options.ourSide, options.version, options.ours);
  const connection = transport.connection.create(peerSocket, {
    protocol: 'spdy',
    isServer: !ourIsServer,
    ...options.peer,
  });
  const peer = new PeerEndpoint(connection);
  // The version is fixed by configuration, as after ALPN (no guessing from the first frame).
  connection.start(entry.peerVersion);

  ours.pump = new SessionPump(ours.session, ourSocket, deadline);
  if (options.wideWindows ?? true) {
    ours.session.submitSettings(0, [[SETTINGS_INITIAL_WINDOW_SIZE, 0, WIDE_WINDOW]]);
    if (options.version === PROTO_SPDY3_1) ours.session.submitWindowUpdate(0, WIDE_WINDOW - DEFAULT_WINDOW);
  }

  const pair: Pair = {
    ours,
    peer,
    deadline,
    fromPeer,
    fromUs,
    submit(submit) {
      submit(ours.session);
      ours.pump.kick();
    },
    async until(condition, what) {
      await waitFor(() => ours.pump.error !== null || condition(), what, deadline);
      if (ours.pump.error !== null) throw ours.pump.error;
    },
    close() {
      ours.pump.stop();
      ourSocket.destroy();
      peerSocket.destroy();
      pairs.delete(pair);
    },
  };
  pairs.add(pair);
  ours.pump.kick();
  return pair;
}

/** Destroys every pair still open (afterEach), so vitest exits even after a failure. */
export function closeAllPairs(): void {
  for (const pair of [...pairs]) pair.close();
}

/** A peer-style body check helper: is this DATA frame list the peer's "data, then a separate empty FIN"? */
export function endsWithEmptyFin(frames: ReadonlyArray<{ flags: number; length: number }>): boolean {
  const last = frames[frames.length - 1];
  return last !== undefined && (last.flags & DATA_FLAG_FIN) !== 0 && last.length === 0;
}
