// node:http2 (Node's built-in HTTP/2, nghttp2 underneath): what a Node user
// picks today. `http2.createSecureServer` (TLS, ALPN h2) or
// `http2.createServer` (h2c over plain TCP) with a `(req, res)` handler
// (the compatibility API, as ours and spdy's servers are used here), and
// `http2.connect()` + `session.request()` as the client. Default options
// on both sides (64 KiB stream and connection windows).
import { once } from 'node:events';
import http2 from 'node:http2';
import { handle } from '../app.mjs';
import { CLIENT_HEADERS } from './common.mjs';

export const PROTOCOL = 'h2';

export async function listen({ tls, cert }) {
  const server = tls ? http2.createSecureServer({ key: cert.key, cert: cert.cert }, handle) : http2.createServer(handle);
  const sessions = new Set();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function connectClient({ port, tls, cert }) {
  const session = http2.connect(`${tls ? 'https' : 'http'}://127.0.0.1:${port}`, tls ? { ca: cert.cert } : {});
  await Promise.race([
    once(session, 'connect'),
    once(session, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  session.on('error', () => {}); // a stream's own error reports it
  return {
    protocol: session.alpnProtocol,
    get(path, done) {
      const stream = session.request({ ':path': path, ...CLIENT_HEADERS }, { endStream: true });
      let bytes = 0;
      stream.on('response', (headers) => {
        if (headers[':status'] !== 200) done(new Error(`node:http2: ${path}: status ${headers[':status']}`));
      });
      stream.on('data', (chunk) => {
        bytes += chunk.length;
      });
      stream.on('end', () => done(null, bytes));
      stream.on('error', (error) => done(error));
    },
    close: () => new Promise((resolve) => session.close(resolve)),
  };
}
