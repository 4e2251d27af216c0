/**
 * A backend's response headers as the proxy forwards them, after shrpx:
 * hop-by-hop headers (and the names a Connection header lists) dropped,
 * `Via` appended unless turned off. The status line becomes SPDY's
 * `:status` and `:version`. Pure.
 */
import { statusLine } from '../io/static/http-status.js';
import { HOP_BY_HOP, connectionTokens } from './header-rules.js';

/**
 * The forwarded headers, lower-case names in the backend's order, from
 * undici's raw list (name, value, ... as bytes; latin1 keeps every byte).
 * `viaName` null (--no-via) leaves Via as received.
 */
export function forwardedResponseHeaders(raw: readonly Buffer[], viaName: string | null): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  let connection: string[] | null = null;
  let via: string[] | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    if (name === 'connection') (connection ??= []).push(value);
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'via' && viaName !== null) {
      (via ??= []).push(value);
      continue;
    }
    headers.push([name, value]);
  }
  const dropped = connection === null ? null : connectionTokens(connection);
  // Usually Connection says keep-alive, a name dropped already: nothing more to drop.
  const kept = dropped === null || onlyHopByHop(dropped) ? headers : headers.filter(([name]) => !dropped.has(name));
  if (viaName !== null) {
    // undici speaks HTTP/1.1 to the backend and does not report the version of its reply.
    kept.push(['via', [...(via ?? []), `1.1 ${viaName}`].join(', ')]);
  }
  return kept;
}

/** True when every name in `tokens` is hop-by-hop, so dropped already. */
function onlyHopByHop(tokens: ReadonlySet<string>): boolean {
  for (const token of tokens) if (!HOP_BY_HOP.has(token)) return false;
  return true;
}

/** SPDY's `:status`: the backend's code and reason phrase, or the standard phrase when it sent none. */
export function spdyStatus(statusCode: number, statusText: string): string {
  return statusText === '' ? statusLine(statusCode) : `${statusCode} ${statusText}`;
}

/**
 * Headers SPDY forbids in a reply (they describe an HTTP/1.1 connection);
 * a backend that sends `Host` in a response gets it dropped rather than the
 * whole reply refused.
 */
export function spdyResponseNv(statusCode: number, statusText: string, headers: ReadonlyArray<[string, string]>): Array<[string, string]> {
  const nv: Array<[string, string]> = [
    [':status', spdyStatus(statusCode, statusText)],
    [':version', 'HTTP/1.1'],
  ];
  // The pairs themselves, not copies: they are forwardedResponseHeaders' own.
  for (const pair of headers) if (pair[0] !== 'host') nv.push(pair);
  return nv;
}
