/**
 * The server: `createServer(options, handler)` listens for TLS (ALPN
 * picks the version by our preference) or plain TCP (a fixed version,
 * behind a TLS terminator), as Node's `http2.createSecureServer` does.
 *
 * Events: 'session' (ServerSession), 'stream' (stream, headers),
 * 'request' (req, res: the Node-style pair; the handler given to
 * createServer listens here), 'sessionError' (error, session),
 * 'listening', 'close'. Requests are refused with REFUSED_STREAM when
 * neither 'stream' nor 'request' has a listener.
 *
 * With `http1Server`, the TLS port also serves HTTP/1.1 (as shrpx and
 * nghttpx do): a client that negotiates `http/1.1`, or no protocol at all,
 * is handed to that server as its 'connection'.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { checkedProtocols, pickProtocol, versionOfNegotiated, versionOfProtocol } from './alpn.js';
import type { SpdyProtocol } from './alpn.js';
import { ServerRequest, ServerResponse } from './compat.js';
import { SpdyError } from './errors.js';
import { resolveCompression } from './content-coding.js';
import { ServerSession } from './server-session.js';
import type { ServerSessionOptions, ServerStream } from './server-session.js';
import type { IncomingHeaders } from './headers.js';

export interface ServerOptions extends ServerSessionOptions {
  /**
   * TLS options (key, cert, ...). Without them (or with `tls: false`) the
   * server speaks SPDY over plain TCP with the version `protocol`.
   */
  tls?: tls.TlsOptions | false;
  /** TLS: the protocols we accept, by preference (default spdy/3.1, spdy/3, spdy/2). */
  protocols?: SpdyProtocol[];
  /** Plain TCP: the version spoken (default spdy/3.1). */
  protocol?: SpdyProtocol;
  /** Idle timeout per connection in ms (default 120000; 0: none). */
  idleTimeout?: number;
  /** ServerSessionOptions' streamIdleTimeout, on by default here: 60000 ms (0: none). */
  streamIdleTimeout?: number;
  /**
   * TLS: where HTTP/1.1 clients go. A connection that negotiates
   * `http/1.1` by ALPN (offered after the SPDY protocols) or negotiates
   * nothing is emitted as this server's 'connection', e.g. an
   * `http.createServer(handler)` that never listens itself. Without it,
   * only SPDY is accepted.
   */
  http1Server?: net.Server;
}

/** createServer's defaults for the timeouts a ServerSession leaves off by default. */
export const DEFAULT_SERVER_IDLE_TIMEOUT = 120_000;
export const DEFAULT_STREAM_IDLE_TIMEOUT = 60_000;

/** The ALPN id of HTTP/1.1, accepted after the SPDY protocols when an http1Server is given. */
const HTTP1_PROTOCOL = 'http/1.1';

export type RequestHandler = (req: ServerRequest, res: ServerResponse) => void;

export class SpdyServer extends EventEmitter {
  readonly sessions = new Set<ServerSession>();
  private readonly server: net.Server;
  private readonly protocols: SpdyProtocol[];
  private readonly plainProtocol: SpdyProtocol;
  private closing = false;

  constructor(private readonly options: ServerOptions = {}, handler?: RequestHandler) {
    super();
    const plain = options.tls === undefined || options.tls === false;
    this.protocols = checkedProtocols(options.protocols, 'protocols');
    this.plainProtocol = checkedProtocols([options.protocol ?? 'spdy/3.1'], 'protocol')[0]!;
    resolveCompression(options.compression); // a bad option is refused here, not at the first connection
    if (handler !== undefined) this.on('request', handler);
    if (plain) {
      this.server = net.createServer({ noDelay: true }, (socket) => this.handleConnection(socket));
    } else {
      const protocols: readonly string[] = options.http1Server === undefined ? this.protocols : [...this.protocols, HTTP1_PROTOCOL];
      this.server = tls.createServer(
        {
          ...(options.tls as tls.TlsOptions),
          // Our preference decides, not the client's order (Node's ALPNProtocols would follow OpenSSL's rules).
          ALPNCallback: ({ protocols: offered }) => pickProtocol(protocols, offered),
        },
        (socket) => this.handleSecureConnection(socket),
      );
      this.server.on('tlsClientError', (error, socket) => {
        this.emitSessionError(error, null);
        socket.destroy();
      });
    }
    this.server.on('listening', () => this.emit('listening'));
    this.server.on('error', (error) => this.emit('error', error));
    this.server.on('close', () => this.emit('close'));
  }

  /** Listens on `port` (0 picks a free one) and `host`; `callback` on 'listening'. */
  listen(port = 0, host?: string, callback?: () => void): this {
    this.server.listen(port, host, callback);
    return this;
  }

  /** Where it listens. */
  address(): net.AddressInfo {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', 'the server is not listening');
    return address;
  }

  /**
   * Stops accepting connections and ends every session gracefully (GOAWAY,
   * open streams finish). `callback` and the promise settle once all are closed.
   */
  close(callback?: (error?: Error) => void): Promise<void> {
    this.closing = true;
    const listenerClosed = new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
    });
    for (const session of this.sessions) void session.close();
    // Node reports the listener closed once its last socket is gone, which
    // can be a tick before that socket's session has settled and emitted 'close'.
    const done = listenerClosed.then(() => Promise.all(Array.from(this.sessions, (session) => session.close())).then(() => undefined));
    return done.then(
      () => callback?.(),
      (error: Error) => {
        callback?.(error);
        if (callback === undefined) throw error;
      },
    );
  }

  /** Ends every session at once. */
  destroyAll(): void {
    for (const session of this.sessions) session.destroy();
  }

  /**
   * Serves SPDY on a socket accepted elsewhere (an HTTP 'upgrade', a socket
   * passed from another process): plain SPDY with `protocol` (default the
   * server's), `head` being bytes already read from it.
   */
  handleConnection(socket: Duplex, head?: Uint8Array, protocol: SpdyProtocol = this.plainProtocol): ServerSession {
    return this.startSession(socket, versionOfProtocol(protocol), protocol, head);
  }

  private handleSecureConnection(socket: tls.TLSSocket): void {
    const http1 = this.options.http1Server;
    if (http1 !== undefined && (socket.alpnProtocol === HTTP1_PROTOCOL || socket.alpnProtocol === false)) {
      http1.emit('connection', socket);
      return;
    }
    let version: number;
    try {
      version = versionOfNegotiated(socket.alpnProtocol, this.protocols);
    } catch (error) {
      // Without ALPN (or with a protocol that is not ours) there is no SPDY to speak.
      this.emitSessionError(error as Error, null);
      socket.destroy();
      return;
    }
    this.startSession(socket, version, socket.alpnProtocol as SpdyProtocol);
  }

  private startSession(socket: Duplex, version: number, protocol: SpdyProtocol, head?: Uint8Array): ServerSession {
    const session = new ServerSession({
      ...this.options,
      idleTimeout: this.options.idleTimeout ?? DEFAULT_SERVER_IDLE_TIMEOUT,
      streamIdleTimeout: this.options.streamIdleTimeout ?? DEFAULT_STREAM_IDLE_TIMEOUT,
    });
    this.sessions.add(session);
    session.on('stream', (stream: ServerStream, headers: IncomingHeaders) => this.onStream(stream, headers));
    session.on('error', (error: Error) => this.emitSessionError(error, session));
    session.once('close', () => this.sessions.delete(session));
    this.emit('session', session);
    session.start(socket, version, protocol, head);
    if (this.closing) void session.close();
    return session;
  }

  private onStream(stream: ServerStream, headers: IncomingHeaders): void {
    if (this.listenerCount('stream') > 0) this.emit('stream', stream, headers);
    if (this.listenerCount('request') > 0) {
      const req = new ServerRequest(stream);
      const res = new ServerResponse(stream, req);
      this.emit('request', req, res);
    } else if (this.listenerCount('stream') === 0) {
      stream.close(3 /* REFUSED_STREAM */);
    }
  }

  private emitSessionError(error: Error, session: ServerSession | null): void {
    if (this.listenerCount('sessionError') > 0) this.emit('sessionError', error, session);
  }
}

/** Creates a SPDY server; `handler` gets Node-style (req, res) for each request. */
export function createServer(options: ServerOptions = {}, handler?: RequestHandler): SpdyServer {
  return new SpdyServer(options, handler);
}
