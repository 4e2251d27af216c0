/**
 * The connection options kubeconfig holds: the cluster's CA, a client
 * certificate and key, a bearer token, skipping verification; and the
 * PINGs kubectl sends every 5 s to keep idle connections alive.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeSpdyHandler, exec, portForward } from '../../src/index.js';
import type { KubeSpdyHandler, SessionEvent } from '../../src/index.js';
import { testCertificate, within } from '../helpers/loopback.js';
import { collect, fakeCommand } from './kube-server.js';

describe('TLS, client certificates and PINGs', () => {
  let server: https.Server | undefined;
  let kube: KubeSpdyHandler | undefined;
  afterEach(async () => {
    await kube?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = kube = undefined;
  });

  /** A self-signed client certificate (extKeyUsage clientAuth), which the server trusts as its own CA. */
  const clientCertificate = async () => {
    const pems = await generate([{ name: 'commonName', value: 'kube-user' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - 60_000),
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    });
    return { key: pems.private, cert: pems.cert };
  };

  /** An https server (the test certificate) that demands a client certificate. */
  const start = async (pings: number[] = []) => {
    const { key: serverKey, cert: ca } = await testCertificate();
    const { key, cert } = await clientCertificate();
    const trace = (event: SessionEvent) => {
      if (event.type === 'ctrl-recv' && event.frame.type === 6 /* PING */) pings.push(event.frame.uniqueId);
    };
    kube = createKubeSpdyHandler({ exec: fakeCommand, portForward: { host: '127.0.0.1' }, session: { trace } });
    server = https.createServer({ key: serverKey, cert: ca, ca: cert, requestCert: true, rejectUnauthorized: true });
    server.on('upgrade', kube.upgrade);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const podUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/namespaces/n/pods/p`;
    return { podUrl, key, cert, ca };
  };

  it('verifies the server with the CA and authenticates with the client certificate', async () => {
    const { podUrl, key, cert, ca } = await start();
    const proc = await exec(podUrl, ['emit', '70000'], { ca, cert, key });
    expect((await collect(proc.stdout!)).length).toBe(70000);
    expect((await proc.closed).code).toBe(0);
  });

  it('fails without the CA (an unknown issuer) and without a client certificate; -k skips only the first', async () => {
    const { podUrl, key, cert, ca } = await start();
    await expect(exec(podUrl, ['emit', '1'], { cert, key })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await expect(exec(podUrl, ['emit', '1'], { ca })).rejects.toBeInstanceOf(Error);
    const proc = await exec(podUrl, ['emit', '3'], { insecure: true, cert, key });
    expect((await collect(proc.stdout!)).length).toBe(3);
    await proc.closed;
  });

  it('PINGs the server at the interval asked for, and stops with the session', async () => {
    const pings: number[] = [];
    const { podUrl, key, cert, ca } = await start(pings);
    const forwarder = await portForward(podUrl, ['0:9'], { ca, cert, key, pingInterval: 20 });
    await within(
      (async () => {
        while (pings.length < 3) await new Promise((r) => setTimeout(r, 10));
      })(),
      10_000,
      'three PINGs',
    );
    expect(pings.every((id) => id % 2 === 1)).toBe(true); // a client's PING ids are odd
    await forwarder.close();
    const seen = pings.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(pings.length).toBe(seen);
  });
});
