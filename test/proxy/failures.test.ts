/**
 * When the backend fails, as shrpx answered: a backend that refuses or
 * fails before its headers gets the client a 502 page, one that takes too
 * long a 504 page, one that fails after its headers a RST_STREAM
 * INTERNAL_ERROR. A client that goes away stops the backend request, and
 * close() drains: requests in flight finish, new ones are refused.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { ClientSession, SpdyError } from '../../src/index.js';
import { readAll, within } from '../helpers/loopback.js';
import { startBackend, startProxy } from '../helpers/proxy-rig.js';
import type { Backend, RunningProxy } from '../helpers/proxy-rig.js';

let backend: Backend | undefined;
let proxy: RunningProxy | undefined;
let session: ClientSession | undefined;

afterEach(async () => {
  session?.destroy();
  await proxy?.close();
  await backend?.close();
  session = backend = proxy = undefined;
});

const TLS = { tls: true, protocol: 'spdy/3.1' } as const;

/** A port nothing listens on (a server opened and closed again). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('backend failures', () => {
  it('a backend that refuses the connection: 502 with shrpx page', async () => {
    proxy = await startProxy(TLS, [await closedPort()]);
    session = connect(proxy.url, proxy.connectOptions);
    const res = await within(request(`${proxy.url}/x`, { session }), 10_000, 'GET');
    expect(res.status).toBe(502);
    expect(res.statusText).toBe('Bad Gateway');
    const html = `<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><address>spdyproxy spdylay/0.1.0 at port ${proxy.port}</address></body></html>`;
    expect(res.text()).toBe(html);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=UTF-8',
      server: 'spdyproxy spdylay/0.1.0',
      'content-length': String(html.length),
    });
  });

  it('a backend that never answers: 504 once the backend read timeout passes', async () => {
    backend = await startBackend(() => {});
    proxy = await startProxy(TLS, [backend.port], { backendReadTimeout: 300 });
    session = connect(proxy.url, proxy.connectOptions);
    const res = await within(request(`${proxy.url}/never`, { session }), 10_000, 'GET');
    expect(res.status).toBe(504);
    expect(res.text()).toContain('<title>504 Gateway Timeout</title>');
  });

  it('a backend that dies mid-body: the part already sent arrives, then RST_STREAM INTERNAL_ERROR', async () => {
    backend = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(30_000, 1), () => setTimeout(() => res.socket?.destroy(), 50));
    });
    proxy = await startProxy(TLS, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    const stream = session.request({ ':path': '/dies' });
    let received = 0;
    stream.on('data', (chunk: Buffer) => (received += chunk.length));
    const error = await within(
      new Promise<SpdyError>((resolve) => stream.once('error', resolve)),
      10_000,
      'reset',
    );
    expect(stream.statusCode).toBe(200);
    expect(error.code).toBe('ERR_SPDY_STREAM_RESET');
    expect(error.statusName).toBe('INTERNAL_ERROR');
    expect(received).toBe(30_000);
  });

  it('a backend that sends its headers, part of its body and its end in one write: the reply, then RST_STREAM INTERNAL_ERROR', async () => {
    // A raw backend, so the reply, the short body and the close reach the proxy together.
    const raw = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789'));
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      proxy = await startProxy(TLS, [(raw.address() as net.AddressInfo).port]);
      session = connect(proxy.url, proxy.connectOptions);
      const stream = session.request({ ':path': '/short' });
      stream.resume();
      const error = await within(new Promise<SpdyError>((resolve) => stream.once('error', resolve)), 10_000, 'reset');
      expect(stream.statusCode).toBe(200);
      expect(error.code).toBe('ERR_SPDY_STREAM_RESET');
      expect(error.statusName).toBe('INTERNAL_ERROR');
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });

  it('a backend whose body stalls past the read timeout: RST_STREAM INTERNAL_ERROR', async () => {
    backend = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('12345');
    });
    proxy = await startProxy(TLS, [backend.port], { backendReadTimeout: 300 });
    session = connect(proxy.url, proxy.connectOptions);
    const stream = session.request({ ':path': '/stalls' });
    stream.resume();
    const error = await within(new Promise<SpdyError>((resolve) => stream.once('error', resolve)), 10_000, 'reset');
    expect(error.statusName).toBe('INTERNAL_ERROR');
  });

  it('a client that resets its stream stops the backend request', async () => {
    let backendClosed!: () => void;
    const closed = new Promise<void>((resolve) => (backendClosed = resolve));
    backend = await startBackend((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(Buffer.alloc(1000)), 5);
      res.once('close', () => {
        clearInterval(timer);
        backendClosed();
      });
    });
    proxy = await startProxy(TLS, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    const stream = session.request({ ':path': '/endless' });
    await within(new Promise((resolve) => stream.once('data', resolve)), 10_000, 'first bytes');
    stream.close();
    await within(closed, 10_000, 'backend request closed');
  });
});

describe('close(): the proxy drains', () => {
  it('lets the request in flight finish, refuses new ones, then closes', async () => {
    let answer!: () => void;
    backend = await startBackend((_req, res) => {
      answer = () => res.end('late but whole');
    });
    proxy = await startProxy(TLS, [backend.port]);
    session = connect(proxy.url, proxy.connectOptions);
    const inFlight = session.request({ ':path': '/slow' });
    const body = readAll(inFlight);
    await within(
      new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (answer !== undefined) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      }),
      10_000,
      'request at the backend',
    );
    const goaway = new Promise((resolve) => session!.once('goaway', resolve));
    const closed = proxy.proxy.close(10_000);
    await within(goaway, 10_000, 'GOAWAY');
    expect(() => session!.request({ ':path': '/new' })).toThrow(/GOAWAY/);
    answer();
    expect((await within(body, 10_000, 'in-flight body')).toString()).toBe('late but whole');
    await within(closed, 10_000, 'close');
  });
});
