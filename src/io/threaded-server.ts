/**
 * python-spdylay's simple server: `new ThreadedSPDYServer([host, port],
 * RequestHandlerClass, certFile, keyFile)` serves each request with a new
 * handler whose `do_GET`, `do_POST`, ... (sync or async) fill in the
 * response with sendResponse / sendHeader / wfile, as with Python's
 * BaseHTTPRequestHandler. Threads have no place in Node: requests run
 * concurrently on the event loop, many per connection.
 *
 * Beyond python-spdylay: the request body is a stream (`rfile`) for any
 * method, readable while the handler runs, and `push()` pushes a resource.
 * A thin layer over createServer (server.ts).
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { NameValue } from '../core/index.js';
import { SpdyError } from './errors.js';
import { createServer } from './server.js';
import type { ServerOptions, SpdyServer } from './server.js';
import type { ServerStream } from './server-session.js';
import { errorPage, httpDate, reasonPhrase } from './static/index.js';

/** What a handler's `wfile` is: it collects the response body. */
export class ResponseBody {
  private readonly chunks: Buffer[] = [];

  write(data: Uint8Array | string): void {
    this.chunks.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** @internal */
  take(): Buffer {
    return Buffer.concat(this.chunks.splice(0));
  }
}

export class BaseSPDYRequestHandler {
  static serverVersion = 'spdylay-ts';
  static sysVersion = `Node.js/${process.versions.node}`;

  /** `[address, port]` of the client. */
  readonly clientAddress: [string, number];
  /** `:method`, `:path`, `:version` of the request. */
  readonly command: string;
  readonly path: string;
  readonly requestVersion: string;
  /** The request's other headers, a name/value list. */
  readonly headers: NameValue[];
  /** The request body as a stream, or null when the request has none (SYN_STREAM with FIN). */
  readonly rfile: Readable | null;
  /** Collects the response body. */
  readonly wfile = new ResponseBody();
  private readonly responseHeaders: NameValue[] = [];
  private status: string | null = null;

  constructor(
    private readonly stream: ServerStream,
    readonly server: ThreadedSPDYServer,
  ) {
    const socket = stream.session.socket as { remoteAddress?: string; remotePort?: number } | undefined;
    this.clientAddress = [socket?.remoteAddress ?? '', socket?.remotePort ?? 0];
    let command = '';
    let path = '';
    let version = '';
    const rest: NameValue[] = [];
    for (const [name, value] of stream.rawHeaders) {
      if (name === ':method') command = value;
      else if (name === ':path') path = value;
      else if (name === ':version') version = value;
      else if (name !== ':scheme' && name !== ':host') rest.push([name, value]);
    }
    this.command = command;
    this.path = path;
    this.requestVersion = version;
    this.headers = rest;
    this.rfile = stream.remoteEnded && stream.readableLength === 0 ? null : stream;
  }

  /** "serverVersion sysVersion", sent as the `server` header. */
  versionString(): string {
    const cls = this.constructor as typeof BaseSPDYRequestHandler;
    return `${cls.serverVersion} ${cls.sysVersion}`;
  }

  /** Sets the status (`:status: "code message"`); the message defaults to the standard reason. */
  sendResponse(code: number, message?: string): void {
    this.status = `${code} ${message ?? reasonPhrase(code)}`;
  }

  sendHeader(keyword: string, value: string): void {
    this.responseHeaders.push([keyword.toLowerCase(), String(value)]);
  }

  /** A complete HTML error reply: status, content-type, content-length and the page. */
  sendError(code: number, message?: string): void {
    const { address, port } = this.server.address();
    const page = Buffer.from(errorPage(code, message, `${this.versionString()} at ${address} Port ${port}`), 'utf8');
    this.sendResponse(code, message);
    this.sendHeader('content-type', 'text/html; charset=UTF-8');
    this.sendHeader('content-length', String(page.length));
    this.wfile.write(page);
  }

  /** Pushes `path` for this request (SPDY/3 and 3.1); returns the pushed stream to write the body to. */
  push(path: string, headers: Record<string, string> = {}): ServerStream {
    return this.stream.pushStream({ ':path': path, ...headers });
  }

  /** Runs do_<command> (501 when there is none, 400 without a method), then sends the response. */
  async handle(): Promise<void> {
    try {
      if (this.command === '') {
        this.sendError(400);
      } else {
        const method = (this as unknown as Record<string, unknown>)[`do_${this.command}`];
        if (typeof method === 'function') await (method as () => unknown).call(this);
        else this.sendError(501, `Unsupported method (${this.command})`);
      }
      if (this.status === null) throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `do_${this.command} sent no response`);
    } catch (error) {
      if (this.stream.isClosed) return;
      this.responseHeaders.length = 0;
      this.wfile.take();
      this.sendError(500, error instanceof Error ? error.message.split('\n')[0] : undefined);
    }
    this.finish();
  }

  private finish(): void {
    if (this.stream.isClosed || this.stream.destroyed) return;
    const body = this.wfile.take();
    const nv: NameValue[] = [[':status', this.status!], ...this.responseHeaders, [':version', 'HTTP/1.1']];
    if (!this.responseHeaders.some(([n]) => n === 'server')) nv.push(['server', this.versionString()]);
    if (!this.responseHeaders.some(([n]) => n === 'date')) nv.push(['date', httpDate(new Date())]);
    if (body.length === 0) {
      this.stream.respond(nv, { endStream: true });
      return;
    }
    this.stream.respond(nv);
    this.stream.end(body);
  }
}

export type RequestHandlerClass = new (stream: ServerStream, server: ThreadedSPDYServer) => BaseSPDYRequestHandler;

export class ThreadedSPDYServer {
  private readonly server: SpdyServer;

  /**
   * `certFile` and `keyFile` are PEM files (TLS with ALPN). Pass null for
   * both to serve plain SPDY/3.1 over TCP. `options` takes the server's
   * other options (protocols, windows, timeouts).
   */
  constructor(
    readonly serverAddress: [string, number],
    RequestHandlerClass: RequestHandlerClass,
    certFile: string | null,
    keyFile: string | null,
    options: ServerOptions = {},
  ) {
    if (!Array.isArray(serverAddress) || serverAddress.length !== 2) {
      throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'serverAddress must be [host, port]');
    }
    if ((certFile === null) !== (keyFile === null)) {
      throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'give both certFile and keyFile, or neither');
    }
    const tls = certFile === null ? false : { cert: readFileSync(certFile), key: readFileSync(keyFile!) };
    this.server = createServer({ ...options, tls });
    this.server.on('stream', (stream: ServerStream) => {
      void new RequestHandlerClass(stream, this).handle();
    });
  }

  /** Starts listening; resolves once it does (port 0 picks a free port). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.serverAddress[1], this.serverAddress[0], () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): { address: string; port: number } {
    const { address, port } = this.server.address();
    return { address, port };
  }

  /** Stops accepting, ends every session with GOAWAY and lets open streams finish. */
  close(): Promise<void> {
    return this.server.close();
  }
}
