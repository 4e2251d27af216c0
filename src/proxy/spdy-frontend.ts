/**
 * A SPDY request proxied: the stream's headers mapped to a backend request
 * (or the stream refused with RST_STREAM when they cannot be, as shrpx
 * does), the stream's body streamed up, the backend's reply streamed back.
 *
 * The request body is read from the stream only as the backend connection
 * takes it (a pipe into undici's writer), so the client's window reopens
 * (WINDOW_UPDATE) only as the backend accepts bytes. A body without FIN on
 * SYN_STREAM and without content-length goes up chunked.
 *
 * The reply starts at the end of the event loop's turn in which the
 * backend's headers came, with the replies of every other backend that
 * answered in that turn (turn-batch.ts), so that they share one write to
 * the client's connection; what the backend sent meanwhile is held (up to
 * the stream's high-water mark, then the backend waits) and follows.
 */
import type * as net from 'node:net';
import { PassThrough } from 'node:stream';
import { INTERNAL_ERROR } from '../core/index.js';
import type { ServerStream } from '../io/server-session.js';
import type { ProxyContext } from './context.js';
import { errorReply } from './error-reply.js';
import { Exchange } from './exchange.js';
import type { FrontendReply } from './exchange.js';
import { isRefusal, mapSpdyRequest } from './request-mapping.js';
import type { BackendRequest } from './request-mapping.js';
import { spdyResponseNv } from './response-mapping.js';
import { TurnBatch } from './turn-batch.js';
import type { Batched } from './turn-batch.js';

/** Proxies one SPDY request. `secure`: the frontend is TLS. */
export function proxySpdyStream(stream: ServerStream, context: ProxyContext, secure: boolean): void {
  const clientAddress = (stream.session.socket as net.Socket | undefined)?.remoteAddress ?? '';
  const nv = stream.rawHeaders;
  const request = mapSpdyRequest(nv, {
    clientAddress,
    scheme: secure ? 'https' : plainScheme(nv),
    addXForwardedFor: context.options.addXForwardedFor,
    viaName: context.viaName,
  });
  // A reset from the client destroys the stream with an error: heard here, it cannot crash the process.
  stream.on('error', ignore);
  if (isRefusal(request)) {
    context.log('INFO', `stream ${stream.id}: refused, ${request.refused}`);
    stream.close(INTERNAL_ERROR);
    return;
  }
  const reply = new SpdyReply(stream, request, clientAddress, context);
  const exchange = new Exchange(reply, context.viaName, (message) => context.log('WARNING', `stream ${stream.id}: ${message}`));
  let body: PassThrough | null = null;
  if (stream.remoteEnded) {
    stream.resume(); // Nothing to read; lets the stream end and be freed.
  } else {
    // undici destroys the body it is given once done: it gets a pipe, not the stream.
    body = new PassThrough({ highWaterMark: 64 * 1024 });
    stream.pipe(body);
  }
  stream.once('close', () => {
    // Closed before the reply was all handed over: the client went away.
    if (!reply.done) exchange.cancel();
    if (body !== null && !body.writableFinished) body.destroy();
  });
  exchange.start(context.backends, request, body);
}

function ignore(): void {}

/** Plain TCP sits behind a TLS terminator: the client's own `:scheme` says what it used. */
function plainScheme(nv: ReadonlyArray<readonly [string, string]>): 'https' | 'http' {
  for (const [name, value] of nv) if (name === ':scheme') return value === 'https' ? 'https' : 'http';
  return 'http';
}

const NO_BODY_STATUS = new Set([204, 304]);

/** What a response sent while its reply waited for the end of the turn (see turn-batch.ts). */
interface Held {
  readonly statusCode: number;
  readonly statusText: string;
  readonly headers: Array<[string, string]>;
  readonly chunks: Buffer[];
  bytes: number;
  ended: boolean;
  aborted: boolean;
  /** The exchange waits for room (write() returned false while held). */
  onDrain: (() => void) | null;
}

/**
 * Body bytes held for a reply that waits for the end of the turn before
 * write() asks the backend to wait: the stream's own high-water mark.
 */
const HOLD_LIMIT = 64 * 1024;

/** The replies of one turn of the event loop, started together (every proxy in the process shares it). */
const replies = new TurnBatch();

/** The backend's reply, as SYN_REPLY and DATA on the stream. */
class SpdyReply implements FrontendReply, Batched {
  /** The reply has no body (HEAD, 204, 304): FIN rides on SYN_REPLY. */
  private bodiless = false;
  /** Everything the client is to get has been handed to the stream. */
  done = false;
  /** Set from start() until the turn's batch releases the reply. */
  private held: Held | null = null;

  constructor(
    private readonly stream: ServerStream,
    private readonly request: BackendRequest,
    private readonly clientAddress: string,
    private readonly context: ProxyContext,
  ) {}

  start(statusCode: number, statusText: string, headers: Array<[string, string]>): boolean {
    if (this.stream.destroyed) return false;
    this.held = { statusCode, statusText, headers, chunks: [], bytes: 0, ended: false, aborted: false, onDrain: null };
    replies.add(this);
    return true;
  }

  /**
   * Sends the reply and what came with it. A reply that cannot be sent
   * (the client went, a header SPDY cannot carry) closes the stream, and
   * the stream's close cancels the exchange.
   */
  release(): void {
    const held = this.held!;
    this.held = null;
    if (!this.respond(held.statusCode, held.statusText, held.headers)) return;
    if (held.aborted) {
      this.abort();
      return;
    }
    if (this.bodiless) {
      held.onDrain?.();
      return;
    }
    const stream = this.stream;
    if (held.ended && held.chunks.length <= 1) {
      this.done = true;
      // One chunk and the end: a single call instead of write() and end().
      stream.end(held.chunks[0]);
      return;
    }
    let room = true;
    for (const chunk of held.chunks) room = stream.write(chunk);
    if (held.ended) this.end();
    if (held.onDrain !== null) {
      if (room) held.onDrain();
      else stream.once('drain', held.onDrain);
    }
  }

  private respond(statusCode: number, statusText: string, headers: Array<[string, string]>): boolean {
    const stream = this.stream;
    if (stream.destroyed) return false;
    this.bodiless = this.request.method === 'HEAD' || NO_BODY_STATUS.has(statusCode);
    try {
      // The list is built whole (lower-case names, no connection headers): no need for respond()'s copy of it.
      stream.respondWith(spdyResponseNv(statusCode, statusText, headers), this.bodiless);
      this.done = this.bodiless;
    } catch (error) {
      // A header SPDY cannot carry (a NUL in a value, ...): the reply cannot be forwarded.
      this.context.log('WARNING', `stream ${stream.id}: backend reply not forwarded: ${(error as Error).message}`);
      stream.close(INTERNAL_ERROR);
      return false;
    }
    this.logAccess(statusCode);
    return true;
  }

  write(chunk: Buffer): boolean {
    const held = this.held;
    if (held !== null) {
      held.chunks.push(chunk);
      held.bytes += chunk.length;
      return held.bytes < HOLD_LIMIT;
    }
    if (this.bodiless || this.stream.destroyed) return true;
    return this.stream.write(chunk);
  }

  onDrain(callback: () => void): void {
    if (this.held !== null) this.held.onDrain = callback;
    else this.stream.once('drain', callback);
  }

  end(): void {
    if (this.held !== null) {
      this.held.ended = true;
      return;
    }
    this.done = true;
    if (!this.bodiless) this.stream.end();
  }

  abort(): void {
    // Held: the reply goes out first, then the reset, as if it had not waited.
    if (this.held !== null) this.held.aborted = true;
    else this.stream.close(INTERNAL_ERROR);
  }

  errorReply(status: number): void {
    const stream = this.stream;
    if (stream.destroyed || stream.headersSent) return;
    const page = errorReply(status, this.context.options.serverName, this.context.port);
    stream.respond([[':status', `${page.status} ${page.statusText}`], [':version', 'HTTP/1.1'], ...page.headers]);
    stream.end(page.body);
    this.done = true;
    this.logAccess(status);
  }

  private logAccess(status: number): void {
    if (!this.context.accessLogged) return;
    const version = this.stream.rawHeaders.find(([name]) => name === ':version')?.[1] ?? 'HTTP/1.1';
    this.context.access({
      time: new Date(),
      clientAddress: this.clientAddress,
      status,
      streamId: this.stream.id,
      method: this.request.method,
      path: this.request.path,
      httpVersion: version.replace(/^HTTP\//i, ''),
    });
  }
}
