/**
 * What `spdycat` will do, decided from its options before any socket
 * opens: which URIs share a connection, the headers of each request, the
 * SETTINGS it sends first, the TLS server name, and the file `-O` writes.
 * Each follows spdylay's src/spdycat.cc and Spdylay::submit_request in
 * src/spdylay_ssl.cc.
 */
import { ID_FLAG_SETTINGS_NONE, PROTO_SPDY3, SETTINGS_INITIAL_WINDOW_SIZE } from '../../core/constants.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { NameValue, SettingsEntry } from '../../core/frame/types.js';
import { USER_AGENT } from './identity.js';
import type { RequestUri, SpdycatOptions } from './spdycat-args.js';

/** One connection and the requests it carries, in order. */
export interface SessionPlan {
  /** The host to connect to: the URI's host name, an IPv6 address without its brackets. */
  readonly host: string;
  readonly port: number;
  readonly requests: readonly RequestUri[];
}

/** The port a URI names, or its scheme's (spdycat's get_default_port). */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

function hostOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * spdycat's grouping: a run of consecutive URIs with the same host and
 * port shares one connection; a different host or port starts the next
 * (even one seen before). Within a connection, each URI is requested
 * `multiply` times in a row; with `multiply` 1, a URI already requested on
 * that connection is not requested again.
 */
export function planSessions(uris: readonly RequestUri[], multiply: number): SessionPlan[] {
  if (!Number.isInteger(multiply) || multiply < 1) {
    throw new InvalidArgumentError(`multiply must be a whole number of at least 1, not ${multiply}`);
  }
  const plans: Array<{ host: string; port: number; requests: RequestUri[]; seen: Set<string> }> = [];
  for (const uri of uris) {
    const host = hostOf(uri.url);
    const port = portOf(uri.url);
    let current = plans[plans.length - 1];
    if (current === undefined || current.host !== host || current.port !== port) {
      current = { host, port, requests: [], seen: new Set() };
      plans.push(current);
    }
    if (current.seen.has(uri.text)) continue;
    if (multiply === 1) current.seen.add(uri.text);
    for (let i = 0; i < multiply; i++) current.requests.push(uri);
  }
  return plans.map(({ host, port, requests }) => ({ host, port, requests }));
}

/**
 * The name/value pairs of one request, in spdycat's order: `:method`
 * (POST when there is a body), `:path` (path and query), `:version`,
 * `:scheme`, `:host` (host, and the port when it is not the scheme's),
 * `accept` (any type), with -z `accept-encoding: gzip, deflate`,
 * `user-agent`, with a body `content-length`; then each -H header, except that one whose
 * name is already in the list replaces that value in place.
 *
 * `bodyLength` is the length of the -d body; leave it out for a GET.
 * The path is the parsed URL's, so a bare '?' with no query is dropped
 * (spdycat sent it) and characters a URL may not hold are percent-encoded.
 */
export function requestHeaders(
  url: URL,
  options: Pick<SpdycatOptions, 'headers' | 'gzip'>,
  bodyLength?: number,
): NameValue[] {
  if (bodyLength !== undefined && !(Number.isSafeInteger(bodyLength) && bodyLength >= 0)) {
    throw new InvalidArgumentError(`bodyLength must be a whole number of bytes, not ${bodyLength}`);
  }
  const nv: NameValue[] = [
    [':method', bodyLength === undefined ? 'GET' : 'POST'],
    [':path', url.pathname + url.search],
    [':version', 'HTTP/1.1'],
    [':scheme', url.protocol.slice(0, -1)],
    [':host', url.host],
    ['accept', '*/*'],
  ];
  if (options.gzip) nv.push(['accept-encoding', 'gzip, deflate']);
  nv.push(['user-agent', USER_AGENT]);
  if (bodyLength !== undefined) nv.push(['content-length', String(bodyLength)]);
  const builtIn = nv.length;
  for (const [name, value] of options.headers) {
    const at = nv.findIndex(([n], i) => i < builtIn && n === name);
    if (at >= 0) nv[at] = [name, value];
    else nv.push([name, value]);
  }
  return nv;
}

/**
 * The SETTINGS spdycat sends before its requests: with -w, on SPDY/3 and
 * later, SETTINGS_INITIAL_WINDOW_SIZE = 2**windowBits; else none.
 * `version` is the one the connection speaks.
 */
export function initialSettings(version: number, windowBits: number | null): SettingsEntry[] {
  if (windowBits === null || version < PROTO_SPDY3) return [];
  return [[SETTINGS_INITIAL_WINDOW_SIZE, ID_FLAG_SETTINGS_NONE, 2 ** windowBits]];
}

const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;

/**
 * The TLS server name (SNI) for a URI: the -H host override when there is
 * one (spdycat's rule), else the URI's host; without a port, and
 * undefined for an IP address, which SNI may not carry (RFC 6066 §3).
 */
export function tlsServerName(url: URL, headers: readonly NameValue[]): string | undefined {
  let host = hostOf(url);
  for (const [name, value] of headers) if (name === ':host') host = value;
  if (host.startsWith('[') || host.split(':').length > 2) return undefined; // IPv6, bracketed or not
  const name = host.replace(/:[0-9]*$/, '');
  if (name === '' || IPV4.test(name)) return undefined;
  return name;
}

/**
 * The file `-O` writes a body to: the last segment of the URI's path, or
 * `index.html` when the path ends with '/'. The URL parser has already
 * resolved dot segments, so the name never climbs out of the directory.
 */
export function remoteFileName(url: URL): string {
  const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  return last === '' ? 'index.html' : last;
}
