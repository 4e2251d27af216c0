/**
 * Node-style `(req, res)` objects over a ServerStream, as Node's http2
 * compatibility API gives them: `req` is a Readable of the request body
 * (any method), `res` a Writable with writeHead/setHeader/write/end, plus
 * `res.push(path, headers)` for server push.
 */
import { Readable, Writable } from 'node:stream';
import { SpdyError } from './errors.js';
import { CONNECTION_HEADERS, firstValue } from './headers.js';
import type { IncomingHeaders, OutgoingHeaders } from './headers.js';
import type { NameValue } from '../core/index.js';
import { statusValue } from './server-session.js';
import type { ServerStream } from './server-session.js';

/**
 * The request: a Readable of its body.
 *
 * 'aborted' means what it means in Node's http and http2: the stream
 * ended abnormally (the peer's RST_STREAM, a lost connection, a GOAWAY
 * that cut it short, a timeout) while the request was still open. A
 * request whose body arrived whole on a stream that closed normally is
 * not aborted, whether the handler read it or not.
 *
 * A body the handler never reads is thrown away once the response is
 * finished, as Node's http server dumps it (and as its http2 compatibility
 * layer resumes an unread request when the stream closes): unread bytes
 * would keep the stream's receive window shut (in SPDY/2, the whole
 * connection's reading paused), the client's upload would stall, and the
 * stream could never close.
 */
export class ServerRequest extends Readable {
  /** `:method` (SPDY/2's `method`). */
  readonly method: string;
  /** `:path`, with the query string (SPDY/2's `url`). */
  readonly url: string;
  readonly headers: IncomingHeaders;
  readonly rawHeaders: Array<[string, string]>;
  /** `:version` without the "HTTP/" prefix, e.g. "1.1". */
  readonly httpVersion: string;
  /** `:scheme` and `:host` (SPDY/2's `scheme`, `host`). */
  readonly scheme: string;
  readonly authority: string;

  constructor(readonly stream: ServerStream) {
    super({ highWaterMark: stream.readableHighWaterMark });
    const headers = stream.headers ?? {};
    this.headers = headers;
    this.rawHeaders = stream.rawHeaders;
    this.method = firstValue(headers, ':method') ?? '';
    this.url = firstValue(headers, ':path') ?? '';
    this.scheme = firstValue(headers, ':scheme') ?? '';
    this.authority = firstValue(headers, ':host') ?? '';
    this.httpVersion = versionNumber(firstValue(headers, ':version') ?? 'HTTP/1.1');
    stream.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stream.pause();
    });
    stream.on('end', () => this.push(null));
    // As in Node's http2 compatibility layer, a stream's errors (a reset, a
    // lost connection) are not forwarded: an unhandled 'error' on req or
    // res would crash a server because a client went away. The request
    // says 'aborted' and closes instead.
    stream.on('error', ignore);
    stream.on('close', () => {
      if (stream.closedCleanly) {
        // Its end is pushed: an unread request ends and closes as a read one does.
        this.dumpUnread();
        return;
      }
      // A request read to its end has completed; what befalls the response is res's 'close'.
      if (this.readableEnded) return;
      this.emit('aborted');
      this.destroy();
    });
  }

  override _read(): void {
    this.stream.resume();
  }

  /**
   * @internal Throws the body away when the handler has not started to read
   * it (no 'data' or 'readable' listener, no pipe, resume, pause or read):
   * its bytes are then taken as they come, and acknowledged. A handler
   * still reading, or one that paused the request to read it later, keeps
   * it.
   */
  dumpUnread(): void {
    if (this.readableFlowing !== null || this.readableDidRead || this.destroyed) return;
    this.resume();
  }
}

export class ServerResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  /** Add a `date` header when none is set (as Node's servers do). */
  sendDate = true;
  /** Headers set, by lower-case name. */
  private readonly headerMap = new Map<string, string | string[]>();
  private sent = false;

  constructor(readonly stream: ServerStream, readonly req: ServerRequest) {
    super({ highWaterMark: stream.writableHighWaterMark });
    stream.on('close', () => {
      if (!this.writableFinished) this.destroy();
    });
    // Node's http server dumps a request body nobody reads once the
    // response is finished; here the stream cannot close before it is taken.
    this.once('finish', () => req.dumpUnread());
  }

  get headersSent(): boolean {
    return this.sent;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    if (this.sent) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `cannot set "${name}": the headers were sent`);
    const lower = name.toLowerCase();
    // Connection-specific headers mean nothing in SPDY; Node's http2
    // compatibility layer drops them too, so HTTP/1 handlers keep working.
    if (CONNECTION_HEADERS.has(lower)) return this;
    this.headerMap.set(lower, Array.isArray(value) ? value.map(String) : String(value));
    return this;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.headerMap.get(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.headerMap.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    if (this.sent) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `cannot remove "${name}": the headers were sent`);
    this.headerMap.delete(name.toLowerCase());
  }

  getHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of this.headerMap) out[name] = value;
    return out;
  }

  writeHead(statusCode: number, reasonOrHeaders?: string | OutgoingHeaders, headers?: OutgoingHeaders): this {
    if (this.sent) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'writeHead: the headers were sent');
    this.statusCode = statusCode;
    let extra = headers;
    if (typeof reasonOrHeaders === 'string') this.statusMessage = reasonOrHeaders;
    else extra = reasonOrHeaders;
    if (Array.isArray(extra)) {
      for (const [name, value] of extra as Array<[string, string]>) if (value !== undefined) this.setHeader(name, value);
    } else if (extra !== undefined) {
      const record = extra as Record<string, string | number | string[] | undefined>;
      for (const name of Object.keys(record)) {
        const value = record[name];
        if (value !== undefined) this.setHeader(name, value);
      }
    }
    return this;
  }

  /**
   * Pushes `path` for this request (SPDY/3 and 3.1). Returns the pushed
   * stream, a Writable: write the body and end() it.
   */
  push(path: string, headers: OutgoingHeaders = {}): ServerStream {
    const given = Array.isArray(headers) ? headers : Object.entries(headers);
    return this.stream.pushStream([[':path', path], ...(given as Array<[string, string]>)] as Array<[string, string]>);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.sendHeaders(false);
    // Pass the bytes on at once and wait only while the stream is full:
    // waiting for each write's own callback would hold end() back until the
    // body had gone out, and the FIN would need a frame of its own. A
    // failing stream (a reset, a lost connection) just closes the response,
    // as its request says 'aborted' (see ServerRequest).
    const stream = this.stream;
    if (stream.write(chunk, (error) => error && this.destroy())) {
      done();
      return;
    }
    const drained = (): void => {
      stream.off('close', drained);
      stream.off('drain', drained);
      done();
    };
    stream.once('drain', drained);
    stream.once('close', drained);
  }

  override _final(done: (error?: Error | null) => void): void {
    if (!this.sent) {
      this.sendHeaders(true);
      done();
      return;
    }
    this.stream.end(() => done());
  }

  /** The SYN_REPLY, built once from what setHeader kept (names already lower-case, connection headers dropped). */
  private sendHeaders(endStream: boolean): void {
    if (this.sent) return;
    this.sent = true;
    const status = this.statusMessage === '' ? statusValue(this.statusCode) : `${this.statusCode} ${this.statusMessage}`;
    const nv: NameValue[] = [[':status', status], [':version', 'HTTP/1.1']];
    for (const [name, value] of this.headerMap) {
      if (name === ':version') nv[1] = [name, value as string];
      else if (Array.isArray(value)) for (const v of value) nv.push([name, v]);
      else nv.push([name, value as string]);
    }
    if (this.sendDate && !this.headerMap.has('date')) nv.push(['date', currentHttpDate()]);
    this.stream.respondWith(nv, endStream);
  }
}

/** A stream's errors are reported as 'aborted' and 'close' (see ServerRequest). */
function ignore(): void {}

/** `:version` without its "HTTP/" prefix: "1.1" for "HTTP/1.1". */
function versionNumber(version: string): string {
  if (version === 'HTTP/1.1') return '1.1';
  return version.startsWith('HTTP/') ? version.slice(5) : version;
}

/**
 * The date header's value, made at most once a second (as Node's http
 * servers cache theirs): formatting a date for every response is a cost
 * the second's resolution does not need.
 */
let cachedDate = '';
let cachedDateSecond = -1;

function currentHttpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedDateSecond) {
    cachedDateSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}
