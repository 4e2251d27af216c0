// The peer stack: the `spdy` package's server (4.0.2, `spdy.createServer`
// with a `(req, res)` handler) and `spdy-transport` (3.0.0) as the client,
// used directly on a TLS or TCP socket: `spdy`'s own client glue
// (handle-thing, older than Node 12) is broken on Node 20, the transport
// underneath it is not.
// spdy-transport's parser buffer is patched at run time (obuf-patch.mjs),
// in this harness only. Default options, except what plain TCP needs:
// without ALPN the `spdy` server takes the version from the first frame and
// speaks SPDY/3, so `autoSpdy31` makes it speak 3.1 as its client does.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import tlsModule from 'node:tls';
import { patchObuf } from '../../peer/obuf-patch.mjs';
import { CLIENT_HEADERS } from './common.mjs';
import { handle } from '../app.mjs';

const require = createRequire(import.meta.url);
patchObuf();
const spdy = require('spdy');
const transport = require('spdy-transport');

export const PROTOCOL = 'spdy/3.1';

export async function listen({ tls, cert }) {
  const options = tls
    ? { key: cert.key, cert: cert.cert, spdy: { protocols: [PROTOCOL] } }
    : { spdy: { plain: true, ssl: false, connection: { autoSpdy31: true } } };
  const server = spdy.createServer(options, handle);
  const sockets = new Set();
  server.on(tls ? 'secureConnection' : 'connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function connectClient({ port, tls, cert }) {
  const socket = tls
    ? tlsModule.connect({ host: '127.0.0.1', port, ca: cert.cert, ALPNProtocols: [PROTOCOL] })
    : net.connect({ host: '127.0.0.1', port });
  await Promise.race([
    once(socket, tls ? 'secureConnect' : 'connect'),
    once(socket, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  if (tls && socket.alpnProtocol !== PROTOCOL) throw new Error(`spdy: ALPN chose ${socket.alpnProtocol}`);
  socket.setNoDelay(true);
  const connection = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
  connection.on('error', () => {}); // a stream's own error reports it
  connection.start(3.1);
  const host = `127.0.0.1:${port}`;
  return {
    protocol: PROTOCOL,
    get(path, done) {
      const stream = connection.request({ method: 'GET', path, host, headers: { ...CLIENT_HEADERS } });
      let bytes = 0;
      stream.on('response', (code) => {
        if (code !== 200) done(new Error(`spdy: ${path}: status ${code}`));
      });
      stream.on('data', (chunk) => {
        bytes += chunk.length;
      });
      stream.on('end', () => done(null, bytes));
      stream.on('error', (error) => done(error));
    },
    close: () =>
      new Promise((resolve) => {
        connection.end(() => resolve());
        socket.once('close', resolve);
        setTimeout(() => socket.destroy(), 1000).unref();
      }),
  };
}
