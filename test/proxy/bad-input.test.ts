/**
 * Bad input on the frontend, sent as raw frames on a plain TCP connection:
 * requests that cannot be forwarded are refused with RST_STREAM and never
 * reach the backend; a body that breaks its content-length never reaches
 * the backend whole; garbage and random frames on one connection leave
 * the proxy serving the others; streams past the concurrency limit are
 * refused with REFUSED_STREAM, so the client may retry them.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT, CTRL_FLAG_FIN, DATA_FLAG_FIN, GOAWAY, INTERNAL_ERROR, PROTO_SPDY2, PROTO_SPDY3_1, PROTOCOL_ERROR, REFUSED_STREAM, RST_STREAM, SYN_REPLY, connect, request } from '../../src/index.js';
import type { NameValue } from '../../src/index.js';
import { FrameFactory } from '../helpers/frame-factory.js';
import { patternBytes, within } from '../helpers/loopback.js';
import { bodyOf, startBackend, startProxy } from '../helpers/proxy-rig.js';
import type { Backend, RunningProxy } from '../helpers/proxy-rig.js';

let backend: Backend | undefined;
let proxy: RunningProxy | undefined;
/** Requests the backend saw whole. */
let completed: string[] = [];

afterEach(async () => {
  await proxy?.close();
  await backend?.close();
  backend = proxy = undefined;
  completed = [];
});

interface ControlFrame {
  type: number;
  streamId: number;
  statusCode: number;
}

/** A raw connection: frames out, the control frames that come back parsed as far as RST_STREAM and GOAWAY need. */
class RawClient {
  readonly frames: ControlFrame[] = [];
  readonly factory: FrameFactory;
  private buffered = Buffer.alloc(0);
  closed = false;

  private constructor(readonly socket: net.Socket, version: number) {
    this.factory = new FrameFactory(version, CLIENT);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async open(port: number, version: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket, version);
  }

  send(...frames: Uint8Array[]): void {
    for (const frame of frames) this.socket.write(frame);
  }

  /** Waits for a control frame of `type` (for `streamId`, if given). */
  async expectFrame(type: number, streamId?: number): Promise<ControlFrame> {
    const found = () => this.frames.find((f) => f.type === type && (streamId === undefined || f.streamId === streamId));
    await within(
      new Promise<void>((resolve, reject) => {
        const poll = setInterval(() => {
          if (found() !== undefined) {
            clearInterval(poll);
            resolve();
          } else if (this.closed) {
            clearInterval(poll);
            reject(new Error(`connection closed without control frame ${type}`));
          }
        }, 5);
      }),
      10_000,
      `control frame ${type}`,
    );
    return found()!;
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 8) {
      const length = this.buffered.readUIntBE(5, 3);
      if (this.buffered.length < 8 + length) return;
      if (this.buffered[0]! & 0x80) {
        const type = this.buffered.readUInt16BE(2);
        const payload = this.buffered.subarray(8, 8 + length);
        if (type === RST_STREAM) this.frames.push({ type, streamId: payload.readUInt32BE(0) & 0x7fffffff, statusCode: payload.readUInt32BE(4) });
        else if (type === GOAWAY) this.frames.push({ type, streamId: payload.readUInt32BE(0) & 0x7fffffff, statusCode: length >= 8 ? payload.readUInt32BE(4) : 0 });
        else this.frames.push({ type, streamId: 0, statusCode: 0 });
      }
      this.buffered = this.buffered.subarray(8 + length);
    }
  }
}

const VERSIONS = [
  { name: 'spdy/3.1', protocol: 'spdy/3.1' as const, version: PROTO_SPDY3_1 },
  { name: 'spdy/2', protocol: 'spdy/2' as const, version: PROTO_SPDY2 },
];

describe.each(VERSIONS)('bad input on the frontend ($name)', ({ protocol, version }) => {
  const start = async (options = {}) => {
    backend = await startBackend((req, res) => {
      void bodyOf(req)
        .then(() => {
          completed.push(req.url ?? '');
          res.end('ok');
        })
        .catch(() => {});
    });
    proxy = await startProxy({ tls: false, protocol }, [backend.port], options);
    return RawClient.open(proxy.port, version);
  };

  /** A well-formed request list, with `change` applied. */
  const nv = (path: string, change: (list: NameValue[]) => NameValue[] = (l) => l): NameValue[] =>
    change([
      [':method', 'GET'],
      [':path', path],
      [':version', 'HTTP/1.1'],
      [':host', 'example.org'],
      [':scheme', 'https'],
    ]);

  it.each([
    ['no :host', (l: NameValue[]) => l.filter(([n]) => n !== ':host'), INTERNAL_ERROR],
    ['no :method', (l: NameValue[]) => l.filter(([n]) => n !== ':method'), INTERNAL_ERROR],
    ['no :path', (l: NameValue[]) => l.filter(([n]) => n !== ':path'), INTERNAL_ERROR],
    ['a header name that is no HTTP token', (l: NameValue[]) => [...l, ['bad(name)', 'x']] as NameValue[], INTERNAL_ERROR],
    ['a :path that is not origin-form', (l: NameValue[]) => l.map(([n, v]) => [n, n === ':path' ? 'no-slash' : v] as NameValue), INTERNAL_ERROR],
    ['CR LF in :path', (l: NameValue[]) => l.map(([n, v]) => [n, n === ':path' ? '/a\r\nX-Evil: 1' : v] as NameValue), PROTOCOL_ERROR],
  ])('a request with %s is refused with RST_STREAM and never reaches the backend', async (_what, change, status) => {
    const client = await start();
    client.send(client.factory.synStream({ streamId: 1, flags: CTRL_FLAG_FIN, nv: nv('/bad', change) }));
    const rst = await client.expectFrame(RST_STREAM, 1);
    expect(rst.statusCode).toBe(status);
    // The same connection still works, and the backend saw only the good request.
    client.send(client.factory.synStream({ streamId: 3, flags: CTRL_FLAG_FIN, nv: nv('/good') }));
    await within(new Promise<void>((resolve) => {
      const poll = setInterval(() => completed.length > 0 && (clearInterval(poll), resolve()), 5);
    }), 10_000, 'the good request');
    expect(completed).toEqual(['/good']);
    client.socket.destroy();
  });

  it('a body shorter than its content-length never reaches the backend whole', async () => {
    const client = await start();
    const list = nv('/short', (l) => [...l.map(([n, v]) => [n, n === ':method' ? 'POST' : v] as NameValue), ['content-length', '10']]);
    client.send(client.factory.synStream({ streamId: 1, nv: list }), client.factory.data(1, DATA_FLAG_FIN, patternBytes(3)));
    // undici finds the body short and gives up on the backend request; the client gets the 502 page.
    await client.expectFrame(SYN_REPLY);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(completed).toEqual([]);
    client.socket.destroy();
  });

  it('garbage on one connection leaves the proxy serving the others', async () => {
    const client = await start();
    client.send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), patternBytes(4096, 9));
    const session = connect(proxy!.url, proxy!.connectOptions);
    try {
      const res = await within(request(`${proxy!.url}/after`, { session }), 10_000, 'next request');
      expect(res.text()).toBe('ok');
    } finally {
      await session.close();
    }
    expect(completed).toEqual(['/after']);
    client.socket.destroy();
  });

  it('random frames never crash the proxy', async () => {
    const client = await start();
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 200 && !client.closed; i++) {
      const kind = Math.floor(random() * 4);
      const id = 1 + 2 * Math.floor(random() * 20);
      if (kind === 0) client.send(client.factory.synStream({ streamId: id, flags: random() < 0.5 ? CTRL_FLAG_FIN : 0, nv: nv(`/r${i}`) }));
      else if (kind === 1) client.send(client.factory.data(id, random() < 0.5 ? DATA_FLAG_FIN : 0, patternBytes(Math.floor(random() * 3000), i)));
      else if (kind === 2) client.send(client.factory.rstStream(id, 5));
      else client.send(client.factory.raw(Math.floor(random() * 12), Math.floor(random() * 256), patternBytes(Math.floor(random() * 40), i)));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.socket.destroy();
    const session = connect(proxy!.url, proxy!.connectOptions);
    try {
      const res = await within(request(`${proxy!.url}/alive`, { session }), 10_000, 'request after the noise');
      expect(res.text()).toBe('ok');
    } finally {
      await session.close();
    }
  });

  it('streams past the concurrency limit get REFUSED_STREAM, so the client can retry them', async () => {
    let hold!: () => void;
    const held = new Promise<void>((resolve) => (hold = resolve));
    backend = await startBackend((req, res) => void held.then(() => res.end(req.url)));
    proxy = await startProxy({ tls: false, protocol }, [backend.port], { maxConcurrentStreams: 2 });
    const client = await RawClient.open(proxy.port, version);
    client.send(...[1, 3, 5].map((streamId) => client.factory.synStream({ streamId, flags: CTRL_FLAG_FIN, nv: nv(`/c${streamId}`) })));
    const rst = await client.expectFrame(RST_STREAM, 5);
    expect(rst.statusCode).toBe(REFUSED_STREAM);
    hold();
    client.socket.destroy();
  });
});

describe('a client that stops reading its socket', () => {
  it('is cut off after the frontend write timeout, and the backend request with it', async () => {
    let backendClosed!: () => void;
    const closed = new Promise<void>((resolve) => (backendClosed = resolve));
    backend = await startBackend((_req, res) => {
      res.writeHead(200);
      const chunk = patternBytes(64 * 1024, 4);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
      res.once('close', backendClosed);
    });
    proxy = await startProxy({ tls: false, protocol: 'spdy/2' }, [backend.port], { frontendWriteTimeout: 300 });
    // SPDY/2 has no windows: only the socket can hold the proxy back.
    const client = await RawClient.open(proxy.port, PROTO_SPDY2);
    client.send(
      client.factory.synStream({
        streamId: 1,
        flags: CTRL_FLAG_FIN,
        nv: [
          [':method', 'GET'],
          [':path', '/endless'],
          [':version', 'HTTP/1.1'],
          [':host', 'example.org'],
          [':scheme', 'https'],
        ],
      }),
    );
    client.socket.pause();
    await within(closed, 15_000, 'backend request closed');
    client.socket.destroy();
  });
});
