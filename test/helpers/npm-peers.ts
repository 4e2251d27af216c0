/**
 * The npm peers on real sockets on 127.0.0.1: the `spdy` 4.0.2 server (its
 * HTTP layer over spdy-transport) and spdy-transport 3.0.0's client
 * connection on a TLS or TCP socket opened here. Everything started here
 * is stopped by the caller (close(), or stopAll() in afterEach), and the
 * socket count can be checked afterwards (openSocketCount).
 *
 * Harness-only measures for the peer, never shipped (see the shared PEERS
 * notes):
 * - obuf 1.1.2's OffsetBuffer.take() is patched at run time before the
 *   peer is loaded (installObufPatch): unpatched on Node 20 a long-lived
 *   connection fails with "Headers OOB".
 * - The peer's client is spdy-transport's connection.create() on a socket
 *   we open (TLS with ALPN, or TCP), not the `spdy` Agent: on Node 20 the
 *   Agent's socket glue (handle-thing 2.0.1) breaks request bodies
 *   ("Callback called multiple times", and writev drops every second
 *   buffer), though nothing on the wire is wrong.
 * - Handlers and peer streams get 'error' listeners: a reset or a lost
 *   connection makes the peer emit 'error', which unhandled would end the
 *   test process instead of failing the test that caused it.
 */
import { createRequire } from 'node:module';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { IncomingMessage, ServerResponse as HttpServerResponse } from 'node:http';
import type { SpdyProtocol } from '../../src/index.js';
import { testCertificate } from './loopback.js';
import { installObufPatch } from './spdy-transport-peer.js';
import type { PeerConnection, PeerHeaders, PeerStream, PeerVersion } from './spdy-transport-peer.js';

const require = createRequire(import.meta.url);

/** ALPN ids to the version numbers spdy-transport's start() takes. */
export const PEER_VERSIONS: Readonly<Record<SpdyProtocol, PeerVersion>> = { 'spdy/3.1': 3.1, 'spdy/3': 3, 'spdy/2': 2 };

// ---- the modules, as far as the tests use them ----

/** What the `spdy` server adds to Node's request and response. */
export interface SpdyRequest extends IncomingMessage {
  spdyStream: PeerStream;
  spdyVersion: number;
}
export interface SpdyResponse extends HttpServerResponse {
  spdyStream: PeerStream;
  push(path: string, headers: { request?: PeerHeaders; response?: PeerHeaders; status?: number; method?: string }): PeerStream;
}
export type SpdyHandler = (req: SpdyRequest, res: SpdyResponse) => void;

interface SpdyModule {
  createServer(options: Record<string, unknown>, handler: SpdyHandler): net.Server;
}
interface TransportModule {
  connection: {
    create(socket: Duplex, options: { protocol: 'spdy'; isServer: boolean; [option: string]: unknown }): PeerConnection;
  };
}

let spdy: SpdyModule | null = null;
let transport: TransportModule | null = null;

/** Patches obuf (harness only) and loads `spdy` and `spdy-transport`. Call in beforeAll. */
export async function loadPeers(): Promise<string> {
  const note = await installObufPatch();
  spdy = require('spdy') as SpdyModule;
  transport = require('spdy-transport') as TransportModule;
  return note;
}

// ---- bookkeeping: everything started is stopped ----

const running = new Set<{ stop(): void }>();

/** Destroys every server and client still running (afterEach), so nothing outlives its test. */
export function stopAll(): void {
  for (const item of [...running]) item.stop();
}

/** TCP handles (sockets and servers, TLS included) this process still has open. */
export function openSocketCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

/** Waits (bounded) until no TCP handle is left; returns how many remain. */
export async function socketsLeft(ms = 5000): Promise<number> {
  const until = Date.now() + ms;
  while (openSocketCount() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return openSocketCount();
}

// ---- the `spdy` server ----

export interface PeerServer {
  readonly url: string;
  readonly port: number;
  /** The peer vanishes: every connection is destroyed at once, with no GOAWAY. */
  vanish(): void;
  close(): Promise<void>;
}

export interface PeerServerOptions {
  tls: boolean;
  /** TLS: the only protocol it offers over ALPN. */
  protocol: SpdyProtocol;
  /** spdy-transport options for each connection (`autoSpdy31`, ...). */
  connection?: Record<string, unknown>;
}

/**
 * Starts a `spdy` server on 127.0.0.1: TLS (`ssl: true`, ALPN offering
 * `protocol` only) or plain TCP (`plain: true, ssl: false`, where it takes
 * the version from the first frame).
 */
export async function startSpdyServer(options: PeerServerOptions, handler: SpdyHandler): Promise<PeerServer> {
  if (spdy === null) throw new Error('call loadPeers() first');
  const cert = await testCertificate();
  const server = spdy.createServer(
    {
      key: cert.key,
      cert: cert.cert,
      spdy: {
        protocols: [options.protocol],
        plain: !options.tls,
        ssl: options.tls,
        ...(options.connection === undefined ? {} : { connection: options.connection }),
      },
    },
    (req, res) => {
      req.on('error', () => {});
      res.on('error', () => {});
      req.spdyStream.on('error', () => {});
      handler(req, res);
    },
  );
  const connections = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    connections.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => connections.delete(socket));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const vanish = () => {
    for (const socket of connections) socket.destroy();
  };
  const entry = {
    stop: () => {
      running.delete(entry);
      vanish();
      server.close();
    },
  };
  running.add(entry);
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    vanish,
    close: () =>
      new Promise<void>((resolve) => {
        running.delete(entry);
        server.close(() => resolve());
        vanish();
      }),
  };
}

// ---- spdy-transport's client ----

export interface PeerResponse {
  status: number;
  headers: PeerHeaders;
  body: Buffer;
}

export interface PeerRequestOptions {
  method: string;
  path: string;
  headers?: PeerHeaders;
  /** Written and the stream ended; without it a GET ends with its headers and other methods end empty. */
  body?: Uint8Array;
  /** Leave the request body open: the caller writes to the stream (and ends or aborts it). */
  open?: boolean;
}

export interface PeerRequestHandle {
  stream: PeerStream;
  /** Settles with the whole response, or the stream's error. */
  response: Promise<PeerResponse>;
  /** The SYN_STREAM is out: with `open`, write to the stream only after this. */
  sent: Promise<void>;
}

export interface PeerClient {
  readonly connection: PeerConnection;
  /** The socket it speaks on (TLS or TCP), opened here. */
  readonly socket: net.Socket;
  /** The protocol spoken: ALPN's choice, or the one given for TCP. */
  readonly protocol: SpdyProtocol;
  /** Connection-level errors it reported. */
  readonly errors: Error[];
  /** Opens a request. */
  request(options: PeerRequestOptions): PeerRequestHandle;
  /** The peer vanishes: its socket is destroyed, with no GOAWAY. */
  vanish(): void;
  /** Ends gracefully (its GOAWAY), bounded: the socket is destroyed after `ms`. */
  close(ms?: number): Promise<void>;
}

export interface PeerClientOptions {
  tls: boolean;
  port: number;
  /** TLS: offered over ALPN, in this order. TCP: the first is spoken. */
  protocols: SpdyProtocol[];
}

/** spdy-transport as a client on a socket opened here: TLS with ALPN, or TCP with a fixed version. */
export async function connectPeerClient(options: PeerClientOptions): Promise<PeerClient> {
  if (transport === null) throw new Error('call loadPeers() first');
  const cert = await testCertificate();
  const socket: net.Socket = options.tls
    ? tls.connect({ host: '127.0.0.1', port: options.port, ALPNProtocols: options.protocols, ca: cert.cert })
    : net.connect({ host: '127.0.0.1', port: options.port });
  const entry = { stop: () => socket.destroy() };
  running.add(entry);
  socket.once('close', () => running.delete(entry));
  await new Promise<void>((resolve, reject) => {
    socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const protocol = options.tls ? ((socket as tls.TLSSocket).alpnProtocol as SpdyProtocol) : options.protocols[0]!;
  const version = PEER_VERSIONS[protocol];
  if (version === undefined) throw new Error(`ALPN chose ${String(protocol)}`);
  const connection = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
  const errors: Error[] = [];
  connection.on('error', (error: Error) => errors.push(error));
  connection.start(version);
  return {
    connection,
    socket,
    protocol,
    errors,
    request: (request) => peerRequest(connection, request),
    vanish: () => socket.destroy(),
    close: (ms = 5000) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) {
          resolve();
          return;
        }
        const timer = setTimeout(() => socket.destroy(), ms);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        connection.end();
      }),
  };
}

function peerRequest(connection: PeerConnection, options: PeerRequestOptions): PeerRequestHandle {
  // The body is written once the SYN_STREAM is out (the callback): the peer
  // sends a request's SYN_STREAM a tick later unless a body is written at
  // once, which sends it at once, so ids would go out of order: a session
  // error (sockets-peer-defects: "spdy-transport sends a request's
  // SYN_STREAM a tick after request() ...").
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const stream = connection.request({ method: options.method, path: options.path, host: '127.0.0.1', headers: options.headers ?? {} }, (error) => {
    if (error !== null && error !== undefined) return;
    markSent();
    if (options.body !== undefined) stream.end(Buffer.from(options.body.buffer, options.body.byteOffset, options.body.byteLength));
    else if (options.method !== 'GET' && options.open !== true) stream.end();
  });
  const response = new Promise<PeerResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: PeerHeaders = {};
    stream.on('response', (code: number, received: PeerHeaders) => {
      status = code;
      headers = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    // It emits 'close' as soon as the FIN is in, which may be before the
    // body is read out and 'end' follows: only a close without FIN is early.
    stream.on('close', () => {
      if (!(stream as unknown as { _readableState: { ended: boolean } })._readableState.ended) {
        reject(new Error(`peer stream ${stream.id} closed before its end`));
      }
    });
  });
  // Awaited by the tests that care; one left unawaited (a stream the test
  // resets or abandons) must not surface as an unhandled rejection.
  response.catch(() => {});
  return { stream, response, sent };
}

/** Reads a `spdy` request body whole. */
export async function readRequest(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
