/** Requests and reply readers for the static file server tests. */
import { gunzipSync } from 'node:zlib';
import type { StaticRequest, StaticResponse } from '../../src/io/static/resolve.js';

/** A request with every header spdyd insists on, plus `extra`. */
export function request(path: string, extra: Array<[string, string]> = [], method = 'GET'): StaticRequest {
  return {
    method,
    path,
    headers: [
      [':method', method],
      [':path', path],
      [':version', 'HTTP/1.1'],
      [':scheme', 'https'],
      [':host', 'localhost:3000'],
      ...extra,
    ],
  };
}

/** The value of the reply's header `name`; throws if it is missing or repeated. */
export function header(response: StaticResponse, name: string): string {
  const values = response.headers.filter(([n]) => n === name).map(([, v]) => v);
  if (values.length !== 1) throw new Error(`expected one ${name} header, got ${values.length}`);
  return values[0]!;
}

export function headerNames(response: StaticResponse): string[] {
  return response.headers.map(([n]) => n);
}

/** The text of a reply whose body was made in memory, gunzipped when the reply says gzip. */
export function bodyText(response: StaticResponse): string {
  const body = response.body;
  if (body === null || body.kind !== 'bytes') throw new Error(`expected a bytes body, got ${body?.kind ?? 'none'}`);
  const gzipped = response.headers.some(([n, v]) => n === 'content-encoding' && v === 'gzip');
  return new TextDecoder().decode(gzipped ? gunzipSync(body.bytes) : body.bytes);
}
