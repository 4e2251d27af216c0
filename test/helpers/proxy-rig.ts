/**
 * A proxy between a test's client and a real HTTP/1.1 backend, all on
 * 127.0.0.1: startBackend() runs a node:http server with the test's
 * handler, startProxy() a SpdyProxy in front of it (TLS with the test
 * certificate, or plain TCP at a fixed version), and peerClient() connects
 * spdy-transport's client to it. Everything is closed by the returned
 * close functions; nothing keeps running after a test.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { createProxy } from '../../src/index.js';
import type { ProxyOptions, SpdyProtocol, SpdyProxy } from '../../src/index.js';
import { installObufPatch } from './spdy-transport-peer.js';
import type { PeerConnection, PeerVersion } from './spdy-transport-peer.js';
import { testCertificate } from './loopback.js';

export interface Backend {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** A node:http backend on a free port of 127.0.0.1. */
export async function startBackend(handler: http.RequestListener): Promise<Backend> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RunningProxy {
  proxy: SpdyProxy;
  port: number;
  url: string;
  /** What our connect() needs to reach it. */
  connectOptions: { protocol: SpdyProtocol; protocols: SpdyProtocol[]; tls: { ca: string } };
  close(): Promise<void>;
}

/** A proxy on a free port of 127.0.0.1 in front of `backends`. */
export async function startProxy(
  transport: { tls: boolean; protocol: SpdyProtocol },
  backendPorts: number[],
  options: Partial<ProxyOptions> = {},
): Promise<RunningProxy> {
  const cert = await testCertificate();
  const proxy = createProxy({
    backends: backendPorts.map((port) => ({ host: '127.0.0.1', port })),
    tls: transport.tls ? { key: cert.key, cert: cert.cert } : false,
    protocols: [transport.protocol],
    protocol: transport.protocol,
    ...options,
  });
  const { port } = await proxy.listen(0, '127.0.0.1');
  return {
    proxy,
    port,
    url: `${transport.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    connectOptions: { protocol: transport.protocol, protocols: [transport.protocol], tls: { ca: cert.cert } },
    close: () => proxy.close(2000),
  };
}

const require = createRequire(import.meta.url);

/** spdy-transport's client on a plain TCP connection to `port`, speaking `version`. */
export async function peerClient(port: number, version: PeerVersion): Promise<{ connection: PeerConnection; socket: net.Socket }> {
  await installObufPatch();
  const transport = require('spdy-transport') as {
    connection: { create(socket: net.Socket, options: { protocol: 'spdy'; isServer: boolean }): PeerConnection };
  };
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const connection = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
  connection.on('error', () => socket.destroy());
  connection.start(version);
  return { connection, socket };
}

/** Reads a request body whole. */
export async function bodyOf(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
