/**
 * The HTTP/1.1 upgrade, both halves, against raw peers: what the client
 * sends (kubectl's request), bytes read past the 101 going to SPDY, each
 * way an upgrade can go wrong on the client (a 101 that is not SPDY/3.1, a
 * protocol not offered, a 403 with a Status, no answer, a socket closed at
 * once), and the server's 400/403 answers.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exec, KubeError, upgradeToSpdy } from '../../src/index.js';
import { within } from '../helpers/loopback.js';
import { startKubeServer } from './kube-server.js';
import type { KubeServer } from './kube-server.js';

/** A TCP server that reads one request head and runs `answer` on the socket. */
async function rawServer(answer: (socket: net.Socket, head: string) => void): Promise<{ url: string; heads: string[]; close(): Promise<void> }> {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      heads.push(text.slice(0, end));
      answer(socket, text.slice(0, end));
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/v1/namespaces/ns/pods/p`,
    heads,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const PING_2 = Buffer.from([0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02]);

describe('the client upgrade', () => {
  let raw: Awaited<ReturnType<typeof rawServer>> | undefined;
  afterEach(async () => {
    await raw?.close();
    raw = undefined;
  });

  it("sends kubectl's request: POST, the upgrade headers, one X-Stream-Protocol-Version per protocol in order, the token", async () => {
    raw = await rawServer((socket) => socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n'));
    await exec(raw.url, ['ls', '-l'], { stdin: true, token: 'secret', container: 'c1' }).catch(() => null);
    const lines = raw.heads[0]!.split('\r\n');
    expect(lines[0]).toBe('POST /api/v1/namespaces/ns/pods/p/exec?command=ls&command=-l&container=c1&stdin=true&stdout=true&stderr=true&tty=false HTTP/1.1');
    const headers = lines.slice(1).map((line) => line.toLowerCase());
    expect(headers).toContain('connection: upgrade');
    expect(headers).toContain('upgrade: spdy/3.1');
    expect(headers).toContain('authorization: bearer secret');
    expect(headers.filter((h) => h.startsWith('x-stream-protocol-version:'))).toEqual([
      'x-stream-protocol-version: v5.channel.k8s.io',
      'x-stream-protocol-version: v4.channel.k8s.io',
      'x-stream-protocol-version: v3.channel.k8s.io',
      'x-stream-protocol-version: v2.channel.k8s.io',
      'x-stream-protocol-version: channel.k8s.io',
    ]);
  });

  it('feeds bytes read past the 101 to SPDY: a PING sent with the 101 is answered', async () => {
    let echo!: (bytes: Buffer) => void;
    const echoed = new Promise<Buffer>((resolve) => (echo = resolve));
    raw = await rawServer((socket) => {
      const switching = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n';
      socket.write(Buffer.concat([Buffer.from(switching), PING_2]));
      socket.once('data', echo);
    });
    const { session, protocol } = await upgradeToSpdy(raw.url, { protocols: ['v4.channel.k8s.io'], pingInterval: 0 });
    expect(protocol).toBe('v4.channel.k8s.io');
    // The client sends nothing of its own (no SETTINGS, no WINDOW_UPDATE): the first bytes are the echo.
    expect(await within(echoed, 10_000, 'PING echo')).toEqual(PING_2);
    session.destroy();
  });

  it.each([
    ['a 101 that is not SPDY/3.1', 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 'ERR_KUBE_BAD_UPGRADE', /Upgrade: SPDY\/3\.1.*Upgrade: websocket/],
    ['a 101 choosing a protocol not offered', 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v9.channel.k8s.io\r\n\r\n', 'ERR_KUBE_BAD_UPGRADE', /v9\.channel\.k8s\.io, which we did not offer/],
  ])('%s is a clear error', async (_, response, code, message) => {
    raw = await rawServer((socket) => socket.write(response));
    const error = await within(exec(raw.url, ['ls']).catch((e: unknown) => e), 10_000, 'exec');
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });

  it("a 403 with the API server's Status body carries the Status and its message", async () => {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "p" is forbidden: User "dev" cannot create resource "pods/exec" in the namespace "ns"',
      reason: 'Forbidden',
      details: { name: 'p', kind: 'pods' },
      code: 403,
    };
    const body = JSON.stringify(status);
    raw = await rawServer((socket) => socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    const error = await within(exec(raw.url, ['ls']).catch((e: unknown) => e), 10_000, 'exec');
    expect(error).toMatchObject({ code: 'ERR_KUBE_UPGRADE_REFUSED', httpStatus: 403, status: { reason: 'Forbidden' } });
    expect((error as Error).message).toContain('cannot create resource "pods/exec"');
  });

  it('no answer is ERR_KUBE_TIMEOUT; a socket closed right after the 101 fails the channels, nothing hangs', async () => {
    raw = await rawServer(() => {});
    await expect(within(exec(raw.url, ['ls'], { timeout: 300 }), 10_000, 'timeout')).rejects.toMatchObject({ code: 'ERR_KUBE_TIMEOUT' });
    await raw.close();
    raw = await rawServer((socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n'));
    await expect(within(exec(raw.url, ['ls']), 10_000, 'closed')).rejects.toMatchObject({ code: 'ERR_SPDY_CONNECTION_LOST' });
  });
});

describe('the server upgrade', () => {
  let up: KubeServer | undefined;
  afterEach(async () => {
    await up?.close();
    up = undefined;
  });

  /** Sends a raw request; resolves with the status, headers and body of the answer. */
  const ask = (url: string, headers: Record<string, string | string[]>) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const request = http.request(url, { method: 'POST', headers, agent: false });
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      });
      request.on('upgrade', () => reject(new Error('upgraded')));
      request.on('error', reject);
      request.end();
    });

  it('400 without X-Stream-Protocol-Version, 403 listing what it accepts, 400 for a request that does not upgrade', async () => {
    up = await startKubeServer({ execProtocols: ['v4.channel.k8s.io', 'v3.channel.k8s.io'] });
    const url = `${up.podUrl}/exec?command=ls&stdout=true`;
    const missing = await ask(url, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1' });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('X-Stream-Protocol-Version is required');
    const none = await ask(url, { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': ['v2.channel.k8s.io', 'channel.k8s.io'] });
    expect(none.status).toBe(403);
    expect(none.headers['x-accepted-stream-protocol-versions']).toBe('v4.channel.k8s.io, v3.channel.k8s.io');
    expect(none.body).toContain('unable to negotiate protocol');
    const websocket = await ask(url, { Connection: 'Upgrade', Upgrade: 'websocket', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' });
    expect(websocket.status).toBe(400);
    const plain = await ask(url, {});
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it("negotiates the client's first choice, not the server's", async () => {
    up = await startKubeServer();
    const proc = await exec(up.podUrl, ['emit', '5'], { protocols: ['v3.channel.k8s.io', 'v4.channel.k8s.io'] });
    expect(proc.protocol).toBe('v3.channel.k8s.io');
    await proc.closed;
  });
});
