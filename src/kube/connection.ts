/**
 * The client's half of the upgrade: an HTTP/1.1 request (over TLS for
 * `https:`) asking `Connection: Upgrade`, `Upgrade: SPDY/3.1` with one
 * X-Stream-Protocol-Version header per protocol offered, best first. A
 * `101 Switching Protocols` that names SPDY/3.1 hands its socket, and the
 * bytes already read past it, to a SPDY/3.1 client session without flow
 * control (spdystream has none), which PINGs every 5 s as kubectl does.
 * Anything else is a KubeError carrying the server's `Status`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { connect } from '../io/client.js';
import type { ClientSession } from '../io/client.js';
import type { SessionOptions } from '../io/session.js';
import { KubeError } from './errors.js';
import { HEADER_ACCEPTED_PROTOCOL_VERSIONS, HEADER_PROTOCOL_VERSION, PING_INTERVAL, UPGRADE_TOKEN, offeredProtocols } from './protocol.js';
import { parseStatus } from './status.js';

/** How to reach and authenticate to the server (kubeconfig's fields, by hand). */
export interface KubeConnectOptions {
  /** `Authorization: Bearer TOKEN`. */
  token?: string;
  /** Certificate authorities to trust (PEM); default Node's. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM), for clusters that authenticate by certificate. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Do not verify the server's certificate (`--insecure-skip-tls-verify`). */
  insecure?: boolean;
  /** TLS server name, when it differs from the URL's host. */
  servername?: string;
  /** More request headers (impersonation, ...). */
  headers?: Record<string, string | string[]>;
  /** ms to wait for the upgrade's answer (default 30000; 0: no limit). */
  timeout?: number;
  /** ms between PINGs on the session (default 5000, as kubectl; 0: none). */
  pingInterval?: number;
  /** Options for the SPDY session (tracing, idle timeout, ...); flow control stays off. */
  session?: Omit<SessionOptions, 'flowControl'>;
}

export interface UpgradeOptions extends KubeConnectOptions {
  /** The X-Stream-Protocol-Version values offered, best first. */
  protocols: readonly string[];
  /** Default POST, as kubectl. */
  method?: string;
}

export interface SpdyConnection {
  session: ClientSession;
  /** The protocol the server chose (its X-Stream-Protocol-Version), or null when it named none. */
  protocol: string | null;
  /** The 101's headers. */
  headers: http.IncomingHttpHeaders;
}

const MAX_ERROR_BODY = 64 * 1024;

/** Upgrades a request to `url` to SPDY/3.1 and returns the session on its socket. */
export function upgradeToSpdy(url: string | URL, options: UpgradeOptions): Promise<SpdyConnection> {
  const target = typeof url === 'string' ? new URL(url) : url;
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return Promise.reject(new KubeError('ERR_KUBE_INVALID_ARGUMENT', `unsupported URL scheme "${target.protocol}" (https: or http:)`));
  }
  const headers: http.OutgoingHttpHeaders = {
    ...options.headers,
    Connection: 'Upgrade',
    Upgrade: UPGRADE_TOKEN,
    [HEADER_PROTOCOL_VERSION]: [...options.protocols],
  };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  const requestOptions: https.RequestOptions = {
    method: options.method ?? 'POST',
    headers,
    agent: false,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    rejectUnauthorized: options.insecure !== true,
    servername: options.servername,
  };
  return new Promise<SpdyConnection>((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).request(target, requestOptions);
    const timeout = options.timeout ?? 30_000;
    const timer =
      timeout > 0
        ? setTimeout(() => {
            request.destroy(new KubeError('ERR_KUBE_TIMEOUT', `no answer to the upgrade from ${target.host} within ${timeout} ms`));
          }, timeout)
        : null;
    let settled = false;
    const settle = (error: Error | null, connection?: SpdyConnection) => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      if (error !== null) reject(error);
      else resolve(connection!);
    };
    request.on('error', (error) => settle(error));
    request.once('response', (response) => {
      void refusal(response).then((error) => settle(error));
    });
    request.once('upgrade', (response, socket: net.Socket, head: Buffer) => {
      const problem = badUpgrade(response, options.protocols);
      if (problem !== null) {
        socket.destroy();
        settle(problem);
        return;
      }
      socket.setNoDelay(true);
      const session = connect(target, {
        ...options.session,
        socket,
        head,
        protocol: 'spdy/3.1',
        flowControl: false,
      });
      keepPinging(session, options.pingInterval ?? PING_INTERVAL);
      settle(null, { session, protocol: negotiated(response), headers: response.headers });
    });
    request.end();
  });
}

function negotiated(response: http.IncomingMessage): string | null {
  return offeredProtocols(response.headers[HEADER_PROTOCOL_VERSION.toLowerCase()])[0] ?? null;
}

/** Why a 101 is not the upgrade we asked for, or null when it is. */
function badUpgrade(response: http.IncomingMessage, offered: readonly string[]): KubeError | null {
  const connection = String(response.headers.connection ?? '').toLowerCase();
  const upgrade = String(response.headers.upgrade ?? '').toLowerCase();
  if (!connection.includes('upgrade') || !upgrade.includes(UPGRADE_TOKEN.toLowerCase())) {
    return new KubeError(
      'ERR_KUBE_BAD_UPGRADE',
      `the server switched protocols without "Connection: Upgrade" and "Upgrade: ${UPGRADE_TOKEN}" (got Connection: ${response.headers.connection ?? '(none)'}, Upgrade: ${response.headers.upgrade ?? '(none)'})`,
    );
  }
  const chosen = negotiated(response);
  if (chosen !== null && !offered.includes(chosen)) {
    return new KubeError('ERR_KUBE_BAD_UPGRADE', `the server chose protocol ${chosen}, which we did not offer (${offered.join(', ')})`);
  }
  return null;
}

/** The error for an upgrade the server refused: its Status if the body is one, else its text. */
async function refusal(response: http.IncomingMessage): Promise<KubeError> {
  const httpStatus = response.statusCode ?? 0;
  let body = '';
  try {
    body = await readBody(response);
  } catch {
    body = '';
  }
  const status = parseStatus(body);
  const accepted = offeredProtocols(response.headers[HEADER_ACCEPTED_PROTOCOL_VERSIONS.toLowerCase()]);
  const detail = status?.message ?? (body.trim() || response.statusMessage || 'no reason given');
  const acceptedNote = accepted.length > 0 ? ` (the server accepts ${accepted.join(', ')})` : '';
  return new KubeError('ERR_KUBE_UPGRADE_REFUSED', `unable to upgrade connection: ${httpStatus} ${detail}${acceptedNote}`, {
    httpStatus,
    status: status ?? undefined,
  });
}

function readBody(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      if (length >= MAX_ERROR_BODY) return;
      chunks.push(chunk);
      length += chunk.length;
    });
    response.once('end', () => resolve(Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8')));
    response.once('error', reject);
  });
}

/** PINGs every `interval` ms while the session lives (the timer never keeps the process alive). */
function keepPinging(session: ClientSession, interval: number): void {
  if (interval <= 0) return;
  const timer = setInterval(() => {
    if (session.closing || session.destroyed) return;
    session.ping().catch(() => {});
  }, interval);
  timer.unref();
  session.once('close', () => clearInterval(timer));
}
