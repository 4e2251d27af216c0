/**
 * The client: `connect(url, options)` gives a ClientSession, as Node's
 * `http2.connect` does; `session.request(headers, options)` opens a stream.
 *
 * `https:` URLs speak TLS and negotiate the version by ALPN (we offer
 * spdy/3.1, spdy/3, spdy/2 unless told otherwise); `http:` URLs speak SPDY
 * directly over TCP with a fixed version (`protocol`, default spdy/3.1),
 * for TLS terminators and for sockets handed over by an HTTP upgrade
 * (`socket`).
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { CANCEL, CLIENT, CTRL_FLAG_FIN, ERR_STREAM_ID_NOT_AVAILABLE, INTERNAL_ERROR, PROTO_SPDY2, SpdylayError } from '../core/index.js';
import { BodyCodingError } from '../workers/body-codec.js';
import type { StreamingBodyCoder } from '../workers/content-coding.js';
import { bodyCoderFor, declaredLength, resolveDecompression, responseCoding } from './content-coding.js';
import type { DecompressionOptions, ResolvedCoding } from './content-coding.js';
import { checkedProtocols, versionOfNegotiated, versionOfProtocol } from './alpn.js';
import type { SpdyProtocol } from './alpn.js';
import { SpdyError } from './errors.js';
import { fromNv, parseStatus, toNv, valueOf } from './headers.js';
import type { IncomingHeaders, OutgoingHeaders } from './headers.js';
import { SpdySession } from './session.js';
import type { SessionOptions, SynStreamRecord } from './session.js';
import { SpdyStream } from './stream.js';
import type { StreamOwner } from './stream.js';
import { pipeBody } from './body.js';
import type { RequestBody } from './body.js';

export interface ConnectOptions extends SessionOptions {
  /** TLS: the protocols offered, best first (default all three). Plain TCP: the first is spoken. */
  protocols?: SpdyProtocol[];
  /** Plain TCP: the version spoken (default spdy/3.1). Same as `protocols: [protocol]`. */
  protocol?: SpdyProtocol;
  /** TLS options (ca, cert, key, rejectUnauthorized, servername, ...) for `https:` URLs. */
  tls?: tls.ConnectionOptions;
  /** Give up connecting (TCP and TLS handshake) after this many ms (default 0: no limit). */
  connectTimeout?: number;
  /** An already connected socket to speak SPDY on (e.g. after an HTTP upgrade); `head` holds bytes already read. */
  socket?: Duplex;
  head?: Uint8Array;
  /** The default of every request's `decompress` (default false, as Node's http2). */
  decompress?: boolean | DecompressionOptions;
}

export interface RequestOptions {
  /** The body: bytes, a string, a Readable or an async iterable of chunks. Written, then the stream ends. */
  body?: RequestBody;
  /**
   * Whether the request ends with its headers (SYN_STREAM with FIN).
   * Default: true for GET, HEAD and DELETE without a body, as Node's
   * http2 does; otherwise write the body to the stream and end() it.
   */
  endStream?: boolean;
  /** SPDY priority: 0 is highest, 7 lowest (3 in SPDY/2, which has 0-3). Default 3. */
  priority?: number;
  /** Aborting it resets the stream with CANCEL and fails it with ERR_SPDY_ABORTED. */
  signal?: AbortSignal;
  /** Fail with ERR_SPDY_TIMEOUT when the response headers take longer than this many ms. */
  timeout?: number;
  /**
   * false: the SYN_STREAM carries exactly `headers`, without the HTTP
   * fields (`:method`, `:path`, `:version`, `:scheme`, `:host`) added by
   * default, for protocols over SPDY that are not HTTP (Kubernetes'
   * channels). Such a stream ends with its headers only if `endStream`
   * says so. Default true.
   */
  http?: boolean;
  /**
   * Decode a `content-encoding: gzip` or `deflate` response body: the
   * stream yields the decoded bytes (the headers stay as received), and
   * the request says `accept-encoding: gzip, deflate` unless it names its
   * own. A corrupt or truncated body fails the stream with ERR_SPDY_GZIP
   * and resets it with INTERNAL_ERROR; the session goes on. An options
   * object picks the engine (node:zlib by default, or the zlib pool).
   * Default: the session's `decompress`.
   */
  decompress?: boolean | DecompressionOptions;
}

const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE']);
const NO_OPTIONS: RequestOptions = Object.freeze({});

/** A request: write the body to it, read the response from it. */
export class ClientStream extends SpdyStream {
  /** The response status code, once the response headers arrived. */
  statusCode: number | undefined = undefined;
  /** The reason phrase of `:status` ("OK" in "200 OK"). */
  statusMessage = '';
  /** The response headers as received, a name/value list (SPDY/3 names). */
  rawHeaders: Array<[string, string]> = [];
  private replyTimer: ReturnType<typeof setTimeout> | null = null;
  /** Decodes the response body when it is coded and decoding was asked for. */
  private decoder: StreamingBodyCoder | null = null;
  /** A pooled decoder's chunks, decoded in order (null until the first). */
  private decoding: Promise<void> | null = null;
  private decoderFinished = false;

  constructor(
    owner: StreamOwner,
    readonly requestHeaders: Array<[string, string]>,
    /** @internal How to decode a coded response; null: delivered as received. */
    private readonly decompression: ResolvedCoding | null = null,
  ) {
    super(owner);
  }

  /** @internal The SYN_REPLY arrived. */
  receiveResponse(nv: Array<[string, string]>): void {
    this.clearReplyTimer();
    const coding = this.decompression === null ? null : responseCoding(nv);
    if (coding !== null) {
      this.decoder = bodyCoderFor(coding, 'decode', this.decompression!, declaredLength(nv));
      this.once('close', () => this.decoder?.abort());
    }
    this.rawHeaders = nv;
    const headers = fromNv(nv);
    const status = parseStatus(firstOf(headers[':status']));
    if (status !== null) {
      this.statusCode = status.code;
      this.statusMessage = status.message;
    }
    this.headers = headers;
    this.emit('response', headers);
  }

  /** @internal DATA arrived: decoded first when the body is coded. */
  override receiveData(data: Uint8Array): void {
    const decoder = this.decoder;
    if (decoder === null || this.decoderFinished) {
      super.receiveData(data);
      return;
    }
    this.decode(decoder, data, false);
  }

  /** @internal The peer's FIN: a coded body must have ended with its compressed stream. */
  override receiveEnd(): void {
    const decoder = this.decoder;
    if (decoder === null || this.decoderFinished) {
      if (decoder === null) super.receiveEnd();
      return;
    }
    this.decode(decoder, new Uint8Array(0), true);
  }

  private decode(decoder: StreamingBodyCoder, data: Uint8Array, final: boolean): void {
    if (final) this.decoderFinished = true;
    const received = data.length;
    const deliver = (out: Uint8Array) => {
      if (this.destroyed) return;
      this.deliver(out, received);
      if (final) super.receiveEnd();
    };
    if (!decoder.offThread) {
      let out: Uint8Array;
      try {
        out = decoder.push(data, final) as Uint8Array;
      } catch (error) {
        this.decodingFailed(error, received);
        return;
      }
      deliver(out);
      return;
    }
    // In the pool: chunks are decoded in order, and their bytes stay
    // unacknowledged until delivered, so the peer's window holds it back.
    this.decoding = (this.decoding ?? Promise.resolve()).then(
      () => (this.destroyed ? undefined : Promise.resolve(decoder.push(data, final)).then(deliver, (error: unknown) => this.decodingFailed(error, received))),
    );
  }

  private decodingFailed(error: unknown, received: number): void {
    this.decoderFinished = true;
    this.owner.consume(this, received);
    if (this.destroyed) return;
    const failure =
      error instanceof BodyCodingError
        ? new SpdyError('ERR_SPDY_GZIP', `stream ${this.id}: ${error.message}`, { cause: error })
        : new SpdyError('ERR_SPDY_GZIP', `stream ${this.id}: the body could not be decoded: ${(error as Error).message}`, { cause: error });
    // As spdycat: the stream is reset with INTERNAL_ERROR (if still open), the session goes on.
    if (this.isClosed) this.destroy(failure);
    else this.close(INTERNAL_ERROR, failure);
  }

  /** @internal Starts the reply timeout. */
  armReplyTimeout(ms: number): void {
    this.once('close', () => this.clearReplyTimer());
    this.replyTimer = setTimeout(() => {
      this.close(undefined, new SpdyError('ERR_SPDY_TIMEOUT', `no response headers within ${ms} ms`));
    }, ms);
  }

  private clearReplyTimer(): void {
    if (this.replyTimer !== null) clearTimeout(this.replyTimer);
    this.replyTimer = null;
  }
}

/** A stream the server pushed: readable only. */
export class PushedStream extends SpdyStream {
  /** The pushed request's headers (`:path`, `:host`, ...) and any response headers sent with them. */
  constructor(owner: StreamOwner, readonly rawHeaders: Array<[string, string]>) {
    super(owner);
    this.headers = fromNv(rawHeaders);
    this.endWithHeaders();
  }
}

export class ClientSession extends SpdySession {
  /** `host:port` of the origin, sent as `:host`. */
  readonly authority: string;
  readonly scheme: 'https' | 'http';
  /** Requests made before the connection was up, submitted once it is. */
  private readonly queued: ClientStream[] = [];
  private readonly queuedSubmits = new Map<ClientStream, () => void>();
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private connecting: Duplex | null = null;

  constructor(readonly url: URL, private readonly connectOptions: ConnectOptions = {}) {
    super(connectOptions, CLIENT);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `unsupported URL scheme "${url.protocol}" (https: or http:)`);
    }
    this.scheme = url.protocol === 'https:' ? 'https' : 'http';
    this.authority = url.host;
    queueMicrotask(() => this.open());
  }

  /**
   * Opens a stream. Headers default to `:method: GET`, `:path: /`,
   * `:scheme`, `:host` and `:version: HTTP/1.1`. Throws ERR_SPDY_SESSION_CLOSED
   * when the session can no longer open streams (closing, GOAWAY received,
   * stream ids exhausted) and ERR_SPDY_INVALID_ARGUMENT for bad headers.
   */
  request(headers: OutgoingHeaders = {}, options: RequestOptions = NO_OPTIONS): ClientStream {
    if (this.closing || this.destroyed) {
      throw new SpdyError('ERR_SPDY_SESSION_CLOSED', this.goaway !== null ? 'the peer sent GOAWAY: open a new session' : 'the session is closed');
    }
    if (options.signal?.aborted) {
      throw new SpdyError('ERR_SPDY_ABORTED', 'the request was aborted before it started', { cause: options.signal.reason });
    }
    let decompression: ResolvedCoding | null;
    try {
      decompression = resolveDecompression(options.decompress ?? this.connectOptions.decompress);
    } catch (error) {
      throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', (error as Error).message, { cause: error });
    }
    let nv = options.http === false ? toNv(headers) : this.requestNv(headers);
    if (decompression !== null && valueOf(nv, 'accept-encoding') === undefined) nv = [...nv, ['accept-encoding', 'gzip, deflate']];
    const method = valueOf(nv, ':method');
    const endStream = options.endStream ?? (options.body === undefined && method !== undefined && NO_BODY_METHODS.has(method));
    const priority = options.priority ?? 3;
    if (!Number.isInteger(priority) || priority < 0 || priority > 7) {
      throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `priority must be an integer 0..7, got ${String(priority)}`);
    }
    const stream = new ClientStream(this, nv, decompression);
    if (endStream) stream.endWithHeaders();
    else if (options.body !== undefined) pipeBody(options.body, stream);
    if (options.signal !== undefined) {
      const signal = options.signal;
      const onAbort = () => stream.close(undefined, new SpdyError('ERR_SPDY_ABORTED', 'the request was aborted', { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    if (options.timeout !== undefined && options.timeout > 0) stream.armReplyTimeout(options.timeout);
    if (this.machine === null) {
      this.queued.push(stream);
      this.queuedSubmits.set(stream, () => this.submit(stream, nv, priority, endStream));
    } else {
      this.submit(stream, nv, priority, endStream);
    }
    return stream;
  }

  /** The request's list: the pseudo-headers not given, with their defaults, then what was given. */
  private requestNv(headers: OutgoingHeaders): Array<[string, string]> {
    const given = toNv(headers);
    let method = false;
    let path = false;
    let version = false;
    let scheme = false;
    let host = false;
    for (const [name] of given) {
      if (name.charCodeAt(0) !== 58 /* ':' */) continue;
      if (name === ':method') method = true;
      else if (name === ':path') path = true;
      else if (name === ':version') version = true;
      else if (name === ':scheme') scheme = true;
      else if (name === ':host') host = true;
    }
    const nv: Array<[string, string]> = [];
    if (!method) nv.push([':method', 'GET']);
    if (!path) nv.push([':path', '/']);
    if (!version) nv.push([':version', 'HTTP/1.1']);
    if (!scheme) nv.push([':scheme', this.scheme]);
    if (!host) nv.push([':host', this.authority]);
    for (const pair of given) nv.push(pair);
    return nv;
  }

  private submit(stream: ClientStream, nv: Array<[string, string]>, priority: number, endStream: boolean): void {
    if (stream.destroyed) return;
    const pri = this.version === PROTO_SPDY2 ? Math.min(priority, 3) : priority;
    try {
      this.machine!.submitRequest(pri, nv, endStream ? null : stream.source, stream.slot);
    } catch (error) {
      const exhausted = error instanceof SpdylayError && error.code === ERR_STREAM_ID_NOT_AVAILABLE;
      stream.sessionClosed(
        CANCEL,
        exhausted
          ? new SpdyError('ERR_SPDY_SESSION_CLOSED', 'stream ids are exhausted: open a new session', { cause: error })
          : new SpdyError('ERR_SPDY_INVALID_ARGUMENT', (error as Error).message, { cause: error }),
      );
      return;
    }
    this.flush();
  }

  protected override onSynReply(stream: SpdyStream, frame: { nv: Array<[string, string]> }): void {
    if (stream instanceof ClientStream) stream.receiveResponse(frame.nv);
  }

  /** A push from the server: offered to the parent stream's 'push' listeners, else refused. */
  protected onSynStream(frame: SynStreamRecord): void {
    const pushed = new PushedStream(this, frame.nv);
    pushed.id = frame.streamId;
    this.registerStream(pushed);
    const parent = this.streams.get(frame.assocStreamId);
    const listened = parent !== undefined && parent.listenerCount('push') > 0;
    if (!listened && this.listenerCount('push') === 0) {
      pushed.close();
      return;
    }
    if (parent !== undefined) parent.emit('push', pushed, pushed.headers);
    this.emit('push', pushed, pushed.headers, parent);
    if (frame.flags & CTRL_FLAG_FIN) pushed.receiveEnd();
  }

  // ---- connecting ----

  private open(): void {
    if (this.destroyed) return;
    const o = this.connectOptions;
    const plainProtocol = o.protocol ?? o.protocols?.[0] ?? 'spdy/3.1';
    if (o.socket !== undefined) {
      this.attach(o.socket, versionOfProtocol(checkedProtocols([plainProtocol], 'protocol')[0]!), plainProtocol, o.head);
      this.runQueued();
      return;
    }
    const port = Number(this.url.port || (this.scheme === 'https' ? 443 : 80));
    const host = this.url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (o.connectTimeout !== undefined && o.connectTimeout > 0) {
      this.connectTimer = setTimeout(() => {
        this.connectFailed(new SpdyError('ERR_SPDY_TIMEOUT', `could not connect to ${this.authority} within ${o.connectTimeout} ms`));
      }, o.connectTimeout);
    }
    if (this.scheme === 'https') {
      let offered: SpdyProtocol[];
      try {
        offered = checkedProtocols(o.protocols, 'protocols');
      } catch (error) {
        this.connectFailed(error as Error);
        return;
      }
      const socket = tls.connect({
        servername: net.isIP(host) === 0 ? host : undefined,
        ...o.tls,
        host,
        port,
        ALPNProtocols: offered,
      });
      this.connecting = socket;
      socket.once('secureConnect', () => {
        let version: number;
        try {
          version = versionOfNegotiated(socket.alpnProtocol, offered);
        } catch (error) {
          this.connectFailed(error as Error);
          return;
        }
        this.connected(socket, version, socket.alpnProtocol as SpdyProtocol);
      });
      socket.once('error', (error) => this.connectFailed(error));
    } else {
      let version: number;
      try {
        version = versionOfProtocol(checkedProtocols([plainProtocol], 'protocol')[0]!);
      } catch (error) {
        this.connectFailed(error as Error);
        return;
      }
      const socket = net.connect({ host, port });
      this.connecting = socket;
      socket.once('connect', () => this.connected(socket, version, plainProtocol));
      socket.once('error', (error) => this.connectFailed(error));
    }
  }

  private connected(socket: Duplex, version: number, protocol: SpdyProtocol): void {
    this.clearConnectTimer();
    socket.removeAllListeners('error');
    this.connecting = null;
    if (this.destroyed) {
      socket.destroy();
      return;
    }
    (socket as net.Socket).setNoDelay?.(true);
    this.attach(socket, version, protocol);
    this.runQueued();
  }

  private runQueued(): void {
    for (const stream of this.queued.splice(0)) {
      const submit = this.queuedSubmits.get(stream)!;
      this.queuedSubmits.delete(stream);
      submit();
    }
  }

  private connectFailed(error: Error): void {
    this.clearConnectTimer();
    if (this.connecting !== null) {
      this.connecting.destroy();
      this.connecting = null;
    }
    if (this.destroyed) return;
    this.error ??= error;
    this.finishWithoutConnection();
  }

  protected override beforeConnectClosed(): void {
    this.clearConnectTimer();
    if (this.connecting !== null) {
      this.connecting.destroy();
      this.connecting = null;
    }
    this.finishWithoutConnection();
  }

  /** Fails every stream requested so far with the session's error, then closes. */
  private finishWithoutConnection(): void {
    const error =
      this.error instanceof SpdyError
        ? this.error
        : new SpdyError('ERR_SPDY_CONNECTION_LOST', `could not connect to ${this.authority}${this.error ? `: ${this.error.message}` : ''}`, {
            cause: this.error ?? undefined,
          });
    this.queuedSubmits.clear();
    for (const stream of this.queued.splice(0)) stream.sessionClosed(CANCEL, error);
    this.finish();
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}

/** Opens a client session to `url` (`https:` with ALPN, `http:` plain). */
export function connect(url: string | URL, options: ConnectOptions = {}, listener?: (session: ClientSession) => void): ClientSession {
  const session = new ClientSession(typeof url === 'string' ? new URL(url) : url, options);
  if (listener !== undefined) session.once('connect', listener);
  return session;
}

function firstOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export type { IncomingHeaders, OutgoingHeaders };
