/**
 * The proxy's options, with shrpx's defaults, checked once: a mistake
 * throws SpdyError ERR_SPDY_INVALID_ARGUMENT naming the option.
 */
import type * as tls from 'node:tls';
import { checkedProtocols } from '../io/alpn.js';
import type { SpdyProtocol } from '../io/alpn.js';
import { SpdyError } from '../io/errors.js';
import { PACKAGE_VERSION } from '../io/cli/identity.js';

/** A backend: an HTTP/1.1 server. */
export interface BackendAddress {
  readonly host: string;
  readonly port: number;
}

export interface ProxyOptions {
  /** HTTP/1.1 backends, used in turn (round robin). At least one. */
  backends: readonly BackendAddress[];
  /**
   * TLS options (key, cert, ...): SPDY by ALPN, and HTTP/1.1 on the same
   * port unless `http1` is false. `false`: SPDY over plain TCP with
   * `protocol` (behind a TLS terminator); HTTP/1.1 is then not served.
   */
  tls: tls.TlsOptions | false;
  /** TLS: the SPDY protocols accepted, by preference (default spdy/3.1, spdy/3, spdy/2). */
  protocols?: SpdyProtocol[];
  /** Plain TCP: the SPDY version spoken (--frontend-spdy-proto; default spdy/3.1). */
  protocol?: SpdyProtocol;
  /** TLS: serve HTTP/1.1 clients (ALPN http/1.1 or none) on the same port (default true). */
  http1?: boolean;
  /** SETTINGS MAX_CONCURRENT_STREAMS per SPDY session (-c; default 100). */
  maxConcurrentStreams?: number;
  /** Per-stream receive window, SPDY/3 and 3.1 (--frontend-spdy-window-bits; default 64 KiB). */
  initialWindowSize?: number;
  /** SPDY/3.1 session receive window (--frontend-spdy-connection-window-bits; default 64 KiB). */
  sessionWindowSize?: number;
  /** ms without a byte from a SPDY client before its connection ends (default 180 s; 0: never). */
  frontendSpdyReadTimeout?: number;
  /** ms without a byte from an HTTP/1.1 client before its connection ends (default 180 s; 0: never). */
  frontendReadTimeout?: number;
  /** ms a client may leave our writes unread before its connection ends (default 60 s; 0: never). */
  frontendWriteTimeout?: number;
  /** ms to wait for each part of a backend's response, headers and then body (default 900 s; 0: never). */
  backendReadTimeout?: number;
  /** ms to wait for a backend connection to open (default 60 s; 0: never). */
  backendWriteTimeout?: number;
  /** ms an idle pooled backend connection is kept (default 60 s). */
  backendKeepAliveTimeout?: number;
  /** Connections per backend at most; further requests wait their turn (default 8, as nghttpx). */
  backendConnectionsPerHost?: number;
  /** Append the client's address to X-Forwarded-For (default false). */
  addXForwardedFor?: boolean;
  /** Leave Via alone both ways (default false: append ours). */
  noVia?: boolean;
  /** The `server` header of our error replies and the signature on their page. */
  serverName?: string;
}

/** The options with every default filled in. */
export interface ResolvedProxyOptions {
  readonly backends: readonly BackendAddress[];
  readonly tls: tls.TlsOptions | false;
  readonly protocols: SpdyProtocol[];
  readonly protocol: SpdyProtocol;
  readonly http1: boolean;
  readonly maxConcurrentStreams: number;
  readonly initialWindowSize: number;
  readonly sessionWindowSize: number;
  readonly frontendSpdyReadTimeout: number;
  readonly frontendReadTimeout: number;
  readonly frontendWriteTimeout: number;
  readonly backendReadTimeout: number;
  readonly backendWriteTimeout: number;
  readonly backendKeepAliveTimeout: number;
  readonly backendConnectionsPerHost: number;
  readonly addXForwardedFor: boolean;
  readonly noVia: boolean;
  readonly serverName: string;
}

/** What we call ourselves in Via. */
export const VIA_NAME = 'spdyproxy';
export const DEFAULT_SERVER_NAME = `spdyproxy spdylay/${PACKAGE_VERSION}`;

const SPDY_DEFAULT_WINDOW = 1 << 16;
const LARGEST_WINDOW = 2 ** 31 - 1;

/** Fills in the defaults and checks every option. */
export function resolveProxyOptions(options: ProxyOptions): ResolvedProxyOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object');
  const backends = options.backends;
  if (!Array.isArray(backends) || backends.length === 0) invalid('backends must be a non-empty array of { host, port }');
  for (const b of backends as BackendAddress[]) {
    if (b === null || typeof b !== 'object' || typeof b.host !== 'string' || b.host === '') invalid(`backends: ${JSON.stringify(b)} has no host`);
    if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535) invalid(`backends: port ${String(b.port)} of ${b.host} is not 1..65535`);
  }
  if (options.tls !== false && (options.tls === null || typeof options.tls !== 'object')) {
    invalid('tls must be TLS options (key, cert, ...) or false for plain TCP');
  }
  return {
    backends: backends.map((b) => ({ host: b.host, port: b.port })),
    tls: options.tls,
    protocols: checkedProtocols(options.protocols, 'protocols'),
    protocol: checkedProtocols([options.protocol ?? 'spdy/3.1'], 'protocol')[0]!,
    http1: flag(options.http1, 'http1', true),
    maxConcurrentStreams: whole(options.maxConcurrentStreams, 'maxConcurrentStreams', 100, 1, 2 ** 31 - 1),
    initialWindowSize: whole(options.initialWindowSize, 'initialWindowSize', SPDY_DEFAULT_WINDOW, 1, LARGEST_WINDOW),
    sessionWindowSize: whole(options.sessionWindowSize, 'sessionWindowSize', SPDY_DEFAULT_WINDOW, SPDY_DEFAULT_WINDOW, LARGEST_WINDOW),
    frontendSpdyReadTimeout: millis(options.frontendSpdyReadTimeout, 'frontendSpdyReadTimeout', 180_000),
    frontendReadTimeout: millis(options.frontendReadTimeout, 'frontendReadTimeout', 180_000),
    frontendWriteTimeout: millis(options.frontendWriteTimeout, 'frontendWriteTimeout', 60_000),
    backendReadTimeout: millis(options.backendReadTimeout, 'backendReadTimeout', 900_000),
    backendWriteTimeout: millis(options.backendWriteTimeout, 'backendWriteTimeout', 60_000),
    backendKeepAliveTimeout: whole(options.backendKeepAliveTimeout, 'backendKeepAliveTimeout', 60_000, 1, 2 ** 31 - 1),
    backendConnectionsPerHost: whole(options.backendConnectionsPerHost, 'backendConnectionsPerHost', 8, 1, 65535),
    addXForwardedFor: flag(options.addXForwardedFor, 'addXForwardedFor', false),
    noVia: flag(options.noVia, 'noVia', false),
    serverName: text(options.serverName, 'serverName', DEFAULT_SERVER_NAME),
  };
}

function invalid(message: string): never {
  throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', message);
}

function whole(value: number | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) invalid(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  return value;
}

/** A timeout in ms; 0 turns it off. */
function millis(value: number | undefined, name: string, fallback: number): number {
  return whole(value, name, fallback, 0, 2 ** 31 - 1);
}

function flag(value: boolean | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(`${name} must be true or false, got ${String(value)}`);
  return value;
}

function text(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[\x20-\x7e]+$/.test(value)) invalid(`${name} must be printable ASCII text`);
  return value;
}
