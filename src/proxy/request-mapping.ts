/**
 * A frontend request as the HTTP/1.1 request the backend gets, after
 * shrpx: the request line from `:method` and `:path` (SPDY) or the
 * request's own line (HTTP/1.1), `Host` from `:host` (or the request's
 * Host), hop-by-hop headers dropped, `X-Forwarded-For` appended when
 * asked, `X-Forwarded-Proto` set, `Via` appended unless turned off.
 * Requests that cannot be written as a well-formed HTTP/1.1 message are
 * refused here, so nothing malformed reaches a backend. Pure.
 */
import { HOP_BY_HOP, connectionTokens, isFieldValue, isToken, viaVersion } from './header-rules.js';

/** What the request mapping needs to know about where the request came from. */
export interface ForwardingContext {
  /** The client's address, for X-Forwarded-For. */
  readonly clientAddress: string;
  /** The scheme the client used, for X-Forwarded-Proto. */
  readonly scheme: 'https' | 'http';
  /** --add-x-forwarded-for: append the client's address. */
  readonly addXForwardedFor: boolean;
  /** The name we add to Via (`1.1 NAME`); null with --no-via, which leaves Via as received. */
  readonly viaName: string | null;
}

/** The request to send to the backend. */
export interface BackendRequest {
  readonly method: string;
  readonly path: string;
  /** Name, value, name, value, ... as undici takes them (Host first). */
  readonly headers: string[];
}

/** Why a request is refused: what is wrong with it, for the log. */
export interface Refusal {
  readonly refused: string;
}

const PATH = /^\/[\x21-\xff]*$/;
const HOST = /^[\x21-\x7e\x80-\xff]+$/;
const CONTENT_LENGTH = /^[0-9]{1,15}$/;
const ABSOLUTE_FORM = /^https?:\/\/([^/?#\s]+)([^#\s]*)$/i;

/**
 * The backend request for a SPDY request's name/value list (SPDY/3 names;
 * the session maps SPDY/2's). Refused when `:method`, `:path` or `:host`
 * is missing or malformed, or a header could not be written as HTTP/1.1.
 */
export function mapSpdyRequest(nv: ReadonlyArray<readonly [string, string]>, context: ForwardingContext): BackendRequest | Refusal {
  let method: string | undefined;
  let path: string | undefined;
  let host: string | undefined;
  let version: string | undefined;
  const headers = new ForwardedHeaders(context);
  for (const [name, value] of nv) {
    if (name.charCodeAt(0) === 0x3a /* : */) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === ':host') host = value;
      else if (name === ':version') version = value;
      // :scheme and anything else of SPDY's own has no HTTP/1.1 form.
      continue;
    }
    // SPDY has no Host header (`:host` is it); a client that sends one anyway is overruled.
    if (name === 'host') continue;
    const refusal = headers.add(name, value);
    if (refusal !== null) return refusal;
  }
  if (method === undefined || path === undefined || host === undefined) {
    const missing = [method === undefined && ':method', path === undefined && ':path', host === undefined && ':host'].filter(Boolean);
    return { refused: `no ${missing.join(', ')}` };
  }
  if (!isToken(method)) return { refused: `bad :method ${JSON.stringify(method)}` };
  if (!PATH.test(path)) return { refused: `bad :path ${JSON.stringify(path)}` };
  if (!HOST.test(host)) return { refused: `bad :host ${JSON.stringify(host)}` };
  return { method, path, headers: headers.finish(host, viaVersion(version)) };
}

/**
 * The backend request for an HTTP/1.1 frontend request (Node's parser has
 * checked its syntax already): `rawHeaders` as Node gives them, names in
 * their received case.
 */
export function mapHttp1Request(
  method: string,
  url: string,
  httpVersion: string,
  rawHeaders: readonly string[],
  context: ForwardingContext,
): BackendRequest | Refusal {
  // The absolute form (RFC 7230 §5.3.2) names the host itself, which then overrides Host.
  const absolute = ABSOLUTE_FORM.exec(url);
  const path = absolute === null ? url : absolute[2] === '' ? '/' : absolute[2]!;
  if (!PATH.test(path)) return { refused: `bad request target ${JSON.stringify(url)}` };
  let host: string | undefined = absolute?.[1];
  let connection: string[] | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') (connection ??= []).push(rawHeaders[i + 1]!);
  }
  const dropped = connection === null ? null : connectionTokens(connection);
  const headers = new ForwardedHeaders(context);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === 'host') {
      host ??= value;
      continue;
    }
    if (dropped?.has(name)) continue;
    const refusal = headers.add(name, value);
    if (refusal !== null) return refusal;
  }
  if (host !== undefined && !HOST.test(host)) return { refused: `bad Host ${JSON.stringify(host)}` };
  return { method, path, headers: headers.finish(host, httpVersion.startsWith('1.0') ? '1.0' : '1.1') };
}

/** The ordinary headers of a request, with the ones the proxy rewrites held aside. */
class ForwardedHeaders {
  private readonly list: string[] = [];
  private via: string[] | null = null;
  private forwardedFor: string[] | null = null;
  private contentLength: string | null = null;

  constructor(private readonly context: ForwardingContext) {}

  /** Takes one header (lower-case name); a refusal when it cannot be forwarded. */
  add(name: string, value: string): Refusal | null {
    if (HOP_BY_HOP.has(name)) return null;
    if (!isToken(name)) return { refused: `bad header name ${JSON.stringify(name)}` };
    if (!isFieldValue(value)) return { refused: `bad value in header ${name}` };
    switch (name) {
      case 'x-forwarded-proto':
        return null; // Ours replaces it, as shrpx's does.
      case 'expect':
        // 100-continue is between the client and us (shrpx drops it too).
        return null;
      case 'via':
        if (this.context.viaName === null) break;
        (this.via ??= []).push(value);
        return null;
      case 'x-forwarded-for':
        (this.forwardedFor ??= []).push(value);
        return null;
      case 'content-length':
        if (!CONTENT_LENGTH.test(value) || (this.contentLength !== null && this.contentLength !== value)) {
          return { refused: `bad content-length ${JSON.stringify(value)}` };
        }
        if (this.contentLength !== null) return null;
        this.contentLength = value;
        break;
      default:
        break;
    }
    this.list.push(name, value);
    return null;
  }

  /** The finished list: Host first, then the headers, then the ones the proxy sets. */
  finish(host: string | undefined, requestVersion: string): string[] {
    const c = this.context;
    const out = host === undefined ? this.list : ['host', host, ...this.list];
    const forwardedFor = this.forwardedFor === null ? [] : [...this.forwardedFor];
    if (c.addXForwardedFor) forwardedFor.push(c.clientAddress);
    if (forwardedFor.length > 0) out.push('x-forwarded-for', forwardedFor.join(', '));
    out.push('x-forwarded-proto', c.scheme);
    if (c.viaName !== null) {
      const via = this.via === null ? [] : [...this.via];
      via.push(`${requestVersion} ${c.viaName}`);
      out.push('via', via.join(', '));
    }
    return out;
  }
}

/** True when `result` is a refusal. */
export function isRefusal(result: BackendRequest | Refusal): result is Refusal {
  return 'refused' in result;
}
