/**
 * An HTTPS (HTTP/1.1 over TLS) request proxied, for clients that do not
 * speak SPDY on the same port, as shrpx served them: the same request
 * mapping (Host from the request's own Host header), the same error pages,
 * the body streamed both ways with backpressure. A backend that fails
 * after the headers gets the client's connection closed, which is how
 * HTTP/1.1 says a response was cut short.
 */
import type * as http from 'node:http';
import { PassThrough } from 'node:stream';
import type { ProxyContext } from './context.js';
import { errorReply } from './error-reply.js';
import { Exchange } from './exchange.js';
import type { FrontendReply } from './exchange.js';
import { isRefusal, mapHttp1Request } from './request-mapping.js';
import type { BackendRequest } from './request-mapping.js';

/** Proxies one HTTP/1.1 request. `closing`: the proxy is draining, so the connection ends after this reply. */
export function proxyHttp1Request(req: http.IncomingMessage, res: http.ServerResponse, context: ProxyContext, closing: boolean): void {
  const clientAddress = req.socket.remoteAddress ?? '';
  if (closing) res.shouldKeepAlive = false;
  res.sendDate = false; // The backend's Date, if it sent one, is the one that counts.
  const request = mapHttp1Request(req.method ?? 'GET', req.url ?? '/', req.httpVersion, req.rawHeaders, {
    clientAddress,
    scheme: 'https',
    addXForwardedFor: context.options.addXForwardedFor,
    viaName: context.viaName,
  });
  const reply = new Http1Reply(req, res, clientAddress, context);
  if (isRefusal(request)) {
    context.log('INFO', `HTTP/1.1 request from ${clientAddress} refused: ${request.refused}`);
    res.shouldKeepAlive = false;
    reply.sendError(400, { method: req.method ?? '', path: req.url ?? '', headers: [] });
    req.resume();
    return;
  }
  reply.request = request;
  const exchange = new Exchange(reply, context.viaName, (message) => context.log('WARNING', `HTTP/1.1 ${clientAddress}: ${message}`));
  let body: PassThrough | null = null;
  if (req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0') {
    body = new PassThrough({ highWaterMark: 64 * 1024 });
    req.pipe(body);
  } else {
    req.resume();
  }
  res.once('close', () => {
    if (!reply.done) exchange.cancel();
    if (body !== null && !body.writableFinished) body.destroy();
  });
  exchange.start(context.backends, request, body);
}

class Http1Reply implements FrontendReply {
  request: BackendRequest | null = null;
  done = false;

  constructor(
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    private readonly clientAddress: string,
    private readonly context: ProxyContext,
  ) {}

  start(statusCode: number, statusText: string, headers: Array<[string, string]>): boolean {
    const res = this.res;
    if (res.destroyed) return false;
    const flat: string[] = [];
    for (const [name, value] of headers) flat.push(name, value);
    try {
      res.writeHead(statusCode, statusText === '' ? undefined : statusText, flat);
    } catch (error) {
      this.context.log('WARNING', `HTTP/1.1 ${this.clientAddress}: backend reply not forwarded: ${(error as Error).message}`);
      res.destroy();
      return false;
    }
    this.logAccess(statusCode);
    return true;
  }

  write(chunk: Buffer): boolean {
    return this.res.destroyed ? true : this.res.write(chunk);
  }

  onDrain(callback: () => void): void {
    this.res.once('drain', callback);
  }

  end(): void {
    this.done = true;
    this.res.end();
  }

  abort(): void {
    this.res.destroy();
  }

  errorReply(status: number): void {
    this.sendError(status, this.request!);
  }

  /** The proxy's own error page. */
  sendError(status: number, request: BackendRequest): void {
    const res = this.res;
    if (res.destroyed || res.headersSent) return;
    this.request = request;
    const page = errorReply(status, this.context.options.serverName, this.context.port);
    const flat: string[] = [];
    for (const [name, value] of page.headers) flat.push(name, value);
    res.writeHead(page.status, page.statusText, flat);
    res.end(page.body);
    this.done = true;
    this.logAccess(status);
  }

  private logAccess(status: number): void {
    if (!this.context.accessLogged || this.request === null) return;
    this.context.access({
      time: new Date(),
      clientAddress: this.clientAddress,
      status,
      streamId: 0,
      method: this.request.method,
      path: this.request.path,
      httpVersion: this.req.httpVersion,
    });
  }
}
