/**
 * Content coding over real sockets: the server compresses for clients that
 * accept it (in-thread for small bodies, in the zlib pool for large ones,
 * streaming), the client decodes gzip and deflate, and a corrupt or
 * truncated coded body is a stream error (ERR_SPDY_GZIP, RST_STREAM
 * INTERNAL_ERROR) after which the session goes on.
 */
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { INTERNAL_ERROR, connect, request } from '../../src/index.js';
import type { ClientSession, ServerStream, SpdyServer } from '../../src/index.js';
import type { ZlibPool } from '../../src/workers/zlib-pool.js';
import { listen, within } from '../helpers/loopback.js';
import type { Listening } from '../helpers/loopback.js';
import { testZlibPool } from '../helpers/zlib-pool.js';

const transport = { name: 'spdy/3.1 over TLS', tls: true, protocol: 'spdy/3.1' as const };
const text = Buffer.from('SPDY content coding, line after line.\n'.repeat(2000)); // 76 KB, compressible
const large = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `row ${i}: ${(i * 7919) % 10007}\n`).join('')); // ~500 KB

let pool: ZlibPool;
beforeAll(() => {
  pool = testZlibPool({ size: 1 });
});
afterAll(async () => {
  await pool.close();
});

describe('content coding between our client and server', () => {
  let up: Listening | undefined;
  let session: ClientSession | undefined;
  const served: ServerStream[] = [];

  afterEach(async () => {
    await session?.close();
    await up?.server.close();
    session = undefined;
    up = undefined;
    served.length = 0;
  });

  /** A server answering by path; `compression` as createServer takes it. */
  async function serve(compression: unknown = { engine: 'pool', pool, poolThreshold: 256 * 1024 }): Promise<Listening> {
    up = await listen(
      transport,
      undefined,
      { compression } as never,
    );
    (up.server as SpdyServer).on('stream', (stream: ServerStream) => {
      served.push(stream);
      stream.on('error', () => {});
      const path = stream.headers?.[':path'];
      const send = (headers: Record<string, string | number>, body: Uint8Array) => {
        stream.respond(headers);
        // Written in pieces: the coder works as a stream.
        for (let at = 0; at < body.length; at += 10_000) stream.write(body.subarray(at, at + 10_000));
        stream.end();
      };
      switch (path) {
        case '/text':
          return send({ 'content-type': 'text/plain', 'content-length': text.length }, text);
        case '/large':
          return send({ 'content-type': 'text/csv', 'content-length': large.length }, large);
        case '/unsized':
          return send({ 'content-type': 'text/plain' }, text);
        case '/small':
          return send({ 'content-type': 'text/plain', 'content-length': 100 }, text.subarray(0, 100));
        case '/image':
          return send({ 'content-type': 'image/png', 'content-length': text.length }, text);
        case '/not-modified':
          stream.respond({ ':status': 304 }, { endStream: true });
          return;
        case '/corrupt':
          // The stream stays open after the garbage, so the client's reset reaches it.
          stream.respond({ 'content-type': 'text/plain', 'content-encoding': 'gzip' });
          stream.write(Buffer.from('this is not gzip at all'));
          return;
        case '/truncated': {
          const gz = gzipSync(text);
          return send({ 'content-type': 'text/plain', 'content-encoding': 'gzip' }, gz.subarray(0, gz.length >> 1));
        }
        case '/pregzipped': {
          const gz = gzipSync(large);
          return send({ 'content-type': 'text/csv', 'content-encoding': 'gzip', 'content-length': gz.length }, gz);
        }
        case '/raw-deflate':
          return send({ 'content-type': 'text/plain', 'content-encoding': 'deflate' }, deflateSync(text).subarray(2, -4));
        default:
          stream.respond({ ':status': 404 }, { endStream: true });
      }
    });
    return up;
  }

  const get = (path: string, options: Record<string, unknown> = {}) =>
    within(request(`${up!.url}${path}`, { session, ...options }), 15_000, `GET ${path}`);

  it('compresses a text response for a client that decodes it, byte-exact, in-thread when small', async () => {
    await serve();
    session = connect(up!.url, { ...up!.connectOptions, decompress: true });
    const lane = vi.spyOn(pool, 'lane');
    const res = await get('/text');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body.equals(text)).toBe(true);
    expect(served[0]!.compressed).toBe(true);
    expect(lane).not.toHaveBeenCalled();
    lane.mockRestore();
  });

  it("compresses with Node's zlib by default, and decodes with it", async () => {
    await serve(true);
    session = connect(up!.url, { ...up!.connectOptions, decompress: true });
    const lane = vi.spyOn(pool, 'lane');
    for (const path of ['/text', '/large', '/unsized']) {
      const res = await get(path);
      expect(res.headers['content-encoding'], path).toBe('gzip');
      expect(res.body.equals(path === '/large' ? large : text), path).toBe(true);
    }
    expect(lane).not.toHaveBeenCalled();
    lane.mockRestore();
  });

  it('compresses a body declared past the pool threshold in the pool', async () => {
    await serve();
    session = connect(up!.url, { ...up!.connectOptions, decompress: true });
    const lane = vi.spyOn(pool, 'lane');
    const res = await get('/large');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.equals(large)).toBe(true);
    expect(lane).toHaveBeenCalledTimes(1);
    lane.mockRestore();
  });

  it('sends the coded bytes as they are to a client that asked for gzip but does not decode', async () => {
    await serve();
    session = connect(up!.url, up!.connectOptions);
    const res = await get('/unsized', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.length).toBeLessThan(text.length / 10);
    expect(gunzipSync(res.body).equals(text)).toBe(true);
  });

  it('uses deflate when that is all the client accepts', async () => {
    await serve();
    session = connect(up!.url, up!.connectOptions);
    const res = await get('/text', { headers: { 'accept-encoding': 'deflate, gzip;q=0' }, decompress: { engine: 'in-thread' } });
    expect(res.headers['content-encoding']).toBe('deflate');
    expect(res.body.equals(text)).toBe(true);
  });

  it('leaves alone clients that do not accept it, small bodies, compressed types and 304', async () => {
    await serve();
    session = connect(up!.url, up!.connectOptions);
    const plain = await get('/text');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-length']).toBe(String(text.length));
    expect(plain.body.equals(text)).toBe(true);
    for (const path of ['/small', '/image', '/not-modified']) {
      const res = await get(path, { decompress: true });
      expect(res.headers['content-encoding'], path).toBeUndefined();
    }
    expect(served.every((s) => !s.compressed)).toBe(true);
  });

  it('decodes a pre-gzipped body with content-length in the pool when asked to', async () => {
    await serve(false);
    session = connect(up!.url, up!.connectOptions);
    const lane = vi.spyOn(pool, 'lane');
    const res = await get('/pregzipped', { decompress: { engine: 'pool', pool, poolThreshold: 1024 } });
    expect(res.body.equals(large)).toBe(true);
    expect(lane).toHaveBeenCalledTimes(1);
    lane.mockRestore();
  });

  it('decodes raw deflate, as some servers send it', async () => {
    await serve(false);
    session = connect(up!.url, { ...up!.connectOptions, decompress: true });
    expect((await get('/raw-deflate')).body.equals(text)).toBe(true);
  });

  for (const [path, what] of [
    ['/corrupt', /corrupt/],
    ['/truncated', /truncated/],
  ] as const) {
    it(`fails a ${path.slice(1)} gzip body with ERR_SPDY_GZIP and goes on with the session`, async () => {
      await serve(false);
      session = connect(up!.url, { ...up!.connectOptions, decompress: true });
      const error = await get(path).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error?.code).toBe('ERR_SPDY_GZIP');
      expect(error?.message).toMatch(what);
      if (path === '/corrupt') {
        // Reset with INTERNAL_ERROR, as spdycat does, while the server was still sending.
        await vi.waitFor(() => expect(served[0]!.rstCode).toBe(INTERNAL_ERROR), { timeout: 5000 });
      }
      const next = await get('/raw-deflate');
      expect(next.body.equals(text)).toBe(true);
    });
  }

  it('refuses a bad compression option when the server is made', async () => {
    await expect(listen(transport, undefined, { compression: { minLength: -1 } } as never)).rejects.toThrow(/minLength/);
    await expect(listen(transport, undefined, { compression: { engine: 'brotli' } } as never)).rejects.toThrow(/engine/);
  });
});

describe('streaming', () => {
  it('codes as it goes: the client decodes the first part before the server writes the rest', async () => {
    const up = await listen(transport, undefined, { compression: { engine: 'in-thread' } } as never);
    // Letters at random: text that compresses, but not to nothing, so zlib
    // has output long before the end.
    const part = Buffer.from(Array.from({ length: 1 << 20 }, () => 0x61 + Math.floor(Math.random() * 26)));
    let clientHasData: () => void = () => {};
    const clientHasDataNow = new Promise<void>((r) => (clientHasData = r));
    up.server.on('stream', (stream: ServerStream) => {
      stream.respond({ 'content-type': 'text/plain' });
      stream.write(part);
      // The rest is written only once the client has decoded something: a
      // server that held the body until its end would never get here.
      void clientHasDataNow.then(() => stream.end(part));
    });
    const session = connect(up.url, { ...up.connectOptions, decompress: true });
    try {
      const stream = session.request({ ':path': '/stream' });
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        clientHasData();
      });
      await within(new Promise((r) => stream.once('end', r)), 30_000, 'the streamed body');
      expect(stream.headers?.['content-encoding']).toBe('gzip');
      expect(Buffer.concat(chunks).equals(Buffer.concat([part, part]))).toBe(true);
    } finally {
      await session.close();
      await up.server.close();
    }
  });
});
