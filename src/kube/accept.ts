/**
 * The server's half of the upgrade, for an `http.Server`'s 'upgrade'
 * event: check the request asks for SPDY/3.1, negotiate the stream
 * protocol as httpstream.Handshake does (the client's preference among the
 * protocols we accept; 400 when it offers none, 403 with one
 * X-Accepted-Stream-Protocol-Versions header per protocol we accept when
 * none matches), answer 101 and start a SPDY/3.1 server session without
 * flow control on the socket, fed the bytes that followed the request.
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { PROTO_SPDY3_1 } from '../core/index.js';
import { ServerSession } from '../io/server-session.js';
import type { ServerSessionOptions } from '../io/server-session.js';
import {
  HEADER_ACCEPTED_PROTOCOL_VERSIONS,
  HEADER_PROTOCOL_VERSION,
  UPGRADE_TOKEN,
  negotiateProtocol,
  offeredProtocols,
} from './protocol.js';
import type { KubeStatus } from './status.js';

export type KubeSessionOptions = Omit<ServerSessionOptions, 'flowControl'>;

/** spdystream has no stream limit; ours stays bounded but roomy (a port-forward takes two streams per connection). */
const DEFAULT_MAX_CONCURRENT_STREAMS = 1000;

/**
 * Upgrades `req` to SPDY/3.1 speaking one of `accepted`. On success the
 * 101 is written and the session started (register 'stream' listeners in
 * `beforeStart`: streams that arrive with nobody listening are refused);
 * otherwise the error response is written, the socket ended, and null
 * returned.
 */
export function acceptSpdyUpgrade(
  req: http.IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  accepted: readonly string[],
  beforeStart: (session: ServerSession, protocol: string) => void,
  options: KubeSessionOptions = {},
): { session: ServerSession; protocol: string } | null {
  const connection = String(req.headers.connection ?? '').toLowerCase();
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (!connection.includes('upgrade') || !upgrade.includes(UPGRADE_TOKEN.toLowerCase())) {
    writeResponse(socket, 400, 'Bad Request', [], `unable to upgrade: missing upgrade headers in request (Connection: Upgrade, Upgrade: ${UPGRADE_TOKEN})`);
    return null;
  }
  const offered = offeredProtocols(req.headers[HEADER_PROTOCOL_VERSION.toLowerCase()]);
  if (offered.length === 0) {
    writeResponse(socket, 400, 'Bad Request', [], `unable to upgrade: ${HEADER_PROTOCOL_VERSION} is required`);
    return null;
  }
  const protocol = negotiateProtocol(offered, accepted);
  if (protocol === null) {
    writeResponse(
      socket,
      403,
      'Forbidden',
      accepted.map((p) => [HEADER_ACCEPTED_PROTOCOL_VERSIONS, p]),
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${accepted.join(' ')}]`,
    );
    return null;
  }
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${UPGRADE_TOKEN}\r\n${HEADER_PROTOCOL_VERSION}: ${protocol}\r\n\r\n`,
  );
  (socket as Duplex & { setNoDelay?(noDelay: boolean): void }).setNoDelay?.(true);
  const session = new ServerSession({
    maxConcurrentStreams: DEFAULT_MAX_CONCURRENT_STREAMS,
    ...options,
    flowControl: false,
  });
  beforeStart(session, protocol);
  session.start(socket, PROTO_SPDY3_1, 'spdy/3.1', head);
  return { session, protocol };
}

/** Writes a whole HTTP/1.1 response with a plain-text body and ends the socket. */
export function writeResponse(socket: Duplex, status: number, reason: string, headers: Array<[string, string]>, body: string): void {
  const bytes = Buffer.from(`${body}\n`, 'utf8');
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: text/plain; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    ...headers.map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${bytes.length}`,
    'Connection: close',
  ];
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]));
}

/** Writes a Status as the API server does: JSON, its code as the HTTP status. */
export function writeStatusResponse(socket: Duplex, status: KubeStatus, reason: string): void {
  const bytes = Buffer.from(JSON.stringify(status), 'utf8');
  const head = [
    `HTTP/1.1 ${status.code ?? 500} ${reason}`,
    'Content-Type: application/json',
    `Content-Length: ${bytes.length}`,
    'Connection: close',
  ];
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]));
}
