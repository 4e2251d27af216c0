/**
 * The reverse proxy: a SPDY frontend (TLS with ALPN, HTTP/1.1 on the same
 * port; or plain TCP with one SPDY version) in front of HTTP/1.1 backends,
 * as spdylay's shrpx. `createProxy(options)` makes one; `listen()` starts
 * it; `close()` drains it (GOAWAY to every SPDY session, HTTP/1.1
 * connections closed once their reply is out, requests in flight finish).
 *
 * Events: 'access' (AccessLogEntry, one per response whose headers went
 * out), 'accept' (clientAddress, protocol: a connection was accepted),
 * 'log' (level, message: refused requests, backend failures, connection
 * errors), 'listening', 'close'.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer } from '../io/server.js';
import type { SpdyServer } from '../io/server.js';
import type { ServerSession, ServerStream } from '../io/server-session.js';
import type { AccessLogEntry } from './access-log.js';
import { Backends } from './backends.js';
import type { LogLevel, ProxyContext } from './context.js';
import { proxyHttp1Request } from './http1-frontend.js';
import { VIA_NAME, resolveProxyOptions } from './options.js';
import type { ProxyOptions, ResolvedProxyOptions } from './options.js';
import { proxySpdyStream } from './spdy-frontend.js';
import { WriteStallWatch } from './write-stall.js';

/** How long close() waits for requests in flight before cutting them (ms). */
const DEFAULT_GRACE_MS = 30_000;

export class SpdyProxy extends EventEmitter {
  readonly options: ResolvedProxyOptions;
  private readonly spdy: SpdyServer;
  private readonly http1: http.Server | null;
  private readonly backends: Backends;
  private readonly context: ProxyContext;
  private readonly writeWatch: WriteStallWatch;
  /** HTTP/1.1 connections, with the number of requests each has in flight. */
  private readonly http1Sockets = new Map<net.Socket, number>();
  private port = 0;
  private closing: Promise<void> | null = null;

  constructor(options: ProxyOptions) {
    super();
    const o = resolveProxyOptions(options);
    this.options = o;
    this.backends = new Backends(o);
    const secure = o.tls !== false;
    const proxy = this;
    this.context = {
      options: o,
      backends: this.backends,
      viaName: o.noVia ? null : VIA_NAME,
      get port() {
        return proxy.port;
      },
      get accessLogged() {
        return proxy.listenerCount('access') > 0;
      },
      access: (entry: AccessLogEntry) => this.emit('access', entry),
      log: (level: LogLevel, message: string) => this.log(level, message),
    };
    this.writeWatch = new WriteStallWatch(o.frontendWriteTimeout, (socket) => {
      this.log('INFO', `frontend write timeout: closing the connection of ${remoteAddress(socket)}`);
      socket.destroy();
    });
    this.http1 = secure && o.http1 ? this.createHttp1Server() : null;
    this.spdy = createServer({
      tls: o.tls,
      protocols: o.protocols,
      protocol: o.protocol,
      maxConcurrentStreams: o.maxConcurrentStreams,
      initialWindowSize: o.initialWindowSize,
      sessionWindowSize: o.sessionWindowSize,
      idleTimeout: o.frontendSpdyReadTimeout,
      // Header bytes pass through unchanged, whatever their encoding.
      headerEncoding: 'latin1',
      http1Server: this.http1 ?? undefined,
    });
    this.spdy.on('stream', (stream: ServerStream) => proxySpdyStream(stream, this.context, secure));
    this.spdy.on('session', (session: ServerSession) => {
      session.once('connect', () => {
        const socket = session.socket!;
        this.writeWatch.add(socket);
        if (this.listenerCount('accept') > 0) this.emit('accept', remoteAddress(socket), session.protocol);
      });
    });
    this.spdy.on('sessionError', (error: Error) => this.log('INFO', `SPDY session: ${error.message}`));
    this.spdy.on('listening', () => this.emit('listening'));
    this.spdy.on('close', () => this.emit('close'));
  }

  /** Starts listening on `port` (0 picks a free one) and `host`; resolves with the address. */
  listen(port = 0, host?: string): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.spdy.once('error', reject);
      this.spdy.listen(port, host, () => {
        this.spdy.off('error', reject);
        const address = this.spdy.address();
        this.port = address.port;
        resolve(address);
      });
    });
  }

  /** Where the frontend listens. */
  address(): net.AddressInfo {
    return this.spdy.address();
  }

  /**
   * Drains the proxy: no new connections, GOAWAY to every SPDY session,
   * HTTP/1.1 connections closed as their replies finish; requests in
   * flight finish, and whatever is still open after `graceMs` is cut.
   * Resolves once everything is closed.
   */
  close(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.closing ??= this.drain(graceMs);
    return this.closing;
  }

  private async drain(graceMs: number): Promise<void> {
    const cut = setTimeout(() => {
      this.log('WARNING', `requests still open after ${graceMs} ms: cutting them`);
      this.spdy.destroyAll();
      for (const socket of this.http1Sockets.keys()) socket.destroy();
    }, graceMs);
    cut.unref();
    for (const [socket, inFlight] of this.http1Sockets) if (inFlight === 0) socket.end();
    try {
      await this.spdy.close();
    } finally {
      clearTimeout(cut);
      this.writeWatch.stop();
      await this.backends.destroy();
    }
  }

  private createHttp1Server(): http.Server {
    const o = this.options;
    const server = http.createServer((req, res) => {
      const socket = req.socket;
      this.http1Sockets.set(socket, (this.http1Sockets.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const left = (this.http1Sockets.get(socket) ?? 1) - 1;
        if (!this.http1Sockets.has(socket)) return;
        this.http1Sockets.set(socket, left);
        if (left === 0 && this.closing !== null) socket.end();
      });
      proxyHttp1Request(req, res, this.context, this.closing !== null);
    });
    // shrpx's one read timeout covers an idle keep-alive connection too (0: never).
    server.timeout = o.frontendReadTimeout;
    server.keepAliveTimeout = o.frontendReadTimeout;
    server.on('connection', (socket: net.Socket) => {
      this.http1Sockets.set(socket, 0);
      socket.once('close', () => this.http1Sockets.delete(socket));
      this.writeWatch.add(socket);
      if (this.listenerCount('accept') > 0) this.emit('accept', remoteAddress(socket), 'http/1.1');
    });
    server.on('clientError', (error: Error, socket: Duplex) => {
      this.log('INFO', `HTTP/1.1 client ${remoteAddress(socket)}: ${error.message}`);
      // A request Node's parser refused gets shrpx's answer, 400, if the socket can still take it.
      if (socket.writable && (error as NodeJS.ErrnoException).code?.startsWith('HPE_')) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        socket.destroy();
      }
    });
    return server;
  }

  private log(level: LogLevel, message: string): void {
    if (this.listenerCount('log') > 0) this.emit('log', level, message);
  }
}

function remoteAddress(socket: Duplex): string {
  return (socket as net.Socket).remoteAddress ?? '';
}

/** Makes a proxy (not yet listening); see SpdyProxy. */
export function createProxy(options: ProxyOptions): SpdyProxy {
  return new SpdyProxy(options);
}
