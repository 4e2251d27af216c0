/**
 * The server side of a connection: each SYN_STREAM from the client becomes
 * a ServerStream ('stream' event), answered with respond(); pushStream()
 * opens a pushed stream (SPDY/3 and 3.1 server push the way spdylay and
 * Netty send it: SYN_STREAM with Associated-To-Stream-ID and
 * UNIDIRECTIONAL, request and response headers together).
 */
import type { Duplex } from 'node:stream';
import {
  CANCEL,
  CTRL_FLAG_FIN,
  CTRL_FLAG_UNIDIRECTIONAL,
  DATA_FLAG_FIN,
  PROTO_SPDY2,
  SERVER,
  SETTINGS_MAX_CONCURRENT_STREAMS,
} from '../core/index.js';
import type { NameValue, SettingsEntry } from '../core/index.js';
import type { SpdyProtocol } from './alpn.js';
import { SpdyError } from './errors.js';
import { fromNv, toNv } from './headers.js';
import type { IncomingHeaders, OutgoingHeaders } from './headers.js';
import { BodyDeadline } from './body-deadline.js';
import type { Hold } from './body-deadline.js';
import { SpdySession } from './session.js';
import type { SessionOptions, SynStreamRecord } from './session.js';
import type { StreamingBodyCoder } from '../workers/content-coding.js';
import { bodyCoderFor, chooseCoding, codedResponseNv, resolveCompression } from './content-coding.js';
import type { CompressionOptions, ResolvedCompression } from './content-coding.js';
import { statusLine } from './static/http-status.js';
import { SpdyStream } from './stream.js';
import type { StreamOwner } from './stream.js';

export interface ServerSessionOptions extends SessionOptions {
  /** SETTINGS MAX_CONCURRENT_STREAMS sent at start (default 100, as spdylay's spdyd). */
  maxConcurrentStreams?: number;
  /**
   * Compress responses for clients that accept gzip or deflate (default
   * false): respond() then sets content-encoding and vary, drops
   * content-length, and codes what is written, as a stream. Not for
   * already compressed types, bodies declared shorter than `minLength`,
   * HEAD, or statuses without a body. Coded with Node's zlib unless
   * `engine` says otherwise (docs/node.md, "Content coding").
   */
  compression?: boolean | CompressionOptions;
  /**
   * A request whose body has not ended is reset (RST_STREAM CANCEL, the
   * stream fails with ERR_SPDY_TIMEOUT) after this many ms without DATA
   * from the client (0, the default here: never; createServer's default is
   * 60 s). Time the client spends held back by us (our reader behind, our
   * reading paused) is not counted.
   */
  streamIdleTimeout?: number;
  /**
   * With streamIdleTimeout: past its first period, a request body must
   * average at least this many bytes per second, or it is reset as above
   * (default 500, Apache's mod_reqtimeout MinRate; 0: no rate rule). Stops
   * a body trickled a byte at a time.
   */
  minBodyRate?: number;
}

/** ServerSessionOptions' minBodyRate default. */
export const DEFAULT_MIN_BODY_RATE = 500;

export interface RespondOptions {
  /** The response has no body: SYN_REPLY carries FIN. */
  endStream?: boolean;
  /**
   * false: the SYN_REPLY carries exactly `headers` (none at all when
   * empty), without `:status` and `:version`, for protocols over SPDY that
   * are not HTTP (Kubernetes' channels). Default true.
   */
  http?: boolean;
}

/** A stream the client opened (a request), or one we push. */
export class ServerStream extends SpdyStream {
  /** The request headers as received, a name/value list (SPDY/3 names). */
  rawHeaders: Array<[string, string]> = [];
  /** True once respond() (or the push's SYN_STREAM) is submitted. */
  headersSent = false;
  /** The stream this one was pushed for; 0 for a request. */
  assocStreamId = 0;
  /** Codes the response body when respond() chose a content coding. */
  private encoder: StreamingBodyCoder | null = null;

  constructor(
    /** The session (connection) the stream belongs to. */
    readonly session: ServerSession,
    owner: StreamOwner,
  ) {
    super(owner);
  }

  /**
   * Sends the response headers (SYN_REPLY). `:status` may be a number
   * (the reason phrase is added) and defaults to 200; `:version` defaults
   * to HTTP/1.1. Unless `endStream`, what is written to the stream follows
   * as DATA and end() finishes it.
   */
  respond(headers: OutgoingHeaders = {}, options: RespondOptions = {}): void {
    const http = options.http !== false;
    this.respondWith(http ? responseNv(headers) : toNv(headers), options.endStream === true, http);
  }

  /**
   * @internal respond() with the SYN_REPLY list already built: lower-case
   * names, `:status` and `:version` in place, no connection headers (the
   * compatibility layer's response builds it once).
   */
  respondWith(nv: NameValue[], endStream: boolean, http = true): void {
    if (this.headersSent) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `stream ${this.id}: the response was already sent`);
    if (this.assocStreamId !== 0) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'a pushed stream carries its response headers in pushStream()');
    this.headersSent = true;
    if (http && !endStream) nv = this.compressing(nv);
    if (endStream) this.endWithHeaders();
    this.session.submitResponse(this, nv, endStream);
  }

  /** `nv` as sent when the body is to be compressed (and the coder for it made), else `nv` itself. */
  private compressing(nv: NameValue[]): NameValue[] {
    const compression = this.session.compression;
    if (compression === null) return nv;
    const choice = chooseCoding(this.rawHeaders, nv, compression);
    if (choice === null) return nv;
    this.encoder = bodyCoderFor(choice.coding, 'encode', compression, choice.declaredLength);
    this.once('close', () => this.encoder?.abort());
    return codedResponseNv(nv, choice.coding);
  }

  /** True when respond() chose to compress the body. */
  get compressed(): boolean {
    return this.encoder !== null;
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const encoder = this.encoder;
    if (encoder === null) {
      super._write(chunk, encoding, done);
      return;
    }
    this.coded(encoder.push(chunk, false), (out) => (out.length > 0 ? this.writeChunk(out, done) : done()), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    const encoder = this.encoder;
    if (encoder === null) {
      super._final(done);
      return;
    }
    const finish = () => super._final(done);
    this.coded(
      encoder.push(new Uint8Array(0), true),
      (out) => (out.length > 0 ? this.writeChunk(out, (error) => (error ? done(error) : finish())) : finish()),
      done,
    );
  }

  /** Runs `next` with the coder's output, now or when the pool answers; `fail` on an error. */
  private coded(result: Uint8Array | Promise<Uint8Array>, next: (out: Uint8Array) => void, fail: (error: Error) => void): void {
    if (result instanceof Uint8Array) next(result);
    else result.then(next, fail);
  }

  /**
   * Pushes a resource associated with this request (SPDY/3 and 3.1; SPDY/2
   * push is refused, as spdylay's server never pushes in SPDY/2). `headers`
   * need `:path`; `:host` and `:scheme` default to this request's,
   * `:method` to GET, `:status` to 200. Returns the pushed stream: write
   * its body and end() it.
   */
  pushStream(headers: OutgoingHeaders, options: { endStream?: boolean; priority?: number } = {}): ServerStream {
    return this.session.push(this, headers, options);
  }
}

export class ServerSession extends SpdySession {
  /** @internal Response compression, null when off. */
  readonly compression: ResolvedCompression | null;

  constructor(private readonly serverOptions: ServerSessionOptions = {}) {
    super(serverOptions, SERVER);
    this.compression = resolveCompression(serverOptions.compression);
  }

  /** Speaks SPDY `version` on `socket`; `head` holds bytes already read (an upgrade's head). */
  start(socket: Duplex, version: number, protocol: SpdyProtocol, head?: Uint8Array): void {
    this.attach(socket, version, protocol, head);
  }

  protected override initialSettings(): SettingsEntry[] {
    return [[SETTINGS_MAX_CONCURRENT_STREAMS, 0, this.serverOptions.maxConcurrentStreams ?? 100], ...super.initialSettings()];
  }

  protected onSynStream(frame: SynStreamRecord): void {
    const stream = new ServerStream(this, this);
    stream.id = frame.streamId;
    stream.rawHeaders = frame.nv;
    stream.headers = fromNv(frame.nv);
    this.registerStream(stream);
    if (frame.flags & CTRL_FLAG_FIN) stream.receiveEnd();
    else this.timeBody(stream);
    if (this.listenerCount('stream') === 0) {
      // Nobody serves requests on this session: refuse rather than leave it hanging.
      stream.close(3 /* REFUSED_STREAM */);
      return;
    }
    this.emit('stream', stream, stream.headers, frame.flags);
  }

  /** Starts the clock on a request body (streamIdleTimeout, minBodyRate). */
  private timeBody(stream: ServerStream): void {
    const idleTimeout = this.serverOptions.streamIdleTimeout ?? 0;
    if (idleTimeout <= 0) return;
    const minRate = this.serverOptions.minBodyRate ?? DEFAULT_MIN_BODY_RATE;
    const held: Hold[] = this.readingPaused ? ['connection'] : [];
    stream.deadline = new BodyDeadline(
      { idleTimeout, minRate },
      (reason) => stream.close(CANCEL, new SpdyError('ERR_SPDY_TIMEOUT', `stream ${stream.id}: ${reason}`)),
      held,
    );
  }

  /** @internal */
  submitResponse(stream: ServerStream, nv: NameValue[], endStream: boolean): void {
    if (this.machine === null || stream.isClosed) return;
    this.machine.submitResponse(stream.id, nv, endStream ? null : stream.source);
    this.flush();
  }

  /** @internal */
  push(parent: ServerStream, headers: OutgoingHeaders, options: { endStream?: boolean; priority?: number }): ServerStream {
    if (this.version === PROTO_SPDY2) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'server push needs SPDY/3 or later');
    if (this.closing || this.machine === null) throw new SpdyError('ERR_SPDY_SESSION_CLOSED', 'the session is closing');
    if (parent.isClosed) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `stream ${parent.id} is closed: nothing to push for`);
    const request = parent.headers ?? {};
    const given = toNv(headers);
    const has = (name: string) => given.some(([n]) => n === name);
    if (!has(':path')) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'a pushed stream needs :path');
    const nv: Array<[string, string]> = [];
    // Draft 3 §3.3.1 asks only for :scheme, :host and :path, but node-spdy's
    // client drops the whole connection on a SYN_STREAM without :method.
    if (!has(':method')) nv.push([':method', 'GET']);
    if (!has(':host')) nv.push([':host', first(request[':host']) ?? '']);
    if (!has(':scheme')) nv.push([':scheme', first(request[':scheme']) ?? 'https']);
    if (!has(':status')) nv.push([':status', statusValue(200)]);
    if (!has(':version')) nv.push([':version', 'HTTP/1.1']);
    for (const [name, value] of given) nv.push(name === ':status' ? [name, statusValue(Number(value) || value)] : [name, value]);
    const pushed = new ServerStream(this, this);
    pushed.assocStreamId = parent.id;
    pushed.headersSent = true;
    pushed.headers = fromNv(nv);
    if (options.endStream) pushed.endWithHeaders();
    const flags = CTRL_FLAG_UNIDIRECTIONAL | (options.endStream ? CTRL_FLAG_FIN : 0);
    this.machine.submitSynStream(flags, options.priority ?? 3, nv, parent.id, pushed.slot);
    this.flush();
    return pushed;
  }

  /** A pushed stream's SYN_STREAM is out: its body follows. */
  protected override onSynStreamSent(stream: SpdyStream): void {
    if (stream instanceof ServerStream && !stream.writableFinished && this.machine!.isStreamOpen(stream.id)) {
      this.machine!.submitData(stream.id, DATA_FLAG_FIN, stream.source);
      this.flush();
    }
  }
}

/** The SYN_REPLY list for `headers`: `:status` as "code reason", `:version` by default. */
export function responseNv(headers: OutgoingHeaders): NameValue[] {
  const given = toNv(headers);
  const nv: NameValue[] = [];
  let status = false;
  let version = false;
  for (const [name, value] of given) {
    if (name === ':status') {
      status = true;
      nv.push([name, statusValue(/^\d{3}$/.test(value) ? Number(value) : value)]);
    } else {
      if (name === ':version') version = true;
      nv.push([name, value]);
    }
  }
  if (!status) nv.unshift([':status', statusValue(200)]);
  if (!version) nv.push([':version', 'HTTP/1.1']);
  return nv;
}

/** "200 OK" for 200; a string is taken as it is. */
export function statusValue(status: number | string): string {
  if (typeof status === 'string') return status;
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `invalid status code ${String(status)}`);
  }
  return statusLine(status);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export type { IncomingHeaders };
