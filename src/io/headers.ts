/**
 * Headers as Node users write them (an object, `http2`-style, values as
 * strings, numbers or arrays) and as SPDY carries them (a name/value list
 * with SPDY/3 names; the session maps them for SPDY/2).
 */
import type { NameValue } from '../core/index.js';
import { SpdyError } from './errors.js';

/** Headers to send: an object (arrays for repeated names) or a name/value list. */
export type OutgoingHeaders =
  | Record<string, string | number | readonly string[] | undefined>
  | ReadonlyArray<readonly [string, string]>;

/** Received headers: lower-case names; a repeated name's values in an array, in order. */
export type IncomingHeaders = Record<string, string | string[]>;

/**
 * Draft 3 §3.2.1: these describe the HTTP/1.1 connection, which SPDY
 * replaces; they must not be sent.
 */
export const CONNECTION_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'host',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
]);

/**
 * The name/value list for `headers`. Names are lower-cased (SPDY requires
 * it); undefined values are skipped. Connection-specific headers throw, as
 * Node's http2 does, since sending them breaks the peer's parser.
 */
export function toNv(headers: OutgoingHeaders): NameValue[] {
  const nv: NameValue[] = [];
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) addHeader(nv, pair[0], pair[1]);
    return nv;
  }
  // The names alone, rather than Object.entries' pair per header: this runs once per request.
  const record = headers as Record<string, string | number | readonly string[] | undefined>;
  const names = Object.keys(record);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = record[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) addHeader(nv, name, v);
    else addHeader(nv, name, value);
  }
  return nv;
}

function addHeader(nv: NameValue[], name: string, value: unknown): void {
  const lower = name.toLowerCase();
  if (CONNECTION_HEADERS.has(lower)) {
    throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `the "${lower}" header is connection-specific and not allowed in SPDY`);
  }
  if (typeof value === 'string') nv.push([lower, value]);
  else if (typeof value === 'number') nv.push([lower, String(value)]);
  else throw new SpdyError('ERR_SPDY_INVALID_ARGUMENT', `header "${name}" has a ${typeof value} value`);
}

/** The object form of a received list: repeated names gather into arrays. */
export function fromNv(nv: readonly NameValue[]): IncomingHeaders {
  // A null prototype, as Object.create(null) gives, but with V8's fast
  // properties: Object.create(null) makes a dictionary-mode object, which
  // took twice as long to fill and about three times the memory.
  const headers = Object.setPrototypeOf({}, null) as IncomingHeaders;
  for (const [name, value] of nv) {
    const had = headers[name];
    if (had === undefined) headers[name] = value;
    else if (Array.isArray(had)) had.push(value);
    else headers[name] = [had, value];
  }
  return headers;
}

/** The first value of a header, whatever its form. */
export function firstValue(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `:status` as SPDY sends it ("200 OK", or just "200"): code and reason. */
export function parseStatus(value: string | undefined): { code: number; message: string } | null {
  if (value === undefined) return null;
  // "200 OK", the common case, without a regular expression (one per response).
  if (value.length >= 3 && isDigits3(value) && (value.length === 3 || value.charCodeAt(3) === 32)) {
    return { code: Number(value.slice(0, 3)), message: value.length > 4 ? value.slice(4) : '' };
  }
  const match = /^\s*(\d{3})(?:\s+(.*))?$/.exec(value);
  if (match === null) return null;
  return { code: Number(match[1]), message: match[2] ?? '' };
}

function isDigits3(value: string): boolean {
  for (let i = 0; i < 3; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether `nv` has a header named `name`. */
export function hasHeader(nv: readonly NameValue[], name: string): boolean {
  return nv.some(([n]) => n === name);
}

/** The value of the first header named `name` in `nv`. */
export function valueOf(nv: readonly NameValue[], name: string): string | undefined {
  for (let i = 0; i < nv.length; i++) if (nv[i]![0] === name) return nv[i]![1];
  return undefined;
}
