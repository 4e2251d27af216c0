/**
 * port-forward, our client against our server: several ports on one SPDY
 * connection with many concurrent connections checked by hash, bodies far
 * past 64 KiB both ways, half-close, a failing forward closing only its
 * own connection, and a server that goes away.
 */
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeError, parsePortSpec, portForward } from '../../src/index.js';
import type { ForwardContext, PortForwarder } from '../../src/index.js';
import { patternBytes, sha256, within } from '../helpers/loopback.js';
import { roundTrip, startEchoServer } from './echo-servers.js';
import type { EchoServer } from './echo-servers.js';
import { startKubeServer } from './kube-server.js';
import type { KubeServer } from './kube-server.js';

describe('port-forward: our client against our server', () => {
  let up: KubeServer | undefined;
  let forwarder: PortForwarder | undefined;
  const echoes: EchoServer[] = [];
  afterEach(async () => {
    await forwarder?.close();
    await up?.close();
    for (const echo of echoes.splice(0)) await echo.close();
    up = forwarder = undefined;
  });

  it('forwards three ports at once through one connection, 30 concurrent connections, every byte intact', async () => {
    for (const tag of ['A', 'B', 'C']) echoes.push(await startEchoServer(tag));
    up = await startKubeServer();
    forwarder = await portForward(up.podUrl, echoes.map((echo) => `0:${echo.port}`));
    expect(forwarder.ports.map((p) => p.remote)).toEqual(echoes.map((e) => e.port));
    expect(forwarder.ports.every((p) => p.local > 0)).toBe(true);
    const jobs = Array.from({ length: 30 }, (_, i) => {
      const port = forwarder!.ports[i % 3]!;
      const body = patternBytes(i === 0 ? 2 * 1024 * 1024 : 1000 + i * 997, i + 1);
      return roundTrip(port.local, body).then((reply) => ({ i, reply, body }));
    });
    const results = await within(Promise.all(jobs), 30_000, 'round trips');
    for (const { i, reply, body } of results) {
      expect(reply.subarray(0, 1).toString()).toBe('ABC'[i % 3]);
      expect(sha256(reply.subarray(1))).toBe(sha256(body));
    }
    expect(up.handler.sessions.size).toBe(1);
  });

  it('a port nobody listens on fails that connection only, with the server message', async () => {
    echoes.push(await startEchoServer());
    const closed = await startEchoServer();
    const deadPort = closed.port;
    await closed.close();
    up = await startKubeServer();
    forwarder = await portForward(up.podUrl, [`0:${deadPort}`, `0:${echoes[0]!.port}`]);
    const failures: Array<[Error, ForwardContext]> = [];
    forwarder.on('forwardError', (error: Error, context: ForwardContext) => failures.push([error, context]));
    // The local connection is closed with nothing in it (an EOF, or a reset if the hello was still unread).
    const dead = await within(
      roundTrip(forwarder.ports[0]!.local, Buffer.from('hello')).then(
        (reply) => reply.length,
        (error: NodeJS.ErrnoException) => error.code,
      ),
      10_000,
      'dead port',
    );
    expect([0, 'ECONNRESET']).toContain(dead);
    await within(
      (async () => {
        while (failures.length === 0) await new Promise((r) => setTimeout(r, 5));
      })(),
      10_000,
      'forwardError',
    );
    expect(failures[0]![0]).toBeInstanceOf(KubeError);
    expect(failures[0]![0].message).toContain(`error forwarding port ${deadPort}`);
    expect(failures[0]![1]).toMatchObject({ remote: deadPort, requestId: 0 });
    // The other port, and the connection, still work.
    const reply = await within(roundTrip(forwarder.ports[1]!.local, Buffer.from('still here')), 10_000, 'live port');
    expect(reply.toString()).toBe('still here');
  });

  it("once the pod's side has finished, the pair ends as client-go ends it: the local connection gets EOF", async () => {
    // A pod service that answers at once and half-closes.
    const service = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.end('greeting');
      socket.on('error', () => {});
      socket.resume();
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    echoes.push({ port: (service.address() as net.AddressInfo).port, close: () => new Promise((r) => service.close(() => r())) });
    up = await startKubeServer();
    forwarder = await portForward(up.podUrl, [`0:${echoes[0]!.port}`]);
    const local = net.connect({ host: '127.0.0.1', port: forwarder.ports[0]!.local, allowHalfOpen: true });
    local.write('never ended');
    const chunks: Buffer[] = [];
    local.on('data', (chunk: Buffer) => chunks.push(chunk));
    await within(new Promise((resolve) => local.once('end', resolve)), 10_000, 'EOF');
    local.destroy();
    expect(Buffer.concat(chunks).toString()).toBe('greeting');
  });

  it('a lost SPDY connection closes every listener and rejects closed', async () => {
    echoes.push(await startEchoServer());
    up = await startKubeServer();
    forwarder = await portForward(up.podUrl, [`0:${echoes[0]!.port}`]);
    const local = forwarder.ports[0]!.local;
    for (const session of up.handler.sessions) session.destroy();
    await expect(within(forwarder.closed, 10_000, 'closed')).rejects.toBeInstanceOf(Error);
    await expect(roundTrip(local, Buffer.from('x'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('parses kubectl port specs and refuses bad ones', () => {
    expect(parsePortSpec('8080')).toEqual({ local: 8080, remote: 8080 });
    expect(parsePortSpec('8080:80')).toEqual({ local: 8080, remote: 80 });
    expect(parsePortSpec(':80')).toEqual({ local: 0, remote: 80 });
    expect(parsePortSpec({ remote: 5432 })).toEqual({ local: 0, remote: 5432 });
    expect(() => parsePortSpec('80:0')).toThrow(KubeError);
    expect(() => parsePortSpec('1:2:3')).toThrow(/invalid port format/);
    expect(() => parsePortSpec('x:80')).toThrow(/invalid port 'x'/);
  });
});
