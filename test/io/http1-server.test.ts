/**
 * The TLS server's `http1Server` option: HTTP/1.1 clients on the SPDY port
 * (ALPN `http/1.1`, or no ALPN at all) are handed to an http.Server, while
 * SPDY clients still get SPDY; without the option nothing changes.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, request } from '../../src/index.js';
import type { SpdyServer } from '../../src/index.js';
import { listen, readAll, testCertificate, within } from '../helpers/loopback.js';

/** One HTTPS GET with the given ALPN offer (undefined: no ALPN extension). */
async function httpsGet(port: number, ca: string, alpn: string[] | undefined): Promise<{ status: number; body: string; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/h1', ca, agent: false, ...(alpn === undefined ? {} : { ALPNProtocols: alpn }) },
      (res) => {
        const alpnProtocol = (res.socket as tls.TLSSocket).alpnProtocol;
        readAll(res).then((body) => resolve({ status: res.statusCode!, body: body.toString(), alpn: alpnProtocol }), reject);
      },
    );
    req.on('error', reject);
  });
}

describe('SpdyServer with http1Server', () => {
  let server: SpdyServer | undefined;

  afterEach(async () => {
    server?.destroyAll();
    await server?.close();
    server = undefined;
  });

  const start = async (withHttp1: boolean) => {
    const h1 = http.createServer((req, res) => res.end(`http/1.1 ${req.url}`));
    const up = await listen({ tls: true, protocol: 'spdy/3.1' }, (req, res) => res.end(`spdy ${req.url}`), withHttp1 ? { http1Server: h1 } : {});
    server = up.server;
    return { up, ca: (await testCertificate()).cert };
  };

  it('serves a client that offers only http/1.1 from the http server', async () => {
    const { up, ca } = await start(true);
    const res = await within(httpsGet(up.port, ca, ['http/1.1']), 10_000, 'https GET');
    expect(res).toEqual({ status: 200, body: 'http/1.1 /h1', alpn: 'http/1.1' });
  });

  it('serves a client that offers no ALPN at all from the http server', async () => {
    const { up, ca } = await start(true);
    const res = await within(httpsGet(up.port, ca, undefined), 10_000, 'https GET without ALPN');
    expect(res).toEqual({ status: 200, body: 'http/1.1 /h1', alpn: false });
  });

  it('still picks SPDY for a client that offers SPDY and http/1.1', async () => {
    const { up } = await start(true);
    const session = connect(up.url, { ...up.connectOptions, protocols: ['spdy/3.1'] });
    try {
      const res = await within(request(`${up.url}/s`, { session }), 10_000, 'SPDY GET');
      expect(res.protocol).toBe('spdy/3.1');
      expect(res.text()).toBe('spdy /s');
    } finally {
      await session.close();
    }
  });

  it('without http1Server refuses a client that offers only http/1.1, as before', async () => {
    const { up, ca } = await start(false);
    await expect(within(httpsGet(up.port, ca, ['http/1.1']), 10_000, 'https GET')).rejects.toThrow(/no.application.protocol|alert/i);
  });
});
