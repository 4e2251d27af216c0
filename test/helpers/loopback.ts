/**
 * Servers and clients on 127.0.0.1 for the socket tests: a self-signed
 * certificate made once per test file, servers on free ports, and helpers
 * that read a stream whole. Everything here stops by itself: callers close
 * what they open in afterEach/finally, and every wait is bounded.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createServer, selfSignedCertificate } from '../../src/index.js';
import type { Certificate, RequestHandler, ServerOptions, SpdyProtocol, SpdyServer } from '../../src/index.js';

export const PROTOCOLS: readonly SpdyProtocol[] = ['spdy/3.1', 'spdy/3', 'spdy/2'];

let certificate: Promise<Certificate> | undefined;

/** One certificate per test file (making one takes a few ms). */
export function testCertificate(): Promise<Certificate> {
  certificate ??= selfSignedCertificate();
  return certificate;
}

/** Every (transport, protocol) pair, for describe.each. */
export const TRANSPORTS = PROTOCOLS.flatMap((protocol) => [
  { name: `TLS ${protocol}`, tls: true, protocol },
  { name: `TCP ${protocol}`, tls: false, protocol },
]);

export interface Listening {
  server: SpdyServer;
  url: string;
  port: number;
  /** Connect options that reach it (trust for TLS, the protocol). */
  connectOptions: { protocol: SpdyProtocol; protocols: SpdyProtocol[]; tls: { ca: string } };
}

/** Starts a server on 127.0.0.1 and a free port. */
export async function listen(
  transport: { tls: boolean; protocol: SpdyProtocol },
  handler?: RequestHandler,
  options: ServerOptions = {},
): Promise<Listening> {
  const cert = await testCertificate();
  const server = createServer(
    {
      tls: transport.tls ? { key: cert.key, cert: cert.cert } : false,
      protocols: [transport.protocol],
      protocol: transport.protocol,
      ...options,
    },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    server,
    port,
    url: `${transport.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    connectOptions: { protocol: transport.protocol, protocols: [transport.protocol], tls: { ca: cert.cert } },
  };
}

/** Reads a stream to its end (rejects on its error). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic bytes (no Math.random): a counter pattern. */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Rejects after `ms` (a bound for waits that could hang). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
