// The peer, connected the way our pair is: spdy-transport's client and
// server connections on the two ends of an in-memory stream.duplexPair(),
// both started at a fixed version (no ALPN). The peer needs the event loop:
// its zlib runs on Node's thread pool and its streams emit asynchronously,
// so workloads drive it with callbacks and measure wall time to completion.
import { createRequire } from 'node:module';
import { duplexPair } from 'node:stream';
import { patchObuf } from './obuf-patch.mjs';

const require = createRequire(import.meta.url);
const transport = require('spdy-transport');

patchObuf();

/** Our PROTO_* constants -> the version numbers spdy-transport's start() takes. */
const PEER_VERSION = { 3: 3, 4: 3.1 };

/**
 * A connected client/server pair. `options` go to both connections
 * (spdy-transport's windowSize, maxChunk). `tap`, if given, sees every
 * server-to-client chunk.
 */
export function connectPeer(version, options = {}, tap) {
  const peerVersion = PEER_VERSION[version];
  if (peerVersion === undefined) throw new Error(`no peer version for ${version}`);
  const [clientEnd, serverEnd] = duplexPair();
  const server = transport.connection.create(serverEnd, { protocol: 'spdy', isServer: true, ...options });
  const client = transport.connection.create(clientEnd, { protocol: 'spdy', isServer: false, ...options });
  const fail = (side) => (err) => {
    throw new Error(`spdy-transport ${side} failed: ${err && err.message}`);
  };
  if (tap !== undefined) clientEnd.on('data', (chunk) => tap.push(chunk));
  server.on('error', fail('server'));
  client.on('error', fail('client'));
  server.start(peerVersion);
  client.start(peerVersion);
  return { client, server };
}

/**
 * Sends one request on the peer client. `onClose` runs when its stream has
 * closed, `onError` if it fails; `onData` gets the body (without it the
 * body is read and dropped). With `status`, a reply with another status
 * fails the request, as our clients check :status.
 */
export function peerRequest(client, req, { onClose, onError, onData, status }) {
  const stream = client.request({ method: req.method, path: req.path, host: req.host, headers: req.headers });
  stream.on('error', onError);
  stream.on('close', onClose);
  if (status !== undefined) {
    stream.on('response', (code) => {
      if (code !== status) onError(new Error(`peer stream ${stream.id}: status ${code}`));
    });
  }
  if (onData === undefined) stream.resume();
  else stream.on('data', onData);
  return stream;
}
