// Our stack: `createServer` with a `(req, res)` handler, and `connect()` +
// `session.request()` as the client, each with its default options (TLS
// with ALPN for https:, spdy/3.1 over plain TCP for http:).
import { once } from 'node:events';
import { connect, createServer } from '../../../dist/index.js';
import { handle } from '../app.mjs';
import { CLIENT_HEADERS } from './common.mjs';

export const PROTOCOL = 'spdy/3.1';

export async function listen({ tls, cert }) {
  const server = createServer({ tls: tls ? { key: cert.key, cert: cert.cert } : false, protocol: PROTOCOL }, handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    close: () => {
      server.destroyAll();
      return server.close();
    },
  };
}

export async function connectClient({ port, tls, cert }) {
  const session = connect(`${tls ? 'https' : 'http'}://127.0.0.1:${port}`, { protocol: PROTOCOL, tls: { ca: cert.cert } });
  let failure = null;
  session.on('error', (error) => {
    failure = error;
  });
  await Promise.race([
    once(session, 'connect'),
    once(session, 'close').then(() => {
      throw failure ?? new Error('ours: the session closed before it connected');
    }),
  ]);
  return {
    protocol: session.protocol,
    /** GETs `path`; `done(error, bodyBytes)` once its body has ended. */
    get(path, done) {
      const stream = session.request({ ':path': path, ...CLIENT_HEADERS });
      let bytes = 0;
      stream.on('response', () => {
        if (stream.statusCode !== 200) done(new Error(`ours: ${path}: status ${stream.statusCode}`));
      });
      stream.on('data', (chunk) => {
        bytes += chunk.length;
      });
      stream.on('end', () => done(null, bytes));
      stream.on('error', (error) => done(error));
    },
    close: () => session.close(),
  };
}
