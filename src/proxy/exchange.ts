/**
 * One request carried to a backend and its response carried back, whatever
 * the frontend: undici's dispatch handler on one side, a FrontendReply (a
 * SPDY stream, an HTTP/1.1 response) on the other.
 *
 * Backpressure: a body chunk the frontend cannot take at once (its write()
 * returns false) pauses the backend connection until the frontend drains,
 * so a slow client slows the backend read and nothing piles up here.
 *
 * Errors, as shrpx: a backend that fails before its response headers gets
 * the client an error page (504 for a timeout, 502 otherwise); one that
 * fails after them gets the response cut short (RST_STREAM
 * INTERNAL_ERROR, or the HTTP/1.1 connection closed).
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Backends } from './backends.js';
import { forwardedResponseHeaders } from './response-mapping.js';
import type { BackendRequest } from './request-mapping.js';

/** Where the response goes. */
export interface FrontendReply {
  /** Sends the status and headers; false when they could not be sent (the exchange then ends). */
  start(statusCode: number, statusText: string, headers: Array<[string, string]>): boolean;
  /** Writes body bytes; false asks to wait for `onDrain`. */
  write(chunk: Buffer): boolean;
  onDrain(callback: () => void): void;
  end(): void;
  /** The response is cut short after its headers. */
  abort(): void;
  /** The backend failed before its headers: the error page for `status`. */
  errorReply(status: number): void;
}

/** What the exchange reports, for the log. */
export type ExchangeLog = (message: string) => void;

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class Exchange implements Dispatcher.DispatchHandlers {
  private abortBackend: ((error?: Error) => void) | null = null;
  private resumeBackend: (() => void) | null = null;
  private headersSent = false;
  /** Finished one way or another: nothing more goes to the frontend. */
  private settled = false;
  private readonly resume = (): void => this.resumeBackend?.();

  constructor(
    private readonly reply: FrontendReply,
    private readonly viaName: string | null,
    private readonly log: ExchangeLog,
  ) {}

  /** Sends `request` (with `body`, or none) to a backend. */
  start(backends: Backends, request: BackendRequest, body: Readable | null): void {
    // undici takes any method token; its type lists only the common ones.
    const method = request.method as Dispatcher.HttpMethod;
    backends.dispatch({ method, path: request.path, headers: request.headers, body }, this);
  }

  /** The client went away: stop the backend request, if it is still running. */
  cancel(): void {
    if (this.settled) return;
    this.settled = true;
    this.abortBackend?.(new Error('the client went away'));
  }

  // ---- undici's handler ----

  onConnect(abort: (error?: Error) => void): void {
    this.abortBackend = abort;
    if (this.settled) abort(new Error('the client went away'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200 || this.settled) return true; // 1xx: interim, the final reply follows.
    this.resumeBackend = resume;
    this.headersSent = true;
    if (!this.reply.start(statusCode, statusText, forwardedResponseHeaders(rawHeaders, this.viaName))) {
      this.settled = true;
      this.abortBackend?.(new Error('the response headers could not be forwarded'));
      return false;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    if (this.reply.write(chunk)) return true;
    this.reply.onDrain(this.resume);
    return false;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    this.reply.end();
  }

  onError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    const code = (error as { code?: string }).code ?? error.name;
    this.log(`backend: ${error.message} (${code})`);
    if (this.headersSent) this.reply.abort();
    else this.reply.errorReply(TIMEOUTS.has(code) ? 504 : 502);
  }
}
