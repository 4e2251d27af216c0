/**
 * A peer that is not SPDY, on 127.0.0.1: a raw TCP or TLS socket that sends
 * whatever bytes a test gives it and records what it gets back, for the
 * bad-input tests. It plays along with an orderly close (ends its side when
 * ours ends), so a test sees exactly what our side did; every wait is
 * bounded by the caller.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { SpdyProtocol } from '../../src/index.js';
import { testCertificate } from './loopback.js';

export interface RawTransport {
  tls: boolean;
  protocol: SpdyProtocol;
}

/** What the raw peer saw of one connection. */
export interface RawConversation {
  /** Everything the other side sent, once the connection closed. */
  received: Promise<Buffer>;
  /** Resolves when the other side ended its half (it sent FIN). */
  peerEnded: Promise<void>;
  socket: Duplex;
}

function record(socket: Duplex): RawConversation {
  const chunks: Buffer[] = [];
  let ended: () => void = () => {};
  const peerEnded = new Promise<void>((resolve) => (ended = resolve));
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('end', () => {
    ended();
    socket.end();
  });
  // A reset from our side is an outcome the test judges, not a crash.
  socket.on('error', () => {});
  const received = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
  return { received, peerEnded, socket };
}

/** Connects a raw socket to `port` (TLS offers only `protocol` by ALPN) and records the conversation. */
export async function rawClient(transport: RawTransport, port: number): Promise<RawConversation> {
  if (!transport.tls) {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return record(socket);
  }
  const cert = await testCertificate();
  const socket = tls.connect({ host: '127.0.0.1', port, ca: cert.cert, ALPNProtocols: [transport.protocol] });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  return record(socket);
}

export interface RawServer {
  port: number;
  url: string;
  /** The conversations, in the order the connections came. */
  readonly connections: RawConversation[];
  close(): Promise<void>;
}

/** A raw server: `onConnection` runs for each socket once it is ready (TLS: after the handshake, ALPN picking `protocol`). */
export async function rawServer(transport: RawTransport, onConnection: (conversation: RawConversation) => void): Promise<RawServer> {
  const connections: RawConversation[] = [];
  const sockets = new Set<Duplex>();
  const accept = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const conversation = record(socket);
    connections.push(conversation);
    onConnection(conversation);
  };
  let server: net.Server;
  if (transport.tls) {
    const cert = await testCertificate();
    server = tls.createServer({ key: cert.key, cert: cert.cert, ALPNProtocols: [transport.protocol] }, accept);
  } else {
    server = net.createServer(accept);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `${transport.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
